// Trainer throughput on the demo-sized policy: training and sampling tokens/s (with and without the
// KV cache), next to the backend's plain matmul GFLOP/s measured in the same run (the baseline: the
// fraction of matmul peak a training step reaches), and the two-core speed-up over one process.
// The machine may be shared: the load average is printed with the figures.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { selectBackend, tf } from '../src/trainer/backend';
import { createPolicy, type PolicyConfig, type SampleOptions, type TrainSequence } from '../src/trainer/model';
import type { Policy } from '../src/trainer/model/policy';
import { ParallelPolicy } from '../src/trainer/parallel/parallelPolicy';

const config: PolicyConfig = { vocabSize: 80, contextLength: 128, layers: 4, heads: 4, width: 128, mlpRatio: 4, seed: 1 };
const BATCH = 16;

function trainingBatch(rows: number): TrainSequence[] {
  return Array.from({ length: rows }, (_, i) => ({
    tokens: Array.from({ length: config.contextLength }, (_, j) => (1 + i * 7 + j * 3) % config.vocabSize),
    promptLength: 16,
    weight: i % 2 ? 1 : -1,
  }));
}
const prompts = (n: number) => Array.from({ length: n }, (_, i) => Array.from({ length: 8 }, (_, j) => (1 + i + j * 5) % config.vocabSize));

async function seconds(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return (performance.now() - t0) / 1000;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function matmulGflops(n: number, reps: number): number {
  const t = tf();
  const a = t.randomNormal([n, n]);
  const b = t.randomNormal([n, n]);
  // Not `tidy(() => matMul(a, b).dataSync())`: tidy walks a returned typed array element by element.
  const once = () => {
    const c = t.matMul(a, b);
    c.dataSync();
    c.dispose();
  };
  once(); // warm-up
  const times: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    once();
    times.push((performance.now() - t0) / 1000);
  }
  a.dispose();
  b.dispose();
  return (2 * n ** 3) / median(times) / 1e9;
}

async function trainTokensPerSecond(policy: Policy, steps: number): Promise<number> {
  const batch = trainingBatch(BATCH);
  const tokens = BATCH * (config.contextLength - 1); // every position is a forward/backward position
  const step = async () => {
    const g = await policy.computeGradients(batch);
    await policy.applyGradients(g.grads, g.tokenCount, { learningRate: 1e-4, clipNorm: 1 });
  };
  await step(); // warm-up (kernel setup, wasm heap growth)
  const times: number[] = [];
  for (let s = 0; s < steps; s++) times.push(await seconds(step));
  return tokens / median(times);
}

async function gradientTokensPerSecond(policy: Policy, rows: number, reps: number): Promise<number> {
  const batch = trainingBatch(rows);
  await policy.computeGradients(batch);
  const times: number[] = [];
  for (let r = 0; r < reps; r++) times.push(await seconds(() => policy.computeGradients(batch)));
  return (rows * (config.contextLength - 1)) / median(times);
}

async function sampleTokensPerSecond(policy: Policy, n: number, opts: SampleOptions): Promise<number> {
  await policy.sample(prompts(Math.min(n, 4)), { ...opts, maxNewTokens: 4 }); // warm-up
  let generated = 0;
  const s = await seconds(async () => {
    const r = await policy.sample(prompts(n), opts);
    generated = r.responses.reduce((a, x) => a + x.length, 0);
  });
  return generated / s;
}

const fmt = (x: number, d = 0) => x.toFixed(d);

/** Debian's python3 with torch (the pyenv python3 on PATH may lack it), or null. */
function torchPython(): string | null {
  for (const py of [process.env.ACEREASON_TORCH_PYTHON, '/usr/bin/python3', 'python3'].filter(Boolean) as string[]) {
    const r = spawnSync(py, ['-c', 'import torch'], { encoding: 'utf8' });
    if (r.status === 0) return py;
  }
  return null;
}

interface Figures { backend: string; train_tok_s: number; sample16_tok_s: number; sample64_tok_s: number }

/** PyTorch on the same shapes and work, one and two threads (bench/torch_gpt_reference.py). */
function pytorchFigures(): Figures[] {
  const py = torchPython();
  if (!py) return [];
  const script = path.join(__dirname, 'torch_gpt_reference.py');
  return [1, 2].flatMap((threads) => {
    const r = spawnSync(py, [script, '--threads', String(threads)], { encoding: 'utf8', timeout: 600_000 });
    const line = r.stdout.trim().split('\n').pop();
    try { return [JSON.parse(line ?? '') as Figures]; } catch { return []; }
  });
}

/** The machine-readable line issue 13 asks for: the trainer's own setup (ParallelPolicy when it helps). */
async function jsonFigures(): Promise<void> {
  const choice = await selectBackend('auto');
  const sampling: SampleOptions = { maxNewTokens: 120, temperature: 0.7, topP: 1, stopTokens: [], seed: 1 };
  const measure = async (policy: Policy) => ({
    train: await trainTokensPerSecond(policy, 3),
    s16: await sampleTokensPerSecond(policy, 16, sampling),
    s64: await sampleTokensPerSecond(policy, 64, sampling),
  });
  const single = await createPolicy(config);
  const one = await measure(single);
  const parallel = await ParallelPolicy.create(await createPolicy(config), {});
  let two: typeof one;
  try { two = await measure(parallel); } finally { parallel.dispose(); single.dispose(); }
  const ours: Figures = {
    backend: `${choice.name}${choice.fastPath ? ` + ${choice.fastPath}` : ''} (best of 1 process and 2)`,
    train_tok_s: Math.round(Math.max(one.train, two.train)),
    sample16_tok_s: Math.round(Math.max(one.s16, two.s16)),
    sample64_tok_s: Math.round(Math.max(one.s64, two.s64)),
  };
  const torch = pytorchFigures();
  const best = (k: keyof Omit<Figures, 'backend'>) => Math.max(...torch.map((t) => t[k]));
  const ratio = torch.length
    ? { train: +(ours.train_tok_s / best('train_tok_s')).toFixed(2), sample16: +(ours.sample16_tok_s / best('sample16_tok_s')).toFixed(2), sample64: +(ours.sample64_tok_s / best('sample64_tok_s')).toFixed(2) }
    : undefined;
  console.log(JSON.stringify({ ...ours, one_process: one, two_processes: two, pytorch: torch, ratio_vs_pytorch_best: ratio, load_average: os.loadavg()[0] }));
}

export async function run(flags: string[] = []): Promise<void> {
  if (flags.includes('--json')) return jsonFigures();
  const backend = await selectBackend('wasm').catch(() => selectBackend('auto'));
  console.log(`${backend.note}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} on ${os.cpus().length} cores`);
  const policy = await createPolicy(config);
  const params = policy.parameterCount();
  console.log(`model: vocab ${config.vocabSize}, context ${config.contextLength}, width ${config.width}, ${config.layers} layers, ${config.heads} heads: ${params.toLocaleString('en')} parameters`);

  // Measured before and after the training steps; the better one is the peak (the machine is shared).
  const before = matmulGflops(512, 5);
  const trainTps = await trainTokensPerSecond(policy, 3);
  const after = matmulGflops(512, 5);
  const gflops = Math.max(before, after);
  console.log(`baseline  matmul 512³ (tf.matMul, no transposes): ${fmt(before, 1)} GFLOP/s before, ${fmt(after, 1)} after the training steps; peak ${fmt(gflops, 1)}`);
  const T = config.contextLength - 1;
  const flopsPerToken = 6 * params + (12 * config.layers * T * config.width); // + attention: 12·L·T·d per token
  const achieved = (trainTps * flopsPerToken) / 1e9;
  console.log(`training  batch ${BATCH}×${T}: ${fmt(trainTps)} tokens/s = ${fmt(achieved, 2)} GFLOP/s (6·params + attention per token) = ${fmt((100 * achieved) / gflops, 1)}% of the matmul baseline`);

  const sampling: SampleOptions = { maxNewTokens: config.contextLength - 8, temperature: 1, topP: 0.95, stopTokens: [], seed: 1 };
  const kvTps = await sampleTokensPerSecond(policy, BATCH, sampling);
  const noCacheTps = await sampleTokensPerSecond(policy, BATCH, { ...sampling, maxNewTokens: 24, kvCache: false });
  console.log(`sampling  batch ${BATCH}, KV cache: ${fmt(kvTps)} tokens/s; without cache (24 new tokens): ${fmt(noCacheTps)} tokens/s; KV cache speed-up ×${fmt(kvTps / noCacheTps, 1)}`);
  const kv64 = await sampleTokensPerSecond(policy, 64, sampling);
  console.log(`sampling  batch 64, KV cache: ${fmt(kv64)} tokens/s (×${fmt(kv64 / kvTps, 2)} of batch ${BATCH})`);

  // Two cores: the same work through a ParallelPolicy (main thread + one worker thread).
  const oneGrad = await gradientTokensPerSecond(policy, 2 * BATCH, 2);
  const oneSample = await sampleTokensPerSecond(policy, 2 * BATCH, sampling);
  const parallel = await ParallelPolicy.create(await createPolicy(config), { log: (m) => console.log(m) });
  try {
    const twoGrad = await gradientTokensPerSecond(parallel, 2 * BATCH, 2);
    const twoSample = await sampleTokensPerSecond(parallel, 2 * BATCH, sampling);
    console.log(`two cores gradients (batch ${2 * BATCH}×${T}): ${fmt(twoGrad)} vs ${fmt(oneGrad)} tokens/s in one process: ×${fmt(twoGrad / oneGrad, 2)}`);
    console.log(`two cores sampling  (batch ${2 * BATCH}, KV): ${fmt(twoSample)} vs ${fmt(oneSample)} tokens/s in one process: ×${fmt(twoSample / oneSample, 2)}`);
  } finally {
    parallel.dispose();
    policy.dispose();
  }
  console.log(`load average after: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  if (os.loadavg()[0] > os.cpus().length && autogroupEnabled()) {
    console.log('note: the machine is busier than its core count and the kernel schedules by session (sched_autogroup), so a second thread of this process gets no extra CPU share; the two-core figures only mean something on an idle machine');
  }
}

function autogroupEnabled(): boolean {
  try {
    return fs.readFileSync('/proc/sys/kernel/sched_autogroup_enabled', 'utf8').trim() === '1';
  } catch {
    return false;
  }
}
