// Writes safetensors files (https://huggingface.co/docs/safetensors): an 8-byte little-endian header
// length, a JSON header {name: {dtype, shape, data_offsets}, __metadata__}, padded with spaces to 8
// bytes as the reference writer does, then each tensor's little-endian bytes. Tensors arrive as
// float32 and are narrowed one at a time, so writing a model never holds a second copy of it.
// Past a byte budget the tensors are split into shards with model.safetensors.index.json, by the
// rule huggingface_hub's split_torch_state_dict_into_shards applies for transformers' save_pretrained.
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../util/atomic';
import { f32ToBf16Bits, f32ToF16Bits } from './float16';

export const WRITE_DTYPES = ['F32', 'F16', 'BF16'] as const;
export type WriteDtype = (typeof WRITE_DTYPES)[number];
const BYTES: Record<WriteDtype, number> = { F32: 4, F16: 2, BF16: 2 };

export interface TensorSpec {
  name: string;
  shape: number[];
}

/** The float32 values of a tensor, asked for only when it is written. */
export type TensorSource = (name: string) => Float32Array;

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function tensorBytes(spec: TensorSpec, dtype: WriteDtype): number {
  return elementCount(spec.shape) * BYTES[dtype];
}

function encodeValues(values: Float32Array, dtype: WriteDtype): Uint8Array {
  // Raw little-endian bytes: typed arrays are in the platform's order, and Node runs on little-endian CPUs.
  const raw = dtype === 'F32' ? values : dtype === 'BF16' ? f32ToBf16Bits(values) : f32ToF16Bits(values);
  return new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
}

/** The header bytes (length prefix included) and each tensor's [begin, end) in the data section. */
function headerFor(specs: readonly TensorSpec[], dtype: WriteDtype, metadata: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  const seen = new Set<string>();
  for (const s of specs) {
    if (seen.has(s.name)) throw new Error(`safetensors: tensor '${s.name}' is listed twice`);
    seen.add(s.name);
    if (!s.shape.every((d) => Number.isInteger(d) && d >= 0)) throw new Error(`safetensors: tensor '${s.name}' has a bad shape [${s.shape}]`);
    const bytes = tensorBytes(s, dtype);
    header[s.name] = { dtype, shape: s.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const padded = Buffer.alloc(Math.ceil(json.length / 8) * 8, 0x20);
  json.copy(padded);
  const out = Buffer.alloc(8 + padded.length);
  out.writeBigUInt64LE(BigInt(padded.length), 0);
  padded.copy(out, 8);
  return out;
}

/**
 * One safetensors file, written to a temp name, fsynced and renamed (a crash leaves no torn file).
 * The data section follows `specs` in order; `source` is called once per tensor.
 */
export function writeSafetensors(file: string, specs: readonly TensorSpec[], source: TensorSource, dtype: WriteDtype, metadata: Record<string, string> = { format: 'pt' }): void {
  if (!WRITE_DTYPES.includes(dtype)) throw new Error(`safetensors: cannot write dtype ${dtype} (use ${WRITE_DTYPES.join(', ')})`);
  const header = headerFor(specs, dtype, metadata);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${Date.now().toString(36)}`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, header);
    for (const s of specs) {
      const values = source(s.name);
      const count = elementCount(s.shape);
      if (values.length !== count) throw new Error(`safetensors: tensor '${s.name}' has ${values.length} values, shape [${s.shape}] needs ${count}`);
      fs.writeSync(fd, encodeValues(values, dtype));
    }
    fs.fsyncSync(fd);
  } catch (e) {
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  fs.closeSync(fd);
  fs.renameSync(tmp, file);
}

export interface ShardPlan {
  /** File name → the tensors it holds, in writing order. */
  shards: { file: string; specs: TensorSpec[] }[];
  /** Bytes of tensor data over all shards (the index's metadata.total_size). */
  totalSize: number;
}

/**
 * huggingface_hub's split: tensors in order fill a shard until the next one would pass the budget;
 * a tensor larger than the budget gets a shard of its own. One shard is `<prefix>.safetensors`;
 * more are `<prefix>-00001-of-0000N.safetensors`.
 */
export function planShards(specs: readonly TensorSpec[], dtype: WriteDtype, maxShardBytes: number, prefix = 'model'): ShardPlan {
  if (!(maxShardBytes > 0)) throw new Error(`safetensors: the shard budget must be positive, got ${maxShardBytes}`);
  const groups: TensorSpec[][] = [];
  let current: TensorSpec[] = [];
  let currentSize = 0;
  let totalSize = 0;
  for (const s of specs) {
    const size = tensorBytes(s, dtype);
    totalSize += size;
    if (size > maxShardBytes) {
      groups.push([s]);
      continue;
    }
    if (currentSize + size > maxShardBytes) {
      groups.push(current);
      current = [];
      currentSize = 0;
    }
    current.push(s);
    currentSize += size;
  }
  if (current.length) groups.push(current);
  const n = groups.length;
  const pad = (i: number) => String(i).padStart(5, '0');
  const shards = groups.map((g, i) => ({ file: n === 1 ? `${prefix}.safetensors` : `${prefix}-${pad(i + 1)}-of-${pad(n)}.safetensors`, specs: g }));
  return { shards, totalSize };
}

/** JSON as Python's json.dumps(obj, indent=2, sort_keys=True) writes ASCII keys and values. */
export function sortedJson(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sort((v as Record<string, unknown>)[k])]));
    return v;
  };
  return JSON.stringify(sort(value), null, 2);
}

/**
 * The weights of a model folder: `model.safetensors`, or shards plus `model.safetensors.index.json`
 * (`{"metadata": {"total_size"}, "weight_map": {tensor: file}}`, keys sorted, as transformers writes it).
 * Returns the plan it wrote.
 */
export function writeModelWeights(dir: string, specs: readonly TensorSpec[], source: TensorSource, dtype: WriteDtype, maxShardBytes = 2_000_000_000, prefix = 'model'): ShardPlan {
  const plan = planShards(specs, dtype, maxShardBytes, prefix);
  for (const shard of plan.shards) writeSafetensors(path.join(dir, shard.file), shard.specs, source, dtype);
  if (plan.shards.length > 1) {
    const weightMap: Record<string, string> = {};
    for (const shard of plan.shards) for (const s of shard.specs) weightMap[s.name] = shard.file;
    writeFileAtomic(path.join(dir, `${prefix}.safetensors.index.json`), sortedJson({ metadata: { total_size: plan.totalSize }, weight_map: weightMap }) + '\n');
  }
  return plan;
}
