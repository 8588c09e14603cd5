// Runs a job (core/launch/jobProtocol.ts) in a child process — the CLI bundle's `job` command — and
// follows its JSON progress lines. No `vscode` import: the unit test drives it with the real bundle.
// The extension host only waits; a 100 MB Parquet file is parsed in the child.
import readline from 'node:readline';
import { JobMessage, type JobRequest } from '../core/launch/jobProtocol';
import { spawnCli } from './cliProcess';

export class JobError extends Error {
  /** True when the request or its input files are at fault (the message names what and where). */
  constructor(message: string, readonly input: boolean) {
    super(message);
    this.name = 'JobError';
  }
}

export class JobCancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'JobCancelled';
  }
}

export interface JobProgress { message: string; done?: number; total?: number }

export interface JobHandle {
  /** The job's `result` payload. Rejects with JobError, JobCancelled, or an Error for a crashed process. */
  result: Promise<unknown>;
  cancel(): void;
  readonly pid: number | undefined;
}

export interface JobOptions {
  /** dist/cli.js of this extension. */
  cliScript: string;
  onProgress?: (p: JobProgress) => void;
  cwd?: string;
}

const STDERR_TAIL = 20;

export function startJob(request: JobRequest, opts: JobOptions): JobHandle {
  const child = spawnCli(opts.cliScript, ['job'], opts.cwd);
  let cancelled = false;
  const stderr: string[] = [];
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d: string) => {
    stderr.push(...d.split('\n').filter((l) => l.trim()));
    while (stderr.length > STDERR_TAIL) stderr.shift();
  });
  const result = new Promise<unknown>((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void) => { if (!settled) { settled = true; fn(); } };
    const lines = readline.createInterface({ input: child.stdout, crlfDelay: Infinity });
    lines.on('line', (text) => {
      if (!text.trim()) return;
      let raw: unknown;
      try { raw = JSON.parse(text); } catch { stderr.push(`(not JSON on stdout) ${text.slice(0, 200)}`); return; }
      const parsed = JobMessage.safeParse(raw);
      if (!parsed.success) { stderr.push(`(malformed job message) ${text.slice(0, 200)}`); return; }
      const m = parsed.data;
      if (m.type === 'progress') opts.onProgress?.({ message: m.message, done: m.done, total: m.total });
      else if (m.type === 'result') settle(() => resolve(m.result));
      else settle(() => reject(new JobError(m.message, m.input)));
    });
    child.on('error', (e) => settle(() => reject(new Error(`cannot start the job process: ${e.message}`))));
    child.on('close', (code, signal) => {
      lines.close();
      if (cancelled) settle(() => reject(new JobCancelled()));
      settle(() => reject(new Error(`the job process ${signal ? `was killed by ${signal}` : `exited with code ${code}`} without a result${stderr.length ? `: ${stderr.slice(-3).join(' | ')}` : ''}`)));
    });
  });
  child.stdin.on('error', () => { /* the child may exit before reading: its exit reports why */ });
  child.stdin.end(JSON.stringify(request));
  return {
    result,
    pid: child.pid,
    cancel: () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      cancelled = true;
      child.kill('SIGTERM');
    },
  };
}
