// The safetensors format (huggingface/safetensors): an 8-byte little-endian header length, a JSON
// header {name: {dtype, shape, data_offsets: [begin, end]}} (+ "__metadata__"), then raw
// little-endian tensor bytes, offsets relative to the end of the header.
// Reading is by tensor (one positioned read each), so a loader never holds more than one tensor's
// bytes beside the weights already placed. Every problem names the file and the tensor.
import fs from 'node:fs';
import { UserError } from '../../core/util/userError';
import { bf16ToF32, f16ToF32 } from '../../core/model/float16';

export const SUPPORTED_DTYPES = ['BF16', 'F16', 'F32'] as const;
export type Dtype = (typeof SUPPORTED_DTYPES)[number];
const BYTES: Record<Dtype, number> = { BF16: 2, F16: 2, F32: 4 };
/** A header larger than this is damage, not a model (real headers are well under 1 MB). */
const MAX_HEADER_BYTES = 100 * 1024 * 1024;

export interface TensorInfo {
  name: string;
  dtype: Dtype;
  shape: number[];
  /** Absolute byte range in the file. */
  begin: number;
  end: number;
}

export class SafetensorsFile {
  readonly tensors = new Map<string, TensorInfo>();
  readonly metadata: Record<string, string>;

  private constructor(readonly file: string, private readonly fd: number, header: Record<string, unknown>, dataStart: number, fileSize: number) {
    const meta = header.__metadata__;
    this.metadata = meta && typeof meta === 'object' ? (meta as Record<string, string>) : {};
    for (const [name, raw] of Object.entries(header)) {
      if (name === '__metadata__') continue;
      this.tensors.set(name, parseEntry(file, name, raw, dataStart, fileSize));
    }
  }

  /** Opens the file and checks its header (every tensor's dtype, shape and byte range). */
  static open(file: string): SafetensorsFile {
    let fd: number;
    try {
      fd = fs.openSync(file, 'r');
    } catch (e) {
      throw new UserError(`cannot open: ${(e as Error).message}`, { file });
    }
    try {
      const size = fs.fstatSync(fd).size;
      if (size < 8) throw new UserError(`truncated file: ${size} bytes, shorter than the 8-byte header length`, { file });
      const lenBuf = Buffer.alloc(8);
      fs.readSync(fd, lenBuf, 0, 8, 0);
      const headerLen = Number(lenBuf.readBigUInt64LE(0));
      if (headerLen > MAX_HEADER_BYTES) throw new UserError(`bad header: header length ${headerLen} bytes is not plausible (not a safetensors file?)`, { file });
      if (8 + headerLen > size) throw new UserError(`truncated file: the header needs ${8 + headerLen} bytes, the file has ${size}`, { file });
      const headerBuf = Buffer.alloc(headerLen);
      fs.readSync(fd, headerBuf, 0, headerLen, 8);
      let header: unknown;
      try {
        header = JSON.parse(headerBuf.toString('utf8'));
      } catch (e) {
        throw new UserError(`bad header: not JSON (${(e as Error).message})`, { file });
      }
      if (!header || typeof header !== 'object' || Array.isArray(header)) throw new UserError('bad header: expected a JSON object of tensors', { file });
      return new SafetensorsFile(file, fd, header as Record<string, unknown>, 8 + headerLen, size);
    } catch (e) {
      fs.closeSync(fd);
      throw e;
    }
  }

  /** The tensor as float32 (BF16/F16 widened exactly). */
  read(name: string): Float32Array {
    const info = this.tensors.get(name);
    if (!info) throw new UserError(`no tensor '${name}'`, { file: this.file });
    const bytes = new Uint8Array(info.end - info.begin);
    let done = 0;
    while (done < bytes.length) {
      const n = fs.readSync(this.fd, bytes, done, bytes.length - done, info.begin + done);
      if (n === 0) throw new UserError(`truncated file: tensor '${name}' ends at byte ${info.end}, reading stopped at ${info.begin + done}`, { file: this.file });
      done += n;
    }
    if (info.dtype === 'F32') return new Float32Array(bytes.buffer, 0, bytes.length / 4);
    const halves = new Uint16Array(bytes.buffer, 0, bytes.length / 2);
    return info.dtype === 'BF16' ? bf16ToF32(halves) : f16ToF32(halves);
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}

function parseEntry(file: string, name: string, raw: unknown, dataStart: number, fileSize: number): TensorInfo {
  const bad = (why: string) => new UserError(`bad header: tensor '${name}': ${why}`, { file });
  if (!raw || typeof raw !== 'object') throw bad('entry is not an object');
  const { dtype, shape, data_offsets: offsets } = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
  if (typeof dtype !== 'string') throw bad("'dtype' is missing");
  if (!(SUPPORTED_DTYPES as readonly string[]).includes(dtype)) {
    throw new UserError(`tensor '${name}' has dtype ${dtype}; supported: ${SUPPORTED_DTYPES.join(', ')}`, { file });
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) throw bad(`'shape' must be a list of non-negative integers, got ${JSON.stringify(shape)}`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((d) => Number.isInteger(d) && d >= 0) || offsets[1] < offsets[0]) {
    throw bad(`'data_offsets' must be [begin, end], got ${JSON.stringify(offsets)}`);
  }
  const count = shape.reduce((a: number, b: number) => a * b, 1);
  const expected = count * BYTES[dtype as Dtype];
  if (offsets[1] - offsets[0] !== expected) throw bad(`shape [${shape}] in ${dtype} needs ${expected} bytes, data_offsets span ${offsets[1] - offsets[0]}`);
  const begin = dataStart + offsets[0];
  const end = dataStart + offsets[1];
  if (end > fileSize) throw new UserError(`truncated file: tensor '${name}' ends at byte ${end}, the file has ${fileSize}`, { file });
  return { name, dtype: dtype as Dtype, shape, begin, end };
}
