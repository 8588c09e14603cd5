// Supervises the trainer child process. No `vscode` import here, so the supervision logic (fork,
// validated IPC, heartbeat watchdog, crash detection with the log tail) is unit-tested under node.
import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { parseTrainerMessage, type HostMessage, type TrainerMessage } from '../core/protocol/trainer';

/** How long to wait after the child exits for its remaining output before reporting the exit. */
const STDIO_DRAIN_MS = 200;
/**
 * Silence after which a live trainer is declared hung and killed. A death is noticed at once (the
 * exit event); this only catches a process that is alive but stuck. A single TensorFlow.js op on
 * wasm can hold the trainer's event loop for seconds on a busy 2-core machine, so a 2 s limit
 * would kill healthy runs (seen in the end-to-end test during the SFT warm-up).
 */
export const DEFAULT_HEARTBEAT_TIMEOUT_MS = 20_000;

export interface TrainerProcessOptions {
  /** Path of dist/trainer.js. */
  script: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** The trainer is declared hung when no message arrives for this long (default DEFAULT_HEARTBEAT_TIMEOUT_MS). */
  heartbeatTimeoutMs?: number;
  /** How many log lines to keep for crash reports (default 40). */
  logTailLines?: number;
}

export interface TrainerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** False when we asked it to exit (shutdown / dispose). */
  unexpected: boolean;
  reason: string;
  logTail: string[];
}

export interface TrainerProcessEvents {
  message: [TrainerMessage];
  log: [string];
  invalid: [string];
  exit: [TrainerExit];
}

export class TrainerProcess extends EventEmitter<TrainerProcessEvents> {
  private child: ChildProcess | undefined;
  private lastSeen = 0;
  private watchdog: NodeJS.Timeout | undefined;
  private expectedExit = false;
  private hung = false;
  private readonly tail: string[] = [];
  private partial = { out: '', err: '' };
  private nextPing = 1;
  hello: Extract<TrainerMessage, { type: 'hello' }> | undefined;

  constructor(private readonly opts: TrainerProcessOptions) {
    super();
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }
  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    if (this.running) throw new Error('trainer already running');
    this.expectedExit = false;
    this.hung = false;
    this.hello = undefined;
    this.tail.length = 0;
    const child = fork(this.opts.script, [], {
      cwd: this.opts.cwd,
      env: { ...process.env, ...this.opts.env, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      execArgv: [],
    });
    this.child = child;
    this.lastSeen = Date.now();
    if (this.watchdog) clearInterval(this.watchdog);
    child.stdout?.on('data', (d: Buffer) => this.onOutput('out', d));
    child.stderr?.on('data', (d: Buffer) => this.onOutput('err', d));
    child.on('message', (raw) => {
      this.lastSeen = Date.now();
      const parsed = parseTrainerMessage(raw);
      if (!parsed.ok) {
        const line = `dropped a malformed trainer message: ${parsed.error}`;
        this.remember(line);
        this.emit('invalid', line);
        return;
      }
      if (parsed.value.type === 'hello') this.hello = parsed.value;
      this.emit('message', parsed.value);
    });
    child.on('error', (e) => this.remember(`process error: ${e.message}`));
    // 'exit' can fire before the last stdout/stderr chunks are read, and 'close' waits for every
    // holder of the pipes (a grandchild could keep them open). Wait for 'close', but at most a
    // moment, so the crash report has the last lines and still arrives well within 2 s.
    child.on('exit', (code, signal) => {
      let reported = false;
      const report = () => { if (!reported) { reported = true; clearTimeout(timer); this.onExit(child, code, signal); } };
      const timer = setTimeout(report, STDIO_DRAIN_MS);
      child.once('close', report);
    });
    const timeout = this.opts.heartbeatTimeoutMs ?? DEFAULT_HEARTBEAT_TIMEOUT_MS;
    this.watchdog = setInterval(() => {
      // Before `hello` the trainer is loading TensorFlow.js; give it longer than a heartbeat.
      const limit = this.hello ? timeout : Math.max(timeout, 60_000);
      if (this.running && Date.now() - this.lastSeen > limit) {
        this.hung = true;
        this.remember(`no heartbeat for ${Date.now() - this.lastSeen} ms: killing the trainer`);
        this.child?.kill('SIGKILL');
      }
    }, Math.min(250, timeout / 4));
  }

  send(msg: HostMessage): boolean {
    if (!this.child || !this.child.connected) return false;
    this.child.send(msg);
    return true;
  }

  ping(): number {
    const id = this.nextPing++;
    this.send({ type: 'ping', id });
    return id;
  }

  /** Ask for a clean exit; kill it if it has not exited after `graceMs`. */
  async shutdown(graceMs = 5000): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    this.expectedExit = true;
    const exited = new Promise<void>((r) => this.once('exit', () => r()));
    if (!this.send({ type: 'shutdown' })) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  logTail(): string[] {
    return [...this.tail];
  }

  private onOutput(which: 'out' | 'err', d: Buffer): void {
    const text = this.partial[which] + d.toString('utf8');
    const lines = text.split('\n');
    this.partial[which] = lines.pop() ?? '';
    for (const l of lines) {
      if (!l.trim()) continue;
      this.remember(l);
      this.emit('log', l);
    }
  }

  // The tail holds stdout/stderr lines (the trainer mirrors its `log` messages to stderr, and an
  // uncaught exception only ever reaches stderr) plus the host's own notes about the child.
  private remember(line: string): void {
    this.tail.push(line.length > 2000 ? line.slice(0, 2000) + '…' : line);
    const max = this.opts.logTailLines ?? 40;
    while (this.tail.length > max) this.tail.shift();
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child !== child) return;
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = undefined;
    for (const which of ['out', 'err'] as const) if (this.partial[which].trim()) this.remember(this.partial[which]);
    this.partial = { out: '', err: '' };
    const unexpected = !this.expectedExit;
    const reason = this.hung
      ? 'stopped answering (no heartbeat) and was killed'
      : signal ? `was killed by ${signal}` : `exited with code ${code}`;
    this.child = undefined;
    this.emit('exit', { code, signal, unexpected, reason, logTail: this.logTail() });
  }
}
