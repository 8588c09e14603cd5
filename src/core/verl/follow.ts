// Following a growing JSONL file — a local path, or the output of a user-configured command such as
// `ssh gpu-head tail -n +1 -F /runs/x/metrics.jsonl` — line by line. Partial last lines wait for their
// newline; invalid lines are reported, never trusted.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';

export interface FollowHandlers {
  line(value: unknown): void;
  bad?(text: string, error: string): void;
  /** The command exited or the file vanished; `error` says why. */
  end?(error?: string): void;
}

export interface Follower {
  stop(): void;
}

function lineSplitter(h: FollowHandlers): (chunk: string) => void {
  let partial = '';
  return (chunk) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const l of lines) {
      const t = l.trim();
      if (!t) continue;
      try {
        h.line(JSON.parse(t));
      } catch (e) {
        h.bad?.(t.slice(0, 200), (e as Error).message);
      }
    }
  };
}

/** Follows a local file from the start, then polls for growth (works on network filesystems too). */
export function followFile(file: string, h: FollowHandlers, pollMs = 500): Follower {
  const feed = lineSplitter(h);
  let offset = 0;
  let stopped = false;
  const read = () => {
    if (stopped) return;
    let size: number;
    try {
      size = fs.statSync(file).size;
    } catch {
      return; // not there yet: keep polling
    }
    if (size < offset) offset = 0; // truncated or replaced: start over
    if (size > offset) {
      const fd = fs.openSync(file, 'r');
      try {
        const buf = Buffer.alloc(size - offset);
        fs.readSync(fd, buf, 0, buf.length, offset);
        offset = size;
        feed(buf.toString('utf8'));
      } finally {
        fs.closeSync(fd);
      }
    }
  };
  read();
  const timer = setInterval(read, pollMs);
  return { stop: () => { stopped = true; clearInterval(timer); } };
}

/** Follows the stdout of a shell command (the user's own, e.g. an ssh tail). */
export function followCommand(command: string, h: FollowHandlers, opts: { cwd?: string } = {}): Follower {
  const feed = lineSplitter(h);
  const child: ChildProcess = spawn('/bin/sh', ['-c', command], { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stderr = '';
  let stopped = false;
  child.stdout!.setEncoding('utf8').on('data', feed);
  child.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr = (stderr + d).slice(-2000); });
  child.on('exit', (code, signal) => {
    if (!stopped) h.end?.(`command exited (${signal ?? `code ${code}`})${stderr.trim() ? `: ${stderr.trim()}` : ''}`);
  });
  child.on('error', (e) => h.end?.(`command failed to start: ${e.message}`));
  return {
    stop: () => {
      stopped = true;
      try { if (child.pid) process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ }
    },
  };
}

/** Follows every <step>.jsonl in a verl rollout dump folder, each file once complete lines arrive. */
export function followRolloutDir(dir: string, h: FollowHandlers & { file?(step: number): void }, pollMs = 1000): Follower {
  const followers = new Map<string, Follower>();
  let stopped = false;
  const scan = () => {
    if (stopped) return;
    let names: string[] = [];
    try {
      names = fs.readdirSync(dir).filter((f) => /^\d+\.jsonl$/.test(f)).sort((a, b) => parseInt(a) - parseInt(b));
    } catch {
      return;
    }
    for (const n of names) {
      if (followers.has(n)) continue;
      h.file?.(parseInt(n));
      const step = parseInt(n);
      followers.set(n, followFile(`${dir}/${n}`, { ...h, line: (v) => h.line(v && typeof v === 'object' ? { step, ...(v as object) } : v) }, pollMs));
    }
  };
  scan();
  const timer = setInterval(scan, pollMs);
  return { stop: () => { stopped = true; clearInterval(timer); for (const f of followers.values()) f.stop(); } };
}
