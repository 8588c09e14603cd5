// Writes that matter are atomic (temp file + fsync + rename) or append-only (one JSON line per
// append). A crash or kill -9 at any moment leaves the last good state readable; a torn last line of
// an append-only file is ignored on load and reported.
import fs from 'node:fs';
import path from 'node:path';

export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  fsyncDir(path.dirname(file));
}

export function writeJsonAtomic(file: string, value: unknown): void {
  writeFileAtomic(file, JSON.stringify(value, null, 2) + '\n');
}

/** Atomically publish a directory: build it under `<dir>.tmp-*`, then rename into place. */
export function publishDirAtomic(finalDir: string, build: (tmpDir: string) => void): void {
  const tmp = prepareTempDir(finalDir);
  try {
    build(tmp);
  } catch (e) {
    // The previous directory is untouched; do not leave the half-built one behind either.
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  commitTempDir(tmp, finalDir);
}

/** publishDirAtomic for a build step that is asynchronous (e.g. reading weights off a device). */
export async function publishDirAtomicAsync(finalDir: string, build: (tmpDir: string) => Promise<void>): Promise<void> {
  const tmp = prepareTempDir(finalDir);
  try {
    await build(tmp);
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  commitTempDir(tmp, finalDir);
}

function prepareTempDir(finalDir: string): string {
  fs.mkdirSync(path.dirname(finalDir), { recursive: true });
  const tmp = `${finalDir}.tmp-${process.pid}-${Date.now().toString(36)}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  return tmp;
}

/** fsyncs the built files, then swaps the temp dir in (the old one, if any, goes after). */
function commitTempDir(tmp: string, finalDir: string): void {
  for (const f of fs.readdirSync(tmp)) {
    const p = path.join(tmp, f);
    if (fs.statSync(p).isFile()) {
      const fd = fs.openSync(p, 'r+');
      fs.fsyncSync(fd);
      fs.closeSync(fd);
    }
  }
  if (fs.existsSync(finalDir)) {
    const old = `${finalDir}.old-${process.pid}-${Date.now().toString(36)}`;
    fs.renameSync(finalDir, old);
    fs.renameSync(tmp, finalDir);
    fs.rmSync(old, { recursive: true, force: true });
  } else {
    fs.renameSync(tmp, finalDir);
  }
  fsyncDir(path.dirname(finalDir));
}

function fsyncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try { fs.fsyncSync(fd); } finally { fs.closeSync(fd); }
  } catch {
    // Some filesystems refuse fsync on directories; the rename is still atomic.
  }
}

/** Appends one JSON value as one line. A single write(2) of a line is never interleaved with another. */
export function appendJsonLine(file: string, value: unknown, opts: { fsync?: boolean } = {}): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const line = JSON.stringify(value) + '\n';
  const fd = fs.openSync(file, 'a');
  try {
    // A previous crash may have left a torn line without '\n'; start ours on a fresh line.
    const size = fs.fstatSync(fd).size;
    let prefix = '';
    if (size > 0) {
      const last = Buffer.alloc(1);
      const rfd = fs.openSync(file, 'r');
      try { fs.readSync(rfd, last, 0, 1, size - 1); } finally { fs.closeSync(rfd); }
      if (last[0] !== 0x0a) prefix = '\n';
    }
    fs.writeSync(fd, prefix + line);
    if (opts.fsync) fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

export interface JsonlReadResult<T> {
  records: T[];
  /** Lines that were not valid JSON (a torn last line after a crash, or a corrupt line), 1-based. */
  badLines: { line: number; error: string }[];
}

/** Reads a JSONL file, keeping every parseable line and reporting the others with their line number. */
export function readJsonLines<T = unknown>(file: string): JsonlReadResult<T> {
  const out: JsonlReadResult<T> = { records: [], badLines: [] };
  if (!fs.existsSync(file)) return out;
  const text = fs.readFileSync(file, 'utf8');
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i].trim();
    if (!l) continue;
    try {
      out.records.push(JSON.parse(l) as T);
    } catch (e) {
      out.badLines.push({ line: i + 1, error: (e as Error).message });
    }
  }
  return out;
}
