// Incremental reader of an append-only JSONL file that another process is writing: each read()
// returns only the complete lines added since the previous read. A torn last line (the writer is
// mid-append) is held back until its newline arrives. A file that shrank or was replaced restarts
// from the beginning and says so, so the caller can drop what it built from the old content.
import fs from 'node:fs';

export interface TailLine {
  /** 1-based line number in the file. */
  line: number;
  text: string;
}

export interface TailRead {
  lines: TailLine[];
  /** True when the file was truncated or replaced since the last read: start over from these lines. */
  restarted: boolean;
}

const CHUNK_BYTES = 4 << 20;

export class JsonlTail {
  private offset = 0;
  private lineNo = 0;
  private pending: Buffer = Buffer.alloc(0);
  private identity: string | undefined;

  constructor(readonly file: string) {}

  read(): TailRead {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(this.file);
    } catch {
      const restarted = this.offset > 0 || this.identity !== undefined;
      this.reset();
      return { lines: [], restarted };
    }
    const identity = `${stat.dev}:${stat.ino}`;
    let restarted = false;
    if ((this.identity !== undefined && identity !== this.identity) || stat.size < this.offset) {
      this.reset();
      restarted = true;
    }
    this.identity = identity;
    const lines: TailLine[] = [];
    if (stat.size === this.offset) return { lines, restarted };
    const fd = fs.openSync(this.file, 'r');
    try {
      while (this.offset < stat.size) {
        const want = Math.min(CHUNK_BYTES, stat.size - this.offset);
        const buf = Buffer.alloc(want);
        const got = fs.readSync(fd, buf, 0, want, this.offset);
        if (got <= 0) break;
        this.offset += got;
        this.consume(buf.subarray(0, got), lines);
      }
    } finally {
      fs.closeSync(fd);
    }
    return { lines, restarted };
  }

  private consume(chunk: Buffer, out: TailLine[]): void {
    let data = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    let start = 0;
    for (let nl = data.indexOf(0x0a, start); nl >= 0; nl = data.indexOf(0x0a, start)) {
      this.lineNo++;
      const text = data.toString('utf8', start, nl).trim();
      if (text) out.push({ line: this.lineNo, text });
      start = nl + 1;
    }
    data = data.subarray(start);
    this.pending = Buffer.from(data);
  }

  private reset(): void {
    this.offset = 0;
    this.lineNo = 0;
    this.pending = Buffer.alloc(0);
    this.identity = undefined;
  }
}
