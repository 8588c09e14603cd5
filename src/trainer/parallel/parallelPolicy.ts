// Two cores for one policy. wasm runs single-threaded under Node, so a second replica lives in a
// worker thread and each call is split between the two: sample() gives each side half the prompts
// (prompt i always uses RNG stream i, so the split does not change what is drawn), and
// computeGradients() gives each side about half the tokens and adds the two gradient sums — exact,
// because the contract's gradients are sums not yet divided by the token count.
// The optimizer lives only in the main thread; the replica gets the new weights before its next job.
// If the worker cannot start (or dies), everything runs in the main thread and a note says why.
import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { currentBackend } from '../backend';
import { distPath } from '../../core/util/paths';
import type { GradientResult, Policy, PolicyConfig, SampleResult, TrainSequence } from '../model/policy';
import type { StreamedSampleOptions, TransformerPolicy } from '../model/transformerPolicy';
import type { ReplicaRequest, ReplicaResponse, ReplicaResult } from './replicaProtocol';

export interface ParallelPolicyOptions {
  /** Where notes go (worker started, fell back to one process and why). */
  log?: (message: string) => void;
  /** How long the replica may take to start (tfjs + wasm init + weights). */
  startTimeoutMs?: number;
  /** Run single-process without trying to start a worker. */
  singleProcess?: boolean;
  /** The worker script (tests of the fallback path); default: the built replica for this build. */
  workerScript?: string;
  /**
   * Which calls are split (default both). Sampling is dispatch-bound (a batch of 32 costs little more
   * than 16), so on a busy machine splitting it can lose; see bench/trainer.bench.ts.
   */
  split?: { sample?: boolean; gradients?: boolean };
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type Job = DistributiveOmit<ReplicaRequest, 'id'>;

export class ParallelPolicy implements Policy {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: ReplicaResult) => void; reject: (e: Error) => void }>();
  private weightsVersion = 0;
  private replicaVersion = -1;
  /** Why this policy runs on one or two cores, for logs. */
  note = 'single process';

  private constructor(
    readonly inner: TransformerPolicy,
    private readonly log: (m: string) => void,
    private readonly split: { sample: boolean; gradients: boolean },
  ) {}

  static async create(inner: TransformerPolicy, opts: ParallelPolicyOptions = {}): Promise<ParallelPolicy> {
    const p = new ParallelPolicy(inner, opts.log ?? (() => {}), { sample: opts.split?.sample ?? true, gradients: opts.split?.gradients ?? true });
    const backend = currentBackend()?.name;
    if (opts.singleProcess) {
      p.note = 'single process (requested)';
    } else if (backend === 'tensorflow' || backend === 'tensorflow-gpu') {
      // libtensorflow already spreads its kernels over every core (or runs on the GPU).
      p.note = `single process (the ${backend} backend already uses every core)`;
    } else {
      await p.startWorker(opts.workerScript, opts.startTimeoutMs ?? 60_000);
    }
    p.log(`policy: ${p.note}`);
    return p;
  }

  get config(): PolicyConfig {
    return this.inner.config;
  }
  get parallel(): boolean {
    return this.worker !== undefined;
  }
  variableNames(): string[] {
    return this.inner.variableNames();
  }
  parameterCount(): number {
    return this.inner.parameterCount();
  }
  trainableParameterCount(): number {
    return this.inner.trainableParameterCount();
  }
  getWeights(): Float32Array[] {
    return this.inner.getWeights();
  }
  setWeights(weights: Float32Array[]): void {
    this.inner.setWeights(weights);
    this.weightsVersion++;
  }
  async save(dir: string, extra?: Record<string, unknown>): Promise<void> {
    await this.inner.save(dir, extra);
  }

  async sample(prompts: number[][], opts: StreamedSampleOptions): Promise<SampleResult> {
    const split = Math.floor(prompts.length / 2);
    // A streaming caller wants every token as drawn: keep it in this thread.
    if (!this.worker || !this.split.sample || split === 0 || opts.onToken) return this.inner.sample(prompts, opts);
    const first = opts.firstStream ?? 0;
    const remote = settle(this.runOnReplica({ kind: 'sample', prompts: prompts.slice(split), options: { ...opts, firstStream: first + split } }));
    const local = await this.inner.sample(prompts.slice(0, split), { ...opts, firstStream: first });
    const outcome = await remote;
    const theirs = outcome.ok
      ? (outcome.value as { result: SampleResult }).result
      : await this.fallBack(outcome.error, () => this.inner.sample(prompts.slice(split), { ...opts, firstStream: first + split }));
    return {
      responses: [...local.responses, ...theirs.responses],
      truncated: [...local.truncated, ...theirs.truncated],
      entropy: [...local.entropy, ...theirs.entropy],
    };
  }

  async computeGradients(batch: TrainSequence[]): Promise<GradientResult> {
    const halves = await this.splitBatch(batch, 'gradients', (part) => this.inner.computeGradients(part));
    if (!halves) return this.inner.computeGradients(batch);
    const [local, theirs] = halves;
    local.grads.forEach((g, i) => {
      const other = theirs.grads[i];
      for (let j = 0; j < g.length; j++) g[j] += other[j];
    });
    return {
      grads: local.grads,
      lossSum: local.lossSum + theirs.lossSum,
      tokenCount: local.tokenCount + theirs.tokenCount,
    };
  }

  async logProbs(batch: TrainSequence[]): Promise<number[][]> {
    const halves = await this.splitBatch(batch, 'logProbs', (part) => this.inner.logProbs(part));
    return halves ? [...halves[0], ...halves[1]] : this.inner.logProbs(batch);
  }

  /**
   * The batch's first part here and the rest on the replica at the same time (here again if the
   * replica fails); undefined when the batch is not split (no replica, the split is off, one side empty).
   */
  private async splitBatch<R>(batch: TrainSequence[], kind: 'gradients' | 'logProbs', run: (part: TrainSequence[]) => Promise<R>): Promise<[R, R] | undefined> {
    const split = balancedSplit(batch);
    if (!this.worker || !this.split.gradients || split === 0 || split === batch.length) return undefined;
    const remote = settle(this.runOnReplica({ kind, batch: batch.slice(split) }));
    const local = await run(batch.slice(0, split));
    const outcome = await remote;
    const theirs = outcome.ok ? (outcome.value as unknown as { result: R }).result : await this.fallBack(outcome.error, () => run(batch.slice(split)));
    return [local, theirs];
  }

  async applyGradients(grads: Float32Array[], tokenCount: number, opts: { learningRate: number; clipNorm: number }): Promise<{ gradNorm: number }> {
    const r = await this.inner.applyGradients(grads, tokenCount, opts);
    this.weightsVersion++;
    return r;
  }

  dispose(): void {
    this.stopWorker('disposed');
    this.inner.dispose();
  }

  // ---------------------------------------------------------------- the worker

  private async startWorker(script: string | undefined, timeoutMs: number): Promise<void> {
    const backend = currentBackend()?.name ?? 'wasm';
    try {
      this.worker = spawnReplica(script);
      this.worker.on('message', (m: ReplicaResponse) => this.onResponse(m));
      this.worker.on('error', (e) => this.onWorkerGone(`worker error: ${e.message}`));
      this.worker.on('exit', (code) => this.onWorkerGone(`worker exited with code ${code}`));
      this.worker.unref();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`worker did not start within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        const weights = this.inner.getWeights();
        const { sampleBatchSize, gradientTokenBudget } = this.inner;
        const init = this.call({ kind: 'init', backend, config: this.inner.config, weights, options: { sampleBatchSize, gradientTokenBudget, network: this.inner.network.spec } }, weights.map((w) => w.buffer as ArrayBuffer));
        init.catch(() => {}); // if the timeout wins, stopWorker() rejects it later
        const started = (await Promise.race([init, timeout])) as { backend: string };
        this.replicaVersion = this.weightsVersion;
        this.note = `two cores: main thread + 1 worker thread (${started.backend})`;
      } finally {
        clearTimeout(timer);
      }
    } catch (e) {
      this.stopWorker(`could not start: ${(e as Error).message.split('\n')[0]}`);
    }
  }

  /** Runs a job on the replica after bringing its weights up to date. */
  private async runOnReplica(job: Job): Promise<ReplicaResult> {
    if (this.replicaVersion !== this.weightsVersion) {
      const version = this.weightsVersion;
      const weights = this.inner.getWeights();
      // A failure here also fails the job queued behind it, which is where it is handled.
      this.call({ kind: 'setWeights', weights }, weights.map((w) => w.buffer as ArrayBuffer)).catch(() => {});
      this.replicaVersion = version; // requests run in order in the worker, so the job sees these weights
    }
    return this.call(job);
  }

  private call(job: Job, transfer: ArrayBuffer[] = []): Promise<ReplicaResult> {
    const worker = this.worker;
    if (!worker) return Promise.reject(new Error('no worker'));
    const id = this.nextId++;
    // Keep the process alive while a job is out; an idle worker must not.
    if (this.pending.size === 0) worker.ref();
    const promise = new Promise<ReplicaResult>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    worker.postMessage({ ...job, id } as ReplicaRequest, transfer);
    return promise;
  }

  private onResponse(m: ReplicaResponse): void {
    const waiter = this.pending.get(m.id);
    if (!waiter) return;
    this.pending.delete(m.id);
    if (this.pending.size === 0) this.worker?.unref();
    if (m.ok) waiter.resolve(m.result);
    else waiter.reject(new Error(`policy replica: ${m.error}`));
  }

  private onWorkerGone(why: string): void {
    if (!this.worker) return;
    this.stopWorker(why);
  }

  private stopWorker(why: string): void {
    const w = this.worker;
    this.worker = undefined;
    for (const [, waiter] of this.pending) waiter.reject(new Error(`policy replica stopped: ${why}`));
    this.pending.clear();
    if (w) {
      w.removeAllListeners();
      w.on('error', () => {}); // a late error from a dying worker is not news
      void w.terminate();
    }
    if (why !== 'disposed') this.note = `single process (worker ${why})`;
  }

  private async fallBack<T>(e: Error, local: () => Promise<T>): Promise<T> {
    this.log(`policy: the worker failed (${e.message.split('\n')[0]}); continuing in one process`);
    this.stopWorker(`failed: ${e.message.split('\n')[0]}`);
    return local();
  }
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: Error };

// The main thread works before it awaits the replica; a rejection in the meantime must not count as unhandled.
function settle<T>(p: Promise<T>): Promise<Settled<T>> {
  return p.then((value) => ({ ok: true as const, value }), (error: Error) => ({ ok: false as const, error }));
}

/** First index of the second half, splitting the batch's tokens about evenly (order kept). */
function balancedSplit(batch: TrainSequence[]): number {
  const cost = batch.map((s) => s.tokens.length);
  const total = cost.reduce((a, b) => a + b, 0);
  let acc = 0;
  for (let i = 0; i < batch.length; i++) {
    if (acc + cost[i] / 2 >= total / 2) return i;
    acc += cost[i];
  }
  return batch.length;
}

/** The replica script: the built bundle, or the TypeScript source through tsx when running from sources. */
function spawnReplica(script?: string): Worker {
  if (script) return new Worker(script);
  if (__filename.endsWith('.ts')) {
    const source = path.join(__dirname, 'policyReplica.worker.ts');
    // Worker threads do not inherit tsx's loader hooks; register its CommonJS hook first.
    // createRequire: a resolve esbuild does not try to follow (this branch never runs from a bundle).
    const tsxHook = createRequire(__filename).resolve('tsx/cjs');
    const bootstrap = `require(${JSON.stringify(tsxHook)}); require(${JSON.stringify(source)});`;
    return new Worker(bootstrap, { eval: true });
  }
  return new Worker(distPath('workers', 'policyReplica.js'));
}
