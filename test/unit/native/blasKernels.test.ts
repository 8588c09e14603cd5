// The native BLAS fast path: the kernels agree with an independent naive matmul and with tfjs' own
// wasm kernels (forward, transposes, batches, broadcasting, fused bias/relu), a policy's gradients
// are the same on both paths, and without the addon or without a BLAS library the wasm path stays.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { selectBackend, tf } from '../../../src/trainer/backend';
import { createPolicy, type PolicyConfig, type TrainSequence } from '../../../src/trainer/model';
import { addonPath, loadBlasAddon } from '../../../src/trainer/native/blasAddon';
import { installBlasMatMul, planProduct } from '../../../src/trainer/native/matMulKernels';

const ROOT = path.resolve(__dirname, '..', '..', '..');

function requireAddon() {
  assert.ok(fs.existsSync(addonPath()), `${addonPath()} is missing: run \`node scripts/build.mjs\` (needs a C compiler) first`);
  const blas = loadBlasAddon();
  assert.notEqual(typeof blas, 'string', `native BLAS unavailable here: ${String(blas)} (scripts/setup-e2e.sh installs libopenblas0)`);
  return blas as Exclude<typeof blas, string>;
}

/** out = op(a)·op(b) by the definition, in float64, for one batch entry. */
function naive(a: number[], b: number[], m: number, n: number, k: number, ta: boolean, tb: boolean): number[] {
  const out = new Array<number>(m * n).fill(0);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let p = 0; p < k; p++) s += (ta ? a[p * m + i] : a[i * k + p]) * (tb ? b[j * k + p] : b[p * n + j]);
    out[i * n + j] = s;
  }
  return out;
}

function maxRel(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let num = 0, den = 0;
  for (let i = 0; i < x.length; i++) { num = Math.max(num, Math.abs(x[i] - y[i])); den = Math.max(den, Math.abs(y[i])); }
  return num / (den || 1);
}

test('planProduct: shapes, transposes and batch broadcasting as tfjs defines them', () => {
  assert.deepEqual(planProduct([3, 4], [4, 5], false, false), { outShape: [3, 5], batchA: 1, batchB: 1, m: 3, n: 5, k: 4 });
  assert.deepEqual(planProduct([4, 3], [5, 4], true, true), { outShape: [3, 5], batchA: 1, batchB: 1, m: 3, n: 5, k: 4 });
  assert.deepEqual(planProduct([2, 6, 3, 4], [4, 5], false, false), { outShape: [2, 6, 3, 5], batchA: 12, batchB: 1, m: 3, n: 5, k: 4 });
  assert.deepEqual(planProduct([3, 4], [7, 4, 5], false, false), { outShape: [7, 3, 5], batchA: 1, batchB: 7, m: 3, n: 5, k: 4 });
  assert.equal(planProduct([3, 4], [5, 6], false, false), null, 'inner sizes differ');
  assert.equal(planProduct([2, 1, 3, 4], [1, 3, 4, 5], false, false), null, 'partial broadcasting goes to the wasm kernel');
});

test('BLAS kernels equal a naive float64 matmul and the wasm kernels on every case tfjs routes through them', async () => {
  const blas = requireAddon();
  await selectBackend('wasm');
  const t = tf();
  const cases: [number[], number[], boolean, boolean][] = [
    [[5, 7], [7, 3], false, false], [[7, 5], [7, 3], true, false], [[5, 7], [3, 7], false, true], [[7, 5], [3, 7], true, true],
    [[4, 5, 7], [4, 7, 3], false, false], [[4, 5, 7], [4, 3, 7], false, true], [[2, 3, 5, 7], [7, 3], false, false],
    [[5, 7], [6, 7, 3], false, false], [[1, 1], [1, 1], false, false], [[64, 33], [33, 65], false, false],
  ];
  const inputs = cases.map(([as, bs]) => [t.randomNormal(as, 0, 1, 'float32', 1), t.randomNormal(bs, 0, 1, 'float32', 2)]);
  const viaWasm = cases.map(([, , ta, tb], i) => t.matMul(inputs[i][0], inputs[i][1], ta, tb).dataSync().slice());
  const installed = installBlasMatMul(t, blas);
  try {
    cases.forEach(([as, bs, ta, tb], i) => {
      const got = t.matMul(inputs[i][0], inputs[i][1], ta, tb);
      const plan = planProduct(as, bs, ta, tb)!;
      assert.deepEqual(got.shape, plan.outShape);
      const a = Array.from(inputs[i][0].dataSync()), b = Array.from(inputs[i][1].dataSync());
      const expected: number[] = [];
      const batch = Math.max(plan.batchA, plan.batchB);
      for (let g = 0; g < batch; g++) {
        const ag = a.slice((plan.batchA === 1 ? 0 : g) * plan.m * plan.k, ((plan.batchA === 1 ? 0 : g) + 1) * plan.m * plan.k);
        const bg = b.slice((plan.batchB === 1 ? 0 : g) * plan.k * plan.n, ((plan.batchB === 1 ? 0 : g) + 1) * plan.k * plan.n);
        expected.push(...naive(ag, bg, plan.m, plan.n, plan.k, ta, tb));
      }
      const data = got.dataSync();
      assert.ok(maxRel(data, expected) < 1e-5, `case ${i}: ${maxRel(data, expected)} from the naive product`);
      assert.ok(maxRel(data, viaWasm[i]) < 1e-5, `case ${i}: ${maxRel(data, viaWasm[i])} from the wasm kernel`);
      got.dispose();
    });
    // Fused: bias over the last axis, then relu; a prelu weight goes to the wasm kernel and still works.
    const x = t.randomNormal([6, 4], 0, 1, 'float32', 3), w = t.randomNormal([4, 5], 0, 1, 'float32', 4), bias = t.randomNormal([5], 0, 1, 'float32', 5);
    const fused = t.fused.matMul({ a: x, b: w, bias, activation: 'relu' }).dataSync();
    const plain = t.relu(t.add(t.matMul(x, w), bias)).dataSync();
    assert.ok(maxRel(fused, plain) < 1e-6);
    const prelu = t.fused.matMul({ a: x, b: w, bias, activation: 'prelu', preluActivationWeights: t.fill([5], 0.1) }).dataSync();
    const preluRef = t.prelu(t.add(t.matMul(x, w), bias), t.fill([5], 0.1)).dataSync();
    assert.ok(maxRel(prelu, preluRef) < 1e-6);
  } finally {
    installed.uninstall();
    inputs.flat().forEach((x) => x.dispose());
  }
});

test('a policy computes the same log-probs and gradients through BLAS as through the wasm kernels', async () => {
  const blas = requireAddon();
  await selectBackend('wasm');
  const config: PolicyConfig = { vocabSize: 40, contextLength: 32, layers: 2, heads: 4, width: 32, mlpRatio: 4, seed: 3 };
  const batch: TrainSequence[] = [
    { tokens: Array.from({ length: 30 }, (_, i) => (i * 7 + 1) % 40), promptLength: 6, weight: 0.8 },
    { tokens: Array.from({ length: 19 }, (_, i) => (i * 3 + 2) % 40), promptLength: 4, weight: -1.2 },
  ];
  const policy = await createPolicy(config);
  try {
    const wasmLogits = policy.logitsOf(batch[0].tokens);
    const wasmGrads = await policy.computeGradients(batch);
    const installed = installBlasMatMul(tf(), blas);
    try {
      const blasLogits = policy.logitsOf(batch[0].tokens);
      const blasGrads = await policy.computeGradients(batch);
      assert.ok(maxRel(blasLogits, wasmLogits) < 1e-4, `logits: ${maxRel(blasLogits, wasmLogits)}`);
      wasmGrads.grads.forEach((g, i) => assert.ok(maxRel(blasGrads.grads[i], g) < 1e-4, `gradient ${i}: ${maxRel(blasGrads.grads[i], g)}`));
      assert.ok(Math.abs(blasGrads.lossSum - wasmGrads.lossSum) <= 1e-4 * Math.abs(wasmGrads.lossSum));
    } finally {
      installed.uninstall();
    }
  } finally {
    policy.dispose();
  }
});

test('without the addon or without a BLAS library, loading says why and the wasm kernels stay', () => {
  const script = `const { loadBlasAddon } = require('./src/trainer/native/blasAddon'); const r = loadBlasAddon(); console.log(typeof r === 'string' ? r : 'LOADED:' + r.describe().library);`;
  const run = (env: Record<string, string>) => spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env } });
  const disabled = run({ ACEREASON_NATIVE: '0' });
  assert.match(disabled.stdout, /native BLAS disabled \(ACEREASON_NATIVE=0\)/, disabled.stderr);
  const noLibrary = run({ ACEREASON_BLAS_LIBRARY: '/nonexistent/libblas-missing.so' });
  assert.match(noLibrary.stdout, /no BLAS library found/, noLibrary.stderr);
  requireAddon();
  const normal = run({});
  assert.match(normal.stdout, /^LOADED:/, normal.stderr);
});

test('acereason backend names what runs the matrix products, with the native path and without it', () => {
  const cli = path.join(ROOT, 'dist', 'cli.js');
  assert.ok(fs.existsSync(cli), `${cli} missing: run \`node scripts/build.mjs\` first`);
  requireAddon();
  const withNative = spawnSync(process.execPath, [cli, 'backend'], { encoding: 'utf8', env: { ...process.env, TFJS_BACKEND: 'wasm' } });
  assert.match(withNative.stdout, /TensorFlow\.js backend: wasm .*matrix products in native BLAS lib\S+, 1 thread/, withNative.stderr);
  const without = spawnSync(process.execPath, [cli, 'backend'], { encoding: 'utf8', env: { ...process.env, TFJS_BACKEND: 'wasm', ACEREASON_NATIVE: '0' } });
  assert.match(without.stdout, /matrix products in wasm \(XNNPACK, one thread\): native BLAS disabled/, without.stderr);
});
