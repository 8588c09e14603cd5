// Reads a byte range of a file as '\n'-terminated lines, a bounded chunk at a time, so a journal of
// any size (past the 2 GiB a single Buffer or string may hold) streams through in constant memory.
import fs from 'node:fs';

export const DEFAULT_CHUNK_BYTES = 8 << 20;
/** A line longer than this is not a label decision (those are a few KiB at most); it is skipped and reported. */
export const MAX_LINE_BYTES = 1 << 20;

export interface LineChunkOptions {
  chunkBytes?: number;
  maxLineBytes?: number;
}

export interface LineRangeResult {
  /** File offset just after the last '\n' read. */
  endOfLastLine: number;
  /** The bytes after the last '\n' (an unterminated last line), at most maxLineBytes of them. */
  tail: Buffer;
  /** True when the tail itself was longer than maxLineBytes (it is then cut). */
  tailOversized: boolean;
}

/**
 * Calls onLine for every '\n'-terminated line in [from, to) of fd (without the '\n'). A line longer
 * than maxLineBytes is passed as an empty buffer with oversized = true, never held whole in memory.
 */
export function readLineRange(fd: number, from: number, to: number, onLine: (line: Buffer, oversized: boolean) => void, opts: LineChunkOptions = {}): LineRangeResult {
  const chunkBytes = Math.max(1, opts.chunkBytes ?? DEFAULT_CHUNK_BYTES);
  const maxLine = Math.max(1, opts.maxLineBytes ?? MAX_LINE_BYTES);
  const chunk = Buffer.allocUnsafe(Math.min(chunkBytes, Math.max(1, to - from)));
  let carry: Buffer[] = [];
  let carryBytes = 0;
  let oversized = false;
  let pos = from;
  let endOfLastLine = from;
  while (pos < to) {
    const n = fs.readSync(fd, chunk, 0, Math.min(chunk.length, to - pos), pos);
    if (n <= 0) break;
    const data = chunk.subarray(0, n);
    let start = 0;
    for (;;) {
      const nl = data.indexOf(0x0a, start);
      if (nl < 0) break;
      if (oversized || carryBytes + (nl - start) > maxLine) onLine(Buffer.alloc(0), true);
      else onLine(carryBytes ? Buffer.concat([...carry, data.subarray(start, nl)]) : Buffer.from(data.subarray(start, nl)), false);
      carry = [];
      carryBytes = 0;
      oversized = false;
      start = nl + 1;
      endOfLastLine = pos + start;
    }
    if (start < n && !oversized) {
      if (carryBytes + (n - start) > maxLine) {
        oversized = true;
        carry = [];
        carryBytes = 0;
      } else {
        // Copied: the chunk buffer is reused by the next read.
        carry.push(Buffer.from(data.subarray(start)));
        carryBytes += n - start;
      }
    }
    pos += n;
  }
  return { endOfLastLine, tail: Buffer.concat(carry), tailOversized: oversized };
}
