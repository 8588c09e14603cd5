import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { before, test } from 'node:test';
import { selectBackend } from '../../../src/trainer/backend';
import { createPolicy, type PolicyConfig, type TrainSequence } from '../../../src/trainer/model';
import { distPath } from '../../../src/core/util/paths';
import { ParallelPolicy } from '../../../src/trainer/parallel/parallelPolicy';

const config: PolicyConfig = { vocabSize: 24, contextLength: 40, layers: 2, heads: 2, width: 32, mlpRatio: 4, seed: 11 };
const batch: TrainSequence[] = [9, 30, 14, 22, 6, 17].map((n, i) => ({
  tokens: Array.from({ length: n }, (_, j) => (1 + i * 3 + j * 5) % 24),
  promptLength: 3,
  weight: [1, -0.7, 0.3, -1.2, 0.9, 0.1][i],
  tokenWeights: i === 4 ? Array.from({ length: n - 3 }, (_, j) => (j % 3) - 1) : undefined,
}));
const prompts = Array.from({ length: 7 }, (_, i) => [1, ...Array.from({ length: 2 + (i % 4) }, (_, j) => (i + j * 3) % 24)]);

before(async () => {
  await selectBackend('wasm');
});

function relDiff(a: Float32Array[], b: Float32Array[]): number {
  let num = 0;
  let den = 0;
  a.forEach((x, i) => x.forEach((v, j) => { num = Math.max(num, Math.abs(v - b[i][j])); den = Math.max(den, Math.abs(b[i][j])); }));
  return num / (den || 1);
}

test('two-core gradients equal one-process gradients, and a full step gives the same weights', async () => {
  const single = await createPolicy(config);
  const notes: string[] = [];
  const parallel = await ParallelPolicy.create(await createPolicy(config), { log: (m) => notes.push(m) });
  try {
    assert.equal(parallel.parallel, true, notes.join('; '));
    assert.match(notes.join('\n'), /two cores: main thread \+ 1 worker thread \(wasm\)/);
    for (let step = 0; step < 2; step++) {
      const a = await single.computeGradients(batch);
      const b = await parallel.computeGradients(batch);
      assert.equal(b.tokenCount, a.tokenCount);
      assert.ok(relDiff(b.grads, a.grads) < 1e-5, `step ${step}: relative difference ${relDiff(b.grads, a.grads)}`);
      assert.ok(Math.abs(b.lossSum - a.lossSum) <= 1e-5 * Math.abs(a.lossSum));
      const la = await single.logProbs(batch);
      const lb = await parallel.logProbs(batch);
      assert.deepEqual(lb.map((l) => l.length), la.map((l) => l.length));
      la.forEach((l, i) => l.forEach((v, j) => assert.ok(Math.abs(lb[i][j] - v) < 1e-5, `logProbs ${i}/${j}`)));
      const opts = { learningRate: 1e-2, clipNorm: 1 };
      const na = await single.applyGradients(a.grads, a.tokenCount, opts);
      const nb = await parallel.applyGradients(b.grads, b.tokenCount, opts);
      assert.ok(Math.abs(na.gradNorm - nb.gradNorm) < 1e-5 * na.gradNorm);
      // The second step runs on the replica's refreshed weights, so this also checks the weight sync.
      // Adam divides each gradient by its own magnitude, so a tiny gradient made of cancelling terms
      // (float noise ~1e-7 relative to the largest) can move its weight by a visible fraction of a
      // step: every weight must agree within 1% of the learning rate, nearly all (99.5%) within 1e-6.
      // (BLAS blocks its sums differently from XNNPACK, so with the native path a few more of these
      // cancelling gradients land on the other side of 1e-6: 33 of 28,288 measured.)
      const wa = single.getWeights();
      const wb = parallel.getWeights();
      let worst = 0;
      let off = 0;
      let total = 0;
      wa.forEach((x, i) => x.forEach((v, j) => {
        const d = Math.abs(v - wb[i][j]);
        worst = Math.max(worst, d);
        if (d > 1e-6) off++;
        total++;
      }));
      assert.ok(worst < 1e-2 * opts.learningRate, `step ${step}: a weight differs by ${worst}`);
      assert.ok(off < total / 200, `step ${step}: ${off} of ${total} weights differ by more than 1e-6`);
      // Next step from identical weights: the replica must have received these, or its half differs.
      single.setWeights(wb);
    }
  } finally {
    single.dispose();
    parallel.dispose();
  }
});

test('two-core sampling draws the same tokens as one process (one RNG stream per prompt)', async () => {
  const single = await createPolicy(config);
  const parallel = await ParallelPolicy.create(await createPolicy(config));
  try {
    assert.equal(parallel.parallel, true, parallel.note);
    const opts = { maxNewTokens: 10, temperature: 1, topP: 0.95, stopTokens: [2], seed: 5 };
    const a = await single.sample(prompts, opts);
    const b = await parallel.sample(prompts, opts);
    assert.deepEqual(b.responses, a.responses);
    assert.deepEqual(b.truncated, a.truncated);
    b.entropy.forEach((e, i) => assert.ok(Math.abs(e - a.entropy[i]) < 1e-4));
  } finally {
    single.dispose();
    parallel.dispose();
  }
});

test('falls back to one process, with a note, when the worker cannot start', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'replica-'));
  const broken = path.join(dir, 'broken-replica.js');
  fs.writeFileSync(broken, 'throw new Error("replica cannot load");\n');
  const notes: string[] = [];
  const single = await createPolicy(config);
  const parallel = await ParallelPolicy.create(await createPolicy(config), { workerScript: broken, log: (m) => notes.push(m) });
  try {
    assert.equal(parallel.parallel, false);
    assert.match(notes.join('\n'), /single process \(worker .*replica cannot load/);
    const a = await single.computeGradients(batch);
    const b = await parallel.computeGradients(batch);
    assert.deepEqual(b.grads, a.grads);
    const s = await parallel.sample(prompts, { maxNewTokens: 4, temperature: 0, topP: 1, stopTokens: [], seed: 0 });
    assert.equal(s.responses.length, prompts.length);
  } finally {
    single.dispose();
    parallel.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the built replica bundle (dist/workers/policyReplica.js) starts and computes the same gradients', async (t) => {
  const bundle = distPath('workers', 'policyReplica.js');
  if (!fs.existsSync(bundle)) {
    t.skip('not built: run `npm run build` (npm run test:unit builds first)');
    return;
  }
  const single = await createPolicy(config);
  const parallel = await ParallelPolicy.create(await createPolicy(config), { workerScript: bundle });
  try {
    assert.equal(parallel.parallel, true, parallel.note);
    const a = await single.computeGradients(batch);
    const b = await parallel.computeGradients(batch);
    assert.ok(relDiff(b.grads, a.grads) < 1e-5);
  } finally {
    single.dispose();
    parallel.dispose();
  }
});

test('a worker that dies in the middle of a job: the main thread does that half itself, same result', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'replica-'));
  const dying = path.join(dir, 'dying-replica.js');
  // Starts fine, then exits without answering the first real job.
  fs.writeFileSync(dying, `const { parentPort } = require('node:worker_threads');
parentPort.on('message', (m) => {
  if (m.kind === 'init') parentPort.postMessage({ id: m.id, ok: true, result: { kind: 'init', backend: 'fake' } });
  else if (m.kind !== 'setWeights') process.exit(3);
});
`);
  const notes: string[] = [];
  const single = await createPolicy(config);
  const parallel = await ParallelPolicy.create(await createPolicy(config), { workerScript: dying, log: (m) => notes.push(m) });
  try {
    assert.equal(parallel.parallel, true);
    const a = await single.computeGradients(batch);
    const b = await parallel.computeGradients(batch);
    assert.equal(parallel.parallel, false);
    assert.match(notes.join('\n'), /the worker failed .*continuing in one process/);
    assert.equal(b.tokenCount, a.tokenCount);
    assert.ok(relDiff(b.grads, a.grads) < 1e-5);
  } finally {
    single.dispose();
    parallel.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
