// One warm Python fork server (sandbox_forkserver.py) as seen from Node: start it (inside
// `unshare --net --mount` when available), send one request at a time, read one reply per line.
// If the process dies, the pending request fails with a SandboxError and the next call restarts it.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { distPath } from '../../util/paths';
import type { IsolationSupport } from './isolation';

/** What the fork server measured about one child run. Verdicts are decided elsewhere (verdict.ts). */
export interface RawRun {
  exitCode: number | null;
  signal: number | null;
  wallMs: number;
  cpuMs: number | null;
  maxRssKb: number | null;
  timedOut: boolean;
  outputExceeded: boolean;
  /** The test's processes together passed the memory limit (cgroup OOM or the polling fallback). */
  memoryLimitHit: boolean;
  stdout: string;
  stderr: string;
  stderrDroppedBytes: number;
  /** Function-call mode: the JSON text the harness wrote to fd 3, or null. */
  result: string | null;
}

interface CommonRequest {
  stdin: string;
  timeoutS: number;
  memoryMb: number;
  outputLimitBytes: number;
  nproc: number;
}
export type ForkRequest =
  | (CommonRequest & { kind: 'python'; mode: 'stdin' | 'call'; code: string; fnName?: string; callInput?: string })
  | (CommonRequest & { kind: 'exec'; argv: string[]; files: Record<string, string>; memoryRlimit?: 'as' | 'data' });

/** What a worker holds after its last test: must be empty between tests (used by the sandbox's own tests). */
export interface WorkerLeftovers {
  uid: number | null;
  scratchEntries: string[];
  /** Entries of the private tmpfs mounts (/tmp, /var/tmp, …) other than the scratch root. */
  maskedEntries: Record<string, string[]>;
  /** Live or zombie processes of the worker's test uid. */
  uidProcesses: number[];
}

export interface ForkServerHello {
  python: string;
  version: string;
  uid: number | null;
  masked: string[];
  /** The fork server's pid as this process sees it (inside its pid namespace it is 1). */
  pid: number;
  /** 'minimal': a read-only root with only the interpreters; 'host': the host's file system. */
  root: 'minimal' | 'host';
  /** How the whole-test memory limit is enforced: 'cgroup-v1', 'cgroup-v2' or 'poll'. */
  memory: string;
  seccomp: boolean;
  notes: string[];
}

/** How a fork server enforces the whole-test memory limit: 'auto' = a cgroup where possible, else polling. */
export type MemoryEnforcement = 'auto' | 'cgroup' | 'poll';

export interface ForkServerOptions {
  memoryEnforcement?: MemoryEnforcement;
  /** Extra directories the tests may read (bound read-only into the minimal root), e.g. node's install prefix. */
  readOnlyPaths?: string[];
}

export class SandboxError extends Error {}

/** Sandbox uids: one per worker, taken from this range with an flock so concurrent sandboxes never share one. */
export const SANDBOX_UID_BASE = 60_000;
export const SANDBOX_UID_COUNT = 1_000;

/** Where the per-uid lock files live: /run (root-only, not swept by tmp cleaners) when possible. */
function uidLockDir(): string {
  try {
    fs.accessSync('/run', fs.constants.W_OK);
    return '/run/acereason-sandbox-uids';
  } catch {
    return path.join(os.tmpdir(), 'acereason-sandbox-uids');
  }
}

export function pythonAssetPath(name: string): string {
  const beside = path.join(__dirname, name);
  return fs.existsSync(beside) ? beside : distPath('py', name);
}

export class ForkServer {
  private child?: ChildProcessWithoutNullStreams;
  private starting?: Promise<ForkServerHello>;
  private pending?: { resolve: (r: RawRun) => void; reject: (e: Error) => void; raw?: (reply: Record<string, unknown>) => void };
  private buffer = '';
  private stderrTail = '';
  private nextId = 1;
  hello?: ForkServerHello;

  constructor(private readonly python: string, private readonly isolation: IsolationSupport, private readonly scratchRoot: string,
    private readonly options: ForkServerOptions = {}) {}

  private start(): Promise<ForkServerHello> {
    if (this.starting) return this.starting;
    const script = pythonAssetPath('sandbox_forkserver.py');
    const args = ['-I', '-B', script, '--scratch-root', this.scratchRoot];
    if (this.isolation.dropPrivileges) {
      args.push('--uid-base', String(SANDBOX_UID_BASE), '--uid-count', String(SANDBOX_UID_COUNT),
        '--lock-dir', uidLockDir());
    }
    if (this.isolation.pidNamespace) {
      args.push('--new-root');
      for (const p of this.options.readOnlyPaths ?? []) args.push('--ro-path', p);
    } else if (this.isolation.mountNamespace) args.push('--private-tmp');
    // The owner pid names this server's cgroup, so a later server can sweep it if we are SIGKILLed.
    args.push('--memory-cage', this.options.memoryEnforcement ?? 'auto', '--seccomp', '--owner-pid', String(process.pid));
    let command = this.python;
    let argv = args;
    if (this.isolation.unshare) {
      command = this.isolation.unshare;
      argv = [...this.isolation.unshareArgs, '--', this.python, ...args];
    }
    // A scrubbed environment: the tested programs are forked from this process and can read
    // /proc/self/environ, so nothing of ours may be in it.
    const child = spawn(command, argv, { env: { PATH: '/usr/local/bin:/usr/bin:/bin', LANG: 'C.UTF-8' }, stdio: 'pipe' });
    this.child = child;
    this.buffer = '';
    this.stderrTail = '';
    this.starting = new Promise<ForkServerHello>((resolve, reject) => {
      let ready = false;
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk: string) => {
        this.buffer += chunk;
        let newline: number;
        while ((newline = this.buffer.indexOf('\n')) >= 0) {
          const line = this.buffer.slice(0, newline);
          this.buffer = this.buffer.slice(newline + 1);
          if (!ready) {
            try {
              const hello = JSON.parse(line) as ForkServerHello & { ready?: boolean };
              if (!hello.ready) throw new Error('no ready flag');
              ready = true;
              // Inside a pid namespace the server is pid 1; the host pid of its launcher identifies it.
              hello.pid = child.pid ?? hello.pid;
              this.hello = hello;
              resolve(hello);
            } catch (e) {
              reject(new SandboxError(`sandbox fork server sent a bad handshake: ${(e as Error).message}: ${line.slice(0, 200)}`));
            }
            continue;
          }
          this.onReply(line);
        }
      });
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (chunk: string) => { this.stderrTail = (this.stderrTail + chunk).slice(-4000); });
      child.on('error', (e) => {
        if (!ready) reject(new SandboxError(`cannot start the sandbox fork server (${command}): ${e.message}`));
      });
      child.on('close', (code, signal) => {
        const why = `sandbox fork server exited (${signal ?? `code ${code}`})${this.stderrTail ? `: ${this.stderrTail.trim().slice(-1000)}` : ''}`;
        if (this.child === child) {
          this.child = undefined;
          this.starting = undefined;
          this.hello = undefined;
        }
        if (!ready) reject(new SandboxError(why));
        const pending = this.pending;
        this.pending = undefined;
        pending?.reject(new SandboxError(why));
      });
    });
    this.starting.catch(() => { this.starting = undefined; });
    return this.starting;
  }

  private onReply(line: string): void {
    const pending = this.pending;
    this.pending = undefined;
    if (!pending) return;
    let reply: Record<string, unknown>;
    try {
      reply = JSON.parse(line);
    } catch {
      pending.reject(new SandboxError(`sandbox fork server sent a malformed reply: ${line.slice(0, 200)}`));
      return;
    }
    if (pending.raw) {
      pending.raw(reply);
      return;
    }
    if (typeof reply.sandbox_error === 'string') {
      pending.reject(new SandboxError(`sandbox fork server: ${reply.sandbox_error}`));
      return;
    }
    pending.resolve({
      exitCode: reply.exit_code as number | null,
      signal: reply.signal as number | null,
      wallMs: reply.wall_ms as number,
      cpuMs: reply.cpu_ms as number | null,
      maxRssKb: reply.max_rss_kb as number | null,
      timedOut: reply.timed_out === true,
      outputExceeded: reply.output_exceeded === true,
      memoryLimitHit: reply.memory_limit_hit === true,
      stdout: String(reply.stdout ?? ''),
      stderr: String(reply.stderr ?? ''),
      stderrDroppedBytes: Number(reply.stderr_dropped_bytes ?? 0),
      result: typeof reply.result === 'string' ? reply.result : null,
    });
  }

  async ready(): Promise<ForkServerHello> {
    return this.start();
  }

  /** Runs one request. Callers must not overlap calls on the same server (the pool guarantees it). */
  async run(request: ForkRequest): Promise<RawRun> {
    await this.start();
    const child = this.child;
    if (!child) throw new SandboxError('sandbox fork server is not running');
    if (this.pending) throw new Error('ForkServer.run called while a request is in flight');
    const wire = request.kind === 'python'
      ? { kind: 'python', mode: request.mode, code: request.code, fn_name: request.fnName, call_input: request.callInput }
      : { kind: 'exec', argv: request.argv, files: request.files, memory_rlimit: request.memoryRlimit ?? 'as' };
    const line = JSON.stringify({
      id: this.nextId++, ...wire, stdin: request.stdin, timeout_s: request.timeoutS, memory_mb: request.memoryMb,
      output_limit_bytes: request.outputLimitBytes, nproc: request.nproc,
    }) + '\n';
    return new Promise<RawRun>((resolve, reject) => {
      this.pending = { resolve, reject };
      child.stdin.write(line, (e) => {
        if (e && this.pending) {
          this.pending = undefined;
          reject(new SandboxError(`cannot talk to the sandbox fork server: ${e.message}`));
        }
      });
    });
  }

  /** Lists what the last test left behind (scratch entries, private tmp entries, processes). */
  async inspect(): Promise<WorkerLeftovers> {
    await this.start();
    const child = this.child;
    if (!child) throw new SandboxError('sandbox fork server is not running');
    if (this.pending) throw new Error('ForkServer.inspect called while a request is in flight');
    const reply = await new Promise<Record<string, unknown>>((resolve, reject) => {
      this.pending = { resolve: () => undefined, reject, raw: resolve };
      child.stdin.write(JSON.stringify({ id: this.nextId++, kind: 'inspect' }) + '\n');
    });
    const i = reply.inspect as { uid: number | null; scratch_entries: string[]; masked_entries: Record<string, string[]>; uid_processes: number[] };
    return { uid: i.uid, scratchEntries: i.scratch_entries, maskedEntries: i.masked_entries, uidProcesses: i.uid_processes };
  }

  close(): void {
    const child = this.child;
    this.child = undefined;
    this.starting = undefined;
    if (!child) return;
    child.stdin.end();
    // The server exits on EOF; kill it if it is stuck (it also dies with us through PDEATHSIG).
    const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
    timer.unref();
    child.once('close', () => clearTimeout(timer));
  }
}
