// Reads the rows of a dataset file as plain objects, streaming where the format allows:
// JSONL line by line, Parquet row group by row group (hyparquet), JSON arrays whole (the format
// has no streaming boundary; such files are small in practice). A row that cannot be parsed is
// yielded as a problem with its line, never dropped silently.
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { DatasetError, type RowProblem } from './errors';

export interface RawRow {
  file: string;
  line: number;
  unit: 'line' | 'row';
  value: Record<string, unknown>;
}

export type RawRowResult = { ok: true; row: RawRow } | { ok: false; problem: RowProblem };

export type FileFormat = 'jsonl' | 'json' | 'parquet';

export function detectFileFormat(file: string): FileFormat {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.parquet') return 'parquet';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  if (ext === '.json') {
    // Some ".json" files are JSON Lines; peek at the first non-space byte.
    const fd = fs.openSync(file, 'r');
    try {
      const head = Buffer.alloc(256);
      const n = fs.readSync(fd, head, 0, head.length, 0);
      const first = head.subarray(0, n).toString('utf8').trimStart()[0];
      return first === '[' ? 'json' : 'jsonl';
    } finally {
      fs.closeSync(fd);
    }
  }
  throw new DatasetError(`${file}: unknown file type '${ext || '(none)'}' (expected .jsonl, .ndjson, .json or .parquet)`);
}

export async function* readRawRows(file: string): AsyncGenerator<RawRowResult> {
  if (!fs.existsSync(file)) throw new DatasetError(`${file}: no such file`);
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

async function* readJsonl(file: string): AsyncGenerator<RawRowResult> {
  const lines = readline.createInterface({ input: fs.createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line++;
    if (!text.trim()) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      yield { ok: false, problem: { file, line, error: `not valid JSON: ${(e as Error).message}` } };
      continue;
    }
    const row = asObjectRow(parsed);
    if (typeof row === 'string') yield { ok: false, problem: { file, line, error: row } };
    else yield { ok: true, row: { file, line, unit: 'line', value: row } };
  }
}

async function* readJsonArray(file: string): AsyncGenerator<RawRowResult> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new DatasetError(`${file}: not valid JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(parsed)) throw new DatasetError(`${file}: expected a JSON array of objects at the top level`);
  for (let i = 0; i < parsed.length; i++) {
    const row = asObjectRow(parsed[i]);
    if (typeof row === 'string') yield { ok: false, problem: { file, line: i + 1, unit: 'row', error: row } };
    else yield { ok: true, row: { file, line: i + 1, unit: 'row', value: row } };
  }
}

async function* readParquet(file: string): AsyncGenerator<RawRowResult> {
  // hyparquet is ESM-only; load it on first use so JSONL users never pay for it.
  const { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } = await import('hyparquet');
  let buffer;
  let metadata;
  try {
    buffer = await asyncBufferFromFile(file);
    metadata = await parquetMetadataAsync(buffer);
  } catch (e) {
    throw new DatasetError(`${file}: not a readable Parquet file: ${(e as Error).message}`);
  }
  let rowStart = 0;
  for (const group of metadata.row_groups) {
    const rowEnd = rowStart + Number(group.num_rows);
    const rows = await parquetReadObjects({ file: buffer, metadata, rowStart, rowEnd });
    for (let i = 0; i < rows.length; i++) {
      yield { ok: true, row: { file, line: rowStart + i + 1, unit: 'row', value: jsonSafe(rows[i]) as Record<string, unknown> } };
    }
    rowStart = rowEnd;
  }
}

/** Parquet INT64 columns arrive as BigInt, which JSON cannot hold; small ones become numbers. */
function jsonSafe(value: unknown): unknown {
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = jsonSafe(v);
    return out;
  }
  return value;
}
