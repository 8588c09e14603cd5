// Decodes a Parquet file row group by row group for readParquet (rawRows.ts), in a worker thread: a
// damaged page can send the decoder into a loop that takes minutes or an allocation that takes the
// heap, and only a separate thread can be stopped. One group is decoded per 'next' request, so the
// file streams. Rows arrive as JSON-safe values (INT64 beyond 2^53 as exact strings).
import { parentPort, workerData } from 'node:worker_threads';

export type ParquetWorkerMessage =
  | { type: 'meta'; groups: { rows: number; bytes: number }[] }
  | { type: 'rows'; group: number; rowStart: number; rows: Record<string, unknown>[] }
  | { type: 'error'; group?: number; message: string }
  | { type: 'done' };

// A damaged footer can make hyparquet start a column read nothing awaits; the error that matters has
// already been reported through the read itself.
process.on('unhandledRejection', () => {});

/** Parquet INT64 columns arrive as BigInt, which JSON cannot hold; small ones become numbers, big ones exact strings. */
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

async function main(file: string): Promise<void> {
  const port = parentPort!;
  const post = (m: ParquetWorkerMessage) => port.postMessage(m);
  const { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } = await import('hyparquet');
  let buffer;
  let metadata;
  try {
    buffer = await asyncBufferFromFile(file);
    metadata = await parquetMetadataAsync(buffer);
  } catch (e) {
    post({ type: 'error', message: `not a readable Parquet file: ${(e as Error)?.message ?? String(e)}` });
    return;
  }
  const groups = metadata.row_groups.map((g) => ({ rows: Number(g.num_rows), bytes: Number(g.total_byte_size ?? 0) }));
  post({ type: 'meta', groups });
  let group = 0;
  let rowStart = 0;
  port.on('message', async (m: { type: 'next' }) => {
    if (m.type !== 'next') return;
    if (group >= groups.length) {
      post({ type: 'done' });
      return;
    }
    const g = group++;
    const rowEnd = rowStart + groups[g].rows;
    try {
      const rows = await parquetReadObjects({ file: buffer, metadata, rowStart, rowEnd });
      post({ type: 'rows', group: g, rowStart, rows: rows.map((r) => jsonSafe(r) as Record<string, unknown>) });
    } catch (e) {
      post({ type: 'error', group: g, message: (e as Error)?.message ?? String(e) });
    }
    rowStart = rowEnd;
  });
}

main(workerData.file as string).catch((e) => parentPort!.postMessage({ type: 'error', message: (e as Error)?.message ?? String(e) }));
