// A pool of worker threads running the math verifier with a hard wall-clock limit per check. The
// synchronous verifier bounds itself by budget checks; this pool is the backstop for anything those
// checks miss: an overrunning check is answered with a "timeout" verdict and its thread is terminated
// and replaced. No signals are involved, so it works from any thread.
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { distPath } from '../../util/paths';
import type { MathVerdict, MathVerdictState, MathVerifyOptions } from './verify';

export interface MathJob {
  readonly id: number;
  readonly kind: 'response' | 'answer';
  readonly gold: string;
  readonly text: string;
  readonly opts: MathVerifyOptions;
}

export interface MathJobResult {
  readonly id: number;
  readonly verdict: MathVerdict;
}

export interface MathVerifierPoolOptions {
  /** Worker threads; default min(4, CPU count). */
  readonly size?: number;
  /** Hard wall-clock limit per check, in ms; default 5000. */
  readonly timeoutMs?: number;
  /** Defaults for every check (extraction modes, precision, strict, internal time budget). */
  readonly verify?: MathVerifyOptions;
}

/** Per-check options: the verifier's, plus an override of the pool's hard time limit. */
export interface PoolCheckOptions extends MathVerifyOptions {
  readonly timeoutMs?: number;
}

interface Pending {
  job: MathJob;
  timeoutMs: number;
  resolve: (v: MathVerdict) => void;
}

interface Slot {
  worker: Worker;
  /** Set once the thread has loaded the verifier; the timeout clock must not include start-up. */
  ready: boolean;
  current?: Pending;
  timer?: NodeJS.Timeout;
}

export const DEFAULT_POOL_TIMEOUT_MS = 5000;

function failed(state: MathVerdictState, reason: string): MathVerdict {
  return { correct: false, state, extracted: null, reason };
}

/** The built worker bundle; or, when running from sources under tsx (tests, benchmarks), the
 *  TypeScript worker loaded through tsx's require hook (worker threads do not inherit tsx's loader). */
function startWorker(): Worker {
  if (!__filename.endsWith('.ts')) return new Worker(distPath('workers', 'mathVerify.js'));
  const tsxRegister = 'tsx/cjs';
  const source = path.join(__dirname, 'mathVerify.worker.ts');
  const boot = `require(${JSON.stringify(require.resolve(tsxRegister))}); require(${JSON.stringify(source)});`;
  return new Worker(boot, { eval: true });
}

export class MathVerifierPool {
  private readonly size: number;
  private readonly timeoutMs: number;
  private readonly defaults: MathVerifyOptions;
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 0;
  private closed = false;
  private startupFailures = 0;
  private readonly explicitTimeMs: number | undefined;
  /** How many workers were replaced after a timeout or a crash (for tests and diagnostics). */
  restarts = 0;

  constructor(opts: MathVerifierPoolOptions = {}) {
    this.size = Math.max(1, Math.floor(opts.size ?? Math.min(4, os.cpus().length || 1)));
    this.timeoutMs = Math.max(1, opts.timeoutMs ?? DEFAULT_POOL_TIMEOUT_MS);
    // The in-thread budget gives up a little before the hard limit, so most slow checks end with a
    // reasoned "gave up" verdict instead of a bare timeout.
    this.defaults = { ...opts.verify };
    this.explicitTimeMs = opts.verify?.timeMs;
  }

  /** Grades a full response (see verifyMath). */
  verify(gold: string, response: string, opts: PoolCheckOptions = {}): Promise<MathVerdict> {
    return this.submit('response', gold, response, opts);
  }

  /** Grades an already-extracted answer (see verifyMathAnswer). */
  verifyAnswer(gold: string, pred: string, opts: PoolCheckOptions = {}): Promise<MathVerdict> {
    return this.submit('answer', gold, pred, opts);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) p.resolve(failed('error', 'verifier pool closed'));
    await Promise.all(this.slots.splice(0).map((s) => {
      if (s.timer) clearTimeout(s.timer);
      s.current?.resolve(failed('error', 'verifier pool closed'));
      // An unref'd worker does not keep the event loop alive: without this, a caller awaiting close()
      // can see the process exit before the workers' exit events arrive.
      s.worker.ref();
      return s.worker.terminate();
    }));
  }

  private submit(kind: MathJob['kind'], gold: string, text: string, opts: PoolCheckOptions): Promise<MathVerdict> {
    if (this.closed) return Promise.resolve(failed('error', 'verifier pool closed'));
    if (typeof gold !== 'string' || typeof text !== 'string') {
      return Promise.resolve(failed('error', `gold and ${kind === 'answer' ? 'pred' : 'response'} must be strings`));
    }
    return new Promise((resolve) => {
      const { timeoutMs = this.timeoutMs, ...verifyOpts } = opts;
      const hardLimit = Math.max(1, timeoutMs);
      const budget = opts.timeMs ?? this.explicitTimeMs ?? Math.max(1, Math.floor(hardLimit * 0.8));
      const jobOpts = { ...this.defaults, ...verifyOpts, timeMs: budget };
      this.queue.push({ job: { id: this.nextId++, kind, gold, text, opts: jobOpts }, timeoutMs: hardLimit, resolve });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const slot = this.slots.find((s) => s.ready && !s.current);
      if (!slot) {
        const starting = this.slots.filter((s) => !s.ready).length;
        if (this.slots.length < this.size && starting < this.queue.length) {
          this.spawn();
          continue;
        }
        return;
      }
      const pending = this.queue.shift()!;
      slot.current = pending;
      slot.timer = setTimeout(() => this.onTimeout(slot, pending.timeoutMs), pending.timeoutMs);
      slot.worker.ref();
      slot.worker.postMessage(pending.job);
    }
  }

  private spawn(): Slot {
    const worker = startWorker();
    const slot: Slot = { worker, ready: false };
    worker.on('message', (msg: MathJobResult | 'ready') => {
      if (msg === 'ready') {
        slot.ready = true;
        this.startupFailures = 0;
        worker.unref();
        this.dispatch();
        return;
      }
      if (!slot.current || msg.id !== slot.current.job.id) return;
      this.finish(slot, msg.verdict);
    });
    worker.on('error', (err) => {
      if (!slot.ready) this.onStartupFailure(slot, err.message);
      else this.replace(slot, `verifier worker crashed: ${err.message}`);
    });
    worker.on('exit', (code) => {
      if (!this.slots.includes(slot)) return;
      if (!slot.ready) this.onStartupFailure(slot, `exited with code ${code} while starting`);
      else this.replace(slot, `verifier worker exited with code ${code}`);
    });
    this.slots.push(slot);
    return slot;
  }

  private onStartupFailure(slot: Slot, message: string): void {
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    void slot.worker.terminate();
    // A worker that cannot start will not start next time either: after a few tries, answer the queue.
    if (++this.startupFailures >= 3) {
      for (const p of this.queue.splice(0)) p.resolve(failed('error', `cannot start the verifier worker: ${message}`));
      this.startupFailures = 0;
      return;
    }
    this.dispatch();
  }

  private finish(slot: Slot, verdict: MathVerdict): void {
    if (slot.timer) clearTimeout(slot.timer);
    const pending = slot.current;
    slot.current = undefined;
    slot.timer = undefined;
    // An idle worker must not keep the process alive.
    slot.worker.unref();
    pending?.resolve(verdict);
    this.dispatch();
  }

  private onTimeout(slot: Slot, limitMs: number): void {
    this.replace(slot, `timeout: no verdict within ${limitMs} ms (worker restarted)`, 'timeout');
  }

  /** Answers the slot's job with `reason`, terminates its worker and lets a fresh one take over. */
  private replace(slot: Slot, reason: string, state: 'timeout' | 'error' = 'error'): void {
    const i = this.slots.indexOf(slot);
    if (i < 0) return;
    this.slots.splice(i, 1);
    if (slot.timer) clearTimeout(slot.timer);
    const pending = slot.current;
    slot.current = undefined;
    this.restarts++;
    void slot.worker.terminate();
    pending?.resolve(failed(state, reason));
    if (!this.closed) this.dispatch();
  }
}
