// The big-model path: tfjs' cpu backend (tensors in JS arrays, no 4 GB wasm heap) with the native
// BLAS matrix products and the faster JS element-wise kernels. Its kernels agree with tfjs' stock cpu
// kernels; a GPT (the benchmark model's shape) and a tiny Qwen2 checkpoint written by the torch
// reference give the same log-probs and gradients as on the wasm path within 1e-4 relative (the
// Qwen2 log-probs also against torch); the fused native Adam step equals Adam's float64 formula;
// auto-selection skips wasm for a model that does not fit its heap and says so.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { selectBackend, tf, WASM_MODEL_LIMIT_BYTES } from '../../../src/trainer/backend';
import { loadPretrainedPolicy } from '../../../src/trainer/hf/pretrainedPolicy';
import { createPolicy, type PolicyConfig, type TrainSequence } from '../../../src/trainer/model';
import { loadBlasAddon } from '../../../src/trainer/native/blasAddon';
import { installFastCpuKernels } from '../../../src/trainer/native/cpuKernels';
import { nativeAdamStep } from '../../../src/trainer/native/fusedAdam';
import { referenceScores, tinyConfig, writeCheckpoint } from '../hf/torchReference';

const ROOT = path.resolve(__dirname, '..', '..', '..');
// tfjs' own cpu kernels, taken before selectBackend('cpu') replaces them (the independent reference).
const REPLACED = ['Add', 'Sub', 'Multiply', 'RealDiv', 'Transpose', 'Slice', 'SplitV', 'Softmax'];
const STOCK = (() => {
  const tfjs = require('@tensorflow/tfjs') as typeof import('@tensorflow/tfjs');
  return REPLACED.map((n) => {
    const k = tfjs.getKernel(n, 'cpu');
    assert.ok(k, `tfjs has no cpu kernel ${n}`);
    return k;
  });
})();

function requireAddon(): void {
  const blas = loadBlasAddon();
  assert.notEqual(typeof blas, 'string', `native BLAS unavailable here: ${String(blas)} (run \`node scripts/build.mjs\`; scripts/setup-e2e.sh installs libopenblas0)`);
}

function maxRel(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let num = 0, den = 0;
  for (let i = 0; i < x.length; i++) { num = Math.max(num, Math.abs(x[i] - y[i])); den = Math.max(den, Math.abs(y[i])); }
  return num / (den || 1);
}

function ids(n: number, seed: number, vocab: number): number[] {
  let x = seed * 7919 + 13;
  return Array.from({ length: n }, () => (x = (x * 1103515245 + 12345) % 2147483648) % vocab);
}

test('the fast cpu kernels equal tfjs stock cpu kernels (broadcasting, transposes, slices, splits, softmax)', async () => {
  await selectBackend('cpu');
  const t = tf();
  const shapes: [number[], number[]][] = [[[3, 4, 5], [3, 4, 5]], [[3, 4, 5], [5]], [[3, 1, 5], [4, 1]], [[2, 3, 4, 5], [4, 5]], [[7], []], [[2, 1, 4], [2, 3, 1]]];
  const perms: [number[], number[]][] = [[[3, 4], [1, 0]], [[2, 3, 4, 5], [0, 2, 1, 3]], [[2, 3, 4, 5], [3, 1, 0, 2]], [[6], [0]]];
  const compute = () => {
    const out: Float32Array[] = [];
    shapes.forEach(([as, bs], i) => {
      const a = t.randomNormal(as, 0, 1, 'float32', i + 1), b = t.randomNormal(bs, 1.5, 0.3, 'float32', i + 50);
      for (const r of [a.add(b), a.sub(b), a.mul(b), a.div(b), b.sub(a)]) out.push(r.dataSync() as Float32Array);
    });
    perms.forEach(([shape, p], i) => out.push(t.randomNormal(shape, 0, 1, 'float32', 100 + i).transpose(p).dataSync() as Float32Array));
    const x = t.randomNormal([2, 3, 4, 6], 0, 2, 'float32', 7);
    out.push(x.slice([0, 1, 1, 2], [2, 2, 2, 3]).dataSync() as Float32Array, x.slice([1], [-1]).dataSync() as Float32Array);
    for (const part of t.split(x, [2, 4], 3)) out.push(part.dataSync() as Float32Array);
    for (const part of t.split(x, 3, 1)) out.push(part.dataSync() as Float32Array);
    out.push(t.softmax(x).dataSync() as Float32Array, t.softmax(x.mul(30)).dataSync() as Float32Array);
    return out.map((o) => Float32Array.from(o));
  };
  // Installed by selectBackend('cpu'); a second, temporary install on top is removed again to reach the stock kernels.
  const fast = compute();
  const layer = installFastCpuKernels(t);
  const again = compute();
  layer.uninstall();
  assert.deepEqual(again, fast);
  const names = REPLACED;
  const mine = names.map((n) => t.getKernel(n, 'cpu')!);
  names.forEach((n) => t.unregisterKernel(n, 'cpu'));
  let stock: Float32Array[];
  try {
    for (const cfg of STOCK) t.registerKernel(cfg as never);
    stock = compute();
  } finally {
    names.forEach((n) => t.unregisterKernel(n, 'cpu'));
    mine.forEach((k) => t.registerKernel(k));
  }
  assert.equal(stock.length, fast.length);
  stock.forEach((s, i) => {
    assert.equal(fast[i].length, s.length, `output ${i}: size`);
    assert.ok(maxRel(fast[i], s) < 1e-6, `output ${i}: ${maxRel(fast[i], s)} from the stock kernel`);
  });
});

async function gradientsOn(backend: 'wasm' | 'cpu', make: () => Promise<{ logProbs: (b: TrainSequence[]) => Promise<number[][]>; computeGradients: (b: TrainSequence[]) => Promise<{ grads: Float32Array[]; lossSum: number }>; dispose: () => void }>, batch: TrainSequence[]) {
  const choice = await selectBackend(backend);
  assert.ok(choice.fastPath, `${backend}: ${choice.note}`);
  const policy = await make();
  try {
    return { logProbs: (await policy.logProbs(batch)).flat(), ...(await policy.computeGradients(batch)) };
  } finally {
    policy.dispose();
  }
}

function assertSamePath(wasm: Awaited<ReturnType<typeof gradientsOn>>, cpu: Awaited<ReturnType<typeof gradientsOn>>): void {
  assert.ok(maxRel(cpu.logProbs, wasm.logProbs) < 1e-4, `log-probs: ${maxRel(cpu.logProbs, wasm.logProbs)}`);
  assert.equal(cpu.grads.length, wasm.grads.length);
  wasm.grads.forEach((g, i) => assert.ok(maxRel(cpu.grads[i], g) < 1e-4, `gradient ${i}: ${maxRel(cpu.grads[i], g)}`));
  assert.ok(Math.abs(cpu.lossSum - wasm.lossSum) <= 1e-4 * Math.abs(wasm.lossSum), `loss ${cpu.lossSum} vs ${wasm.lossSum}`);
}

test('GPT at the benchmark model size: cpu + BLAS gives the wasm path\'s log-probs and gradients within 1e-4', async () => {
  requireAddon();
  const config: PolicyConfig = { vocabSize: 80, contextLength: 128, layers: 4, heads: 4, width: 128, mlpRatio: 4, seed: 11 };
  const batch: TrainSequence[] = [
    { tokens: ids(127, 1, 80), promptLength: 8, weight: 0.7 },
    { tokens: ids(60, 2, 80), promptLength: 5, weight: -1.1 },
    { tokens: ids(90, 3, 80), promptLength: 9, weight: 0.4, tokenWeights: ids(81, 4, 7).map((w) => w / 3 - 1) },
  ];
  const make = () => createPolicy(config);
  const wasm = await gradientsOn('wasm', make, batch);
  const cpu = await gradientsOn('cpu', make, batch);
  assertSamePath(wasm, cpu);
});

test('tiny Qwen2 checkpoint (GQA, q/k/v biases, tied): cpu + BLAS equals the wasm path and torch', async () => {
  requireAddon();
  const dir = writeCheckpoint({ architecture: 'Qwen2ForCausalLM', dtype: 'F32', std: 0.08, seed: 5, config: tinyConfig({ num_key_value_heads: 2, tie_word_embeddings: true, rope_theta: 1000000 }) });
  try {
    const sequences = [ids(40, 1, 512), ids(23, 2, 512)];
    const batch: TrainSequence[] = sequences.map((tokens, i) => ({ tokens, promptLength: 3 + i, weight: i ? -0.6 : 1.3 }));
    const make = async () => (await loadPretrainedPolicy(dir)).policy;
    const wasm = await gradientsOn('wasm', make, batch);
    const cpu = await gradientsOn('cpu', make, batch);
    assertSamePath(wasm, cpu);
    const ref = referenceScores(dir, { sequences });
    const torch = sequences.flatMap((_, i) => ref.logprobs[i].slice(batch[i].promptLength) as number[]);
    assert.ok(maxRel(cpu.logProbs, torch) < 1e-4, `cpu log-probs vs torch: ${maxRel(cpu.logProbs, torch)}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the native Adam step equals Adam\'s formula in float64 and leaves the caller\'s arrays alone', async () => {
  requireAddon();
  for (const backend of ['cpu', 'wasm'] as const) {
    await selectBackend(backend);
    const t = tf();
    const p0 = Float32Array.from(ids(37, 1, 1000), (x) => x / 500 - 1);
    const g = Float32Array.from(ids(37, 2, 1000), (x) => x / 100 - 5);
    const param = t.variable(t.tensor1d(p0), false), m = t.variable(t.zeros([37]), false), v = t.variable(t.zeros([37]), false);
    const hyper = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };
    const expected = { p: Array.from(p0, Number), m: new Array<number>(37).fill(0), v: new Array<number>(37).fill(0) };
    for (let step = 1; step <= 3; step++) {
      const scale = 0.25 * step, lr = 0.01 / step;
      assert.ok(nativeAdamStep(t, param, m, v, g, scale, { ...hyper, learningRate: lr, step }), `${backend}: native path inactive`);
      for (let i = 0; i < 37; i++) {
        const gi = g[i] * scale;
        expected.m[i] = 0.9 * expected.m[i] + 0.1 * gi;
        expected.v[i] = 0.999 * expected.v[i] + 0.001 * gi * gi;
        expected.p[i] -= (lr * (expected.m[i] / (1 - 0.9 ** step))) / (Math.sqrt(expected.v[i] / (1 - 0.999 ** step)) + 1e-8);
      }
    }
    assert.ok(maxRel(param.dataSync(), expected.p) < 1e-6, `${backend} weights: ${maxRel(param.dataSync(), expected.p)}`);
    assert.ok(maxRel(m.dataSync(), expected.m) < 1e-6, `${backend} first moment`);
    assert.ok(maxRel(v.dataSync(), expected.v) < 1e-6, `${backend} second moment`);
    assert.deepEqual(Array.from(p0), Array.from(Float32Array.from(ids(37, 1, 1000), (x) => x / 500 - 1)), 'the array the variable was made from is unchanged');
    [param, m, v].forEach((x) => x.dispose());
  }
});

test('auto skips wasm for a model that does not fit its heap and names why; cpu keeps working without the addon', async () => {
  const unavailable = { 'tensorflow-gpu': async () => 'not installed', tensorflow: async () => 'not installed' };
  const small = await selectBackend('auto', unavailable, { memoryBytes: 2 ** 30 });
  assert.equal(small.name, 'wasm', small.note);
  const big = await selectBackend('auto', unavailable, { memoryBytes: 11.3 * 2 ** 30 });
  assert.equal(big.name, 'cpu', big.note);
  assert.match(big.note, /wasm: the model needs ~11\.3 GB, more than the wasm heap holds \(4\.0 GB\)/);
  const forced = await selectBackend('wasm', unavailable, { memoryBytes: WASM_MODEL_LIMIT_BYTES + 1 });
  assert.equal(forced.name, 'wasm');
  assert.match(forced.note, /warning: the model needs/);
  await selectBackend('wasm');
  const script = `require('./src/trainer/backend').selectBackend('auto', {}, { memoryBytes: 8 * 2 ** 30 }).then((c) => console.log(c.note));`;
  const without = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ACEREASON_NATIVE: '0', TFJS_BACKEND: '' } });
  assert.match(without.stdout, /TensorFlow\.js backend: cpu \[auto\]; matrix products in JavaScript \(tfjs cpu kernels, one thread\): native BLAS disabled \(ACEREASON_NATIVE=0\)/, without.stderr);
  // `acereason backend --model DIR` sizes the choice for that folder (only config.json is read).
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backend-model-'));
  try {
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({
      architectures: ['Qwen2ForCausalLM'], hidden_size: 896, intermediate_size: 4864, num_hidden_layers: 24, num_attention_heads: 14, num_key_value_heads: 2,
      vocab_size: 151936, max_position_embeddings: 32768, rms_norm_eps: 1e-6, rope_theta: 1000000, tie_word_embeddings: true, hidden_act: 'silu',
    }));
    const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts'), 'backend', ...args], { encoding: 'utf8', env: { ...process.env, TFJS_BACKEND: '' } });
    const sized = cli('--model', dir);
    assert.match(sized.stdout, /TensorFlow\.js backend: cpu \[auto\].*wasm: the model needs ~\d+\.\d GB, more than the wasm heap holds.*sized for full fine-tuning of/, sized.stderr);
    const plain = cli('--json');
    assert.equal(JSON.parse(plain.stdout).backend, 'wasm', plain.stderr);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
