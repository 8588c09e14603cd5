// The kernels decoding leans on, against independent references: the native few-row product
// (x · Wᵀ with up to 16 rows, native/blas_addon.c) against a float64 product, including the k-block
// and tile edges, accumulation, and the row count past which BLAS takes over; the cpu backend's
// element-wise (Sigmoid in the addon's AVX2 code), reduction, gather, concat and tiled-transpose (the addon's)
// kernels (native/cpuKernels.ts) against tfjs' stock cpu kernels.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { selectBackend, tf } from '../../../src/trainer/backend';
import { loadBlasAddon, type BlasAddon } from '../../../src/trainer/native/blasAddon';

// tfjs' own cpu kernels, taken before selectBackend('cpu') replaces them.
const REPLACED = ['Sigmoid', 'Neg', 'Square', 'Rsqrt', 'Exp', 'Sum', 'Mean', 'GatherV2', 'Concat', 'Transpose', 'Multiply', 'Add'];
const STOCK = (() => {
  const tfjs = require('@tensorflow/tfjs') as typeof import('@tensorflow/tfjs');
  return REPLACED.map((n) => {
    const k = tfjs.getKernel(n, 'cpu');
    assert.ok(k, `tfjs has no cpu kernel ${n}`);
    return k;
  });
})();

function addon(): BlasAddon {
  const blas = loadBlasAddon();
  assert.notEqual(typeof blas, 'string', `native BLAS unavailable here: ${String(blas)} (run \`node scripts/build.mjs\`; scripts/setup-e2e.sh installs libopenblas0)`);
  return blas as BlasAddon;
}

function values(n: number, seed: number): Float32Array {
  let x = seed * 7919 + 13;
  return Float32Array.from({ length: n }, () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5) * 2);
}

test('the few-row product x·Wᵀ equals a float64 product (rows 1-17, k across the 256-block, n across the 4-row tile, accumulate)', () => {
  const blas = addon();
  let cases = 0;
  for (const m of [1, 2, 3, 8, 16, 17]) {
    for (const k of [1, 7, 8, 256, 300, 513]) {
      for (const n of [1, 4, 5, 38]) {
        const x = values(m * k, m + k), w = values(n * k, n + 3 * k), base = values(m * n, 9);
        for (const accumulate of [false, true]) {
          const out = Float32Array.from(base);
          blas.sgemmBatched(x, w, out, 1, 1, m, n, k, false, true, accumulate);
          let worst = 0;
          for (let i = 0; i < m; i++) {
            for (let j = 0; j < n; j++) {
              let s = accumulate ? base[i * n + j] : 0, mag = Math.abs(s);
              for (let q = 0; q < k; q++) { s += x[i * k + q] * w[j * k + q]; mag += Math.abs(x[i * k + q] * w[j * k + q]); }
              worst = Math.max(worst, Math.abs(out[i * n + j] - s) / Math.max(mag, 1e-6));
            }
          }
          assert.ok(worst < 1e-6, `m ${m} k ${k} n ${n} accumulate ${accumulate}: error ${worst} of the summed magnitudes`);
          cases++;
        }
      }
    }
  }
  assert.equal(cases, 6 * 6 * 4 * 2);
});

test('the native sigmoid is within 2e-7 relative of 1 / (1 + e^−x) in float64, vector body and scalar tail', () => {
  const blas = addon();
  assert.equal(typeof blas.sigmoid, 'function', 'the addon has no sigmoid (rebuild it: node scripts/build.mjs)');
  for (const n of [1, 7, 8, 29, 1000]) {
    const x = values(n, n).map((v) => v * 40);
    x[0] = -90; // below the clamped exponent range
    const out = new Float32Array(n);
    blas.sigmoid!(x, out);
    for (let i = 0; i < n; i++) {
      const r = 1 / (1 + Math.exp(-x[i]));
      assert.ok(Math.abs(out[i] - r) <= 2e-7 * r + 1e-38, `n ${n}, x ${x[i]}: ${out[i]} vs ${r}`);
    }
  }
});

test('the cpu backend\'s unary, reduction, gather, concat and transpose kernels equal tfjs\' stock ones', async () => {
  await selectBackend('cpu');
  const t = tf();
  const compute = () => tf().tidy(() => {
    const out: Float32Array[] = [];
    const x = t.tensor(values(3 * 5 * 70, 1), [3, 5, 70]);
    const pos = x.abs().add(0.01);
    for (const r of [t.sigmoid(x), x.neg(), x.square(), t.rsqrt(pos), t.exp(x), x.sum(-1), x.sum(2, true), x.mean(-1, true), x.mean(-1), x.sum(0), x.mean([1, 2])]) out.push(r.dataSync() as Float32Array);
    const table = t.tensor(values(40 * 6, 2), [40, 6]);
    out.push(t.gather(table, t.tensor1d([3, 0, 39, 3], 'int32'), 0).dataSync() as Float32Array);
    out.push(t.gather(table, t.tensor2d([[1, 2], [5, 7]], [2, 2], 'int32'), 0).dataSync() as Float32Array);
    out.push(t.gather(table, t.tensor1d([1, 4], 'int32'), 1).dataSync() as Float32Array);
    const a = t.tensor(values(2 * 3 * 4 * 5, 3), [2, 3, 4, 5]), b = t.tensor(values(2 * 3 * 1 * 5, 4), [2, 3, 1, 5]);
    for (const r of [t.concat([a, b], 2), t.concat([a, a, a], 3), t.concat([a, a], 0), t.concat([b, a, b], -2)]) out.push(r.dataSync() as Float32Array);
    for (const [shape, perm] of [[[37, 70], [1, 0]], [[2, 33, 65], [0, 2, 1]], [[3, 4, 5, 6], [0, 2, 1, 3]], [[3, 4, 5, 6], [0, 1, 3, 2]]] as [number[], number[]][]) {
      out.push(t.tensor(values(shape.reduce((p, d) => p * d, 1), 5), shape).transpose(perm).dataSync() as Float32Array);
    }
    const c = t.tensor(values(6 * 70, 6), [6, 70]);
    out.push(c.mul(c.add(1)).dataSync() as Float32Array, c.add(c).dataSync() as Float32Array);
    return out.map((o) => Float32Array.from(o));
  });
  const fast = compute();
  // The stock kernels in place of ours (installed by selectBackend), then ours back.
  const mine = REPLACED.map((n) => t.getKernel(n, 'cpu')!);
  REPLACED.forEach((n) => t.unregisterKernel(n, 'cpu'));
  let stock: Float32Array[];
  try {
    for (const cfg of STOCK) t.registerKernel(cfg as never);
    stock = compute();
  } finally {
    REPLACED.forEach((n) => t.unregisterKernel(n, 'cpu'));
    mine.forEach((k) => t.registerKernel(k));
  }
  assert.equal(stock.length, fast.length);
  stock.forEach((s, i) => {
    assert.equal(fast[i].length, s.length, `output ${i}: size`);
    let worst = 0;
    for (let j = 0; j < s.length; j++) worst = Math.max(worst, Math.abs(fast[i][j] - s[j]) / Math.max(Math.abs(s[j]), 1e-3));
    assert.ok(worst < 1e-5, `output ${i}: ${worst} from the stock kernel`);
  });
});

// Machines without AVX2/FMA take the other branches (BLAS for few-row products, scalar expf for
// sigmoid): the same two checks, in a process where the addon is told the CPU has no AVX2.
if (!process.env.ACEREASON_NO_AVX2) {
  test('without AVX2 (ACEREASON_NO_AVX2=1) the few-row product and sigmoid still match float64', () => {
    const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-name-pattern=few-row product|native sigmoid', __filename], {
      // Without the parent runner's NODE_TEST_CONTEXT, so the child prints its own summary.
      encoding: 'utf8', env: { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_TEST_CONTEXT')), ACEREASON_NO_AVX2: '1' },
    });
    assert.equal(child.status, 0, child.stdout + child.stderr);
    assert.match(child.stdout, /# pass 2\b/, child.stdout);
    assert.match(child.stdout, /# fail 0\b/, child.stdout);
  });
}
