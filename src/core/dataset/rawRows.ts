// Reads the rows of a dataset file as plain objects, streaming where the format allows:
// JSONL line by line (as bytes, so invalid UTF-8 is seen and reported), Parquet row group by row
// group (hyparquet, in a worker thread with a time budget per group), JSON arrays whole (the format has no streaming boundary; such files are small
// in practice). This is the one reader every command uses, through loadDataset.
// A row that cannot be parsed is yielded as a problem with its line, never dropped silently; a row
// that was read but altered (invalid UTF-8 replaced) carries a warning. Nesting deeper than
// MAX_JSON_DEPTH is refused per line before parsing (downstream code recurses over values). Integers
// beyond 2^53 are kept exact, as strings (lossless-json). A UTF-8 byte-order mark is stripped.
import fs from 'node:fs';
import path from 'node:path';
import { isUtf8 } from 'node:buffer';
import { Worker } from 'node:worker_threads';
import { distPath } from '../util/paths';
import { DatasetError, type RowProblem } from './errors';
import { parseJsonText } from './jsonText';
import type { ParquetWorkerMessage } from './parquetRows.worker';

export interface RawRow {
  file: string;
  line: number;
  unit: 'line' | 'row';
  value: Record<string, unknown>;
}

export type RawRowResult = { ok: true; row: RawRow; warnings?: RowProblem[] } | { ok: false; problem: RowProblem };

export type FileFormat = 'jsonl' | 'json' | 'parquet';

/** A JSONL line longer than this is refused (a JS string holds at most ~512 MiB). */
export const MAX_LINE_BYTES = 256 << 20;
const PARQUET_MAGIC = Buffer.from('PAR1');

function readHead(file: string, bytes: number): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(bytes);
    const n = fs.readSync(fd, head, 0, head.length, 0);
    return head.subarray(0, n);
  } finally {
    fs.closeSync(fd);
  }
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export function detectFileFormat(file: string): FileFormat {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.parquet') return 'parquet';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  if (ext === '.json') {
    // Some ".json" files are JSON Lines; peek at the first non-space character.
    const first = stripBom(readHead(file, 256).toString('utf8')).trimStart()[0];
    return first === '[' ? 'json' : 'jsonl';
  }
  throw new DatasetError(`${file}: unknown file type '${ext || '(none)'}' (expected .jsonl, .ndjson, .json or .parquet)`);
}

export async function* readRawRows(file: string): AsyncGenerator<RawRowResult> {
  if (!fs.existsSync(file)) throw new DatasetError(`${file}: no such file`);
  if (fs.statSync(file).isDirectory()) throw new DatasetError(`${file}: is a directory, not a dataset file`);
  const format = detectFileFormat(file);
  if (format === 'jsonl') yield* readJsonl(file);
  else if (format === 'json') yield* readJsonArray(file);
  else yield* readParquet(file);
}

function asObjectRow(value: unknown): Record<string, unknown> | string {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return `expected a JSON object, got ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}`;
  }
  return value as Record<string, unknown>;
}

const utf8Lenient = new TextDecoder('utf-8');

/** Decodes one line; invalid UTF-8 becomes U+FFFD and is reported. */
export function decodeLine(bytes: Buffer): { text: string; replaced: number } {
  if (isUtf8(bytes)) return { text: bytes.toString('utf8'), replaced: 0 };
  const text = utf8Lenient.decode(bytes);
  let replaced = 0;
  for (let i = text.indexOf('\ufffd'); i >= 0; i = text.indexOf('\ufffd', i + 1)) replaced++;
  return { text, replaced: Math.max(1, replaced) };
}

export interface ByteLine {
  /** 1-based line number. */
  line: number;
  /** The line without '\n' (and a '\r' before it); undefined when it was longer than the limit. */
  bytes: Buffer | undefined;
}

/**
 * Splits a byte stream into lines, a chunk's worth at a time (one await per chunk, not per line).
 * A line longer than maxLineBytes is reported without being held in memory.
 */
export async function* byteLineBatches(chunks: AsyncIterable<Buffer>, maxLineBytes = MAX_LINE_BYTES): AsyncGenerator<ByteLine[]> {
  let carry: Buffer[] = [];
  let carryBytes = 0;
  let oversized = false;
  let line = 0;
  const finish = (last: Buffer): Buffer | undefined => {
    if (oversized) return undefined;
    let bytes = carryBytes ? Buffer.concat([...carry, last]) : last;
    if (bytes.length && bytes[bytes.length - 1] === 0x0d) bytes = bytes.subarray(0, bytes.length - 1);
    return bytes;
  };
  for await (const chunk of chunks) {
    const batch: ByteLine[] = [];
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      if (nl < 0) break;
      line++;
      if (carryBytes + (nl - start) > maxLineBytes) oversized = true;
      batch.push({ line, bytes: finish(chunk.subarray(start, nl)) });
      carry = [];
      carryBytes = 0;
      oversized = false;
      start = nl + 1;
    }
    if (start < chunk.length && !oversized) {
      if (carryBytes + chunk.length - start > maxLineBytes) {
        oversized = true;
        carry = [];
        carryBytes = 0;
      } else {
        carry.push(chunk.subarray(start));
        carryBytes += chunk.length - start;
      }
    }
    if (batch.length) yield batch;
  }
  if (carryBytes || oversized) yield [{ line: line + 1, bytes: finish(Buffer.alloc(0)) }];
}

function jsonlRow(file: string, line: number, bytes: Buffer | undefined): RawRowResult | undefined {
  if (bytes === undefined) return { ok: false, problem: { file, line, error: `line longer than ${MAX_LINE_BYTES} bytes` } };
  const decoded = decodeLine(bytes);
  const text = line === 1 ? stripBom(decoded.text) : decoded.text;
  if (!text.trim()) return undefined;
  const parsed = parseJsonText(text);
  if (!parsed.ok) return { ok: false, problem: { file, line, error: parsed.error } };
  const row = asObjectRow(parsed.value);
  if (typeof row === 'string') return { ok: false, problem: { file, line, error: row } };
  if (!decoded.replaced) return { ok: true, row: { file, line, unit: 'line', value: row } };
  return { ok: true, row: { file, line, unit: 'line', value: row }, warnings: [{ file, line, error: `invalid UTF-8: ${decoded.replaced} byte sequence(s) replaced by U+FFFD` }] };
}

async function* readJsonl(file: string): AsyncGenerator<RawRowResult> {
  for await (const batch of byteLineBatches(fs.createReadStream(file, { highWaterMark: 1 << 20 }))) {
    for (const { line, bytes } of batch) {
      const result = jsonlRow(file, line, bytes);
      if (result) yield result;
    }
  }
}

async function* readJsonArray(file: string): AsyncGenerator<RawRowResult> {
  const decoded = decodeLine(fs.readFileSync(file));
  const parsed = parseJsonText(stripBom(decoded.text));
  if (!parsed.ok) throw new DatasetError(`${file}: ${parsed.error}`);
  if (!Array.isArray(parsed.value)) throw new DatasetError(`${file}: expected a JSON array of objects at the top level`);
  const fileWarning: RowProblem[] | undefined = decoded.replaced
    ? [{ file, line: 0, error: `invalid UTF-8 in the file: ${decoded.replaced} byte sequence(s) replaced by U+FFFD` }]
    : undefined;
  for (let i = 0; i < parsed.value.length; i++) {
    const row = asObjectRow(parsed.value[i]);
    if (typeof row === 'string') yield { ok: false, problem: { file, line: i + 1, unit: 'row', error: row } };
    else yield { ok: true, row: { file, line: i + 1, unit: 'row', value: row }, ...(i === 0 && fileWarning ? { warnings: fileWarning } : {}) };
  }
}

/** How long one row group may take to decode: a generous floor plus time for its size. */
function groupBudgetMs(bytes: number): number {
  const floor = Number(process.env.ACEREASON_PARQUET_GROUP_TIMEOUT_S ?? 60) * 1000;
  return floor + bytes / (4 << 20) * 1000;
}

function startParquetWorker(file: string): Worker {
  if (!__filename.endsWith('.ts')) return new Worker(distPath('workers', 'parquetRows.js'), { workerData: { file } });
  // Under tsx (tests): the TypeScript worker through tsx's require hook (workers do not inherit the loader).
  const source = path.join(__dirname, 'parquetRows.worker.ts');
  const tsxRegister = 'tsx/cjs'; // a variable: the bundles never resolve it (only sources run under tsx)
  return new Worker(`require(${JSON.stringify(require.resolve(tsxRegister))}); require(${JSON.stringify(source)});`, { eval: true, workerData: { file } });
}

/** Rows of a Parquet file, decoded in a worker (parquetRows.worker.ts) that is stopped if a group takes too long. */
async function* readParquet(file: string): AsyncGenerator<RawRowResult> {
  const head = readHead(file, 4);
  if (!head.equals(PARQUET_MAGIC)) {
    const first = head.toString('latin1').trimStart()[0];
    const hint = first === '{' || first === '[' ? ' (it starts like JSON: is it a .jsonl file named .parquet?)' : '';
    throw new DatasetError(`${file}: not a readable Parquet file: it does not start with the PAR1 magic bytes${hint}`);
  }
  const worker = startParquetWorker(file);
  const inbox: ParquetWorkerMessage[] = [];
  let wake: (() => void) | undefined;
  let failure: string | undefined;
  worker.on('message', (m: ParquetWorkerMessage) => { inbox.push(m); wake?.(); });
  worker.on('error', (e) => { failure ??= e.message; wake?.(); });
  worker.on('exit', (code) => { failure ??= `the decoder stopped (exit code ${code})`; wake?.(); });
  const next = async (budgetMs: number, what: string): Promise<ParquetWorkerMessage> => {
    const deadline = Date.now() + budgetMs;
    while (!inbox.length) {
      if (failure !== undefined) throw new DatasetError(`${file}: ${what} cannot be decoded: ${failure}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new DatasetError(`${file}: ${what} did not decode within ${Math.round(budgetMs / 1000)} s (a damaged data page?)`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        wake = () => { clearTimeout(timer); resolve(); };
      });
      wake = undefined;
    }
    return inbox.shift()!;
  };
  try {
    const meta = await next(groupBudgetMs(0), 'the footer');
    if (meta.type === 'error') throw new DatasetError(`${file}: ${meta.message}`);
    if (meta.type !== 'meta') throw new DatasetError(`${file}: unexpected reply from the Parquet decoder`);
    for (let g = 0; g < meta.groups.length; g++) {
      const range = `row group ${g + 1}`;
      worker.postMessage({ type: 'next' });
      const m = await next(groupBudgetMs(meta.groups[g].bytes), range);
      if (m.type === 'error') {
        const start = meta.groups.slice(0, g).reduce((n, x) => n + x.rows, 0);
        throw new DatasetError(`${file}: ${range} (rows ${start + 1}–${start + meta.groups[g].rows}) cannot be decoded (a damaged data page?): ${m.message}`);
      }
      if (m.type !== 'rows') throw new DatasetError(`${file}: unexpected reply from the Parquet decoder`);
      for (let i = 0; i < m.rows.length; i++) {
        yield { ok: true, row: { file, line: m.rowStart + i + 1, unit: 'row', value: m.rows[i] } };
      }
    }
  } finally {
    worker.removeAllListeners();
    worker.on('error', () => {});
    await worker.terminate();
  }
}
