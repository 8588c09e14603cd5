import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { selectBackend, tf } from '../../../src/trainer/backend';
import { createPolicy, type PolicyConfig, type TrainSequence } from '../../../src/trainer/model';
import { modelOps } from '../../../src/trainer/model/ops';

const config: PolicyConfig = { vocabSize: 24, contextLength: 32, layers: 2, heads: 2, width: 16, mlpRatio: 4, seed: 7 };
const prompts = [[1, 5, 6, 7], [1, 8, 9], [1, 10, 11, 12, 13, 14], [1, 4]];
const greedy = { maxNewTokens: 12, temperature: 0, topP: 1, stopTokens: [], seed: 0 };

before(async () => {
  await selectBackend('wasm');
});

function batchOf(lengths: number[], promptLength = 3): TrainSequence[] {
  return lengths.map((n, i) => ({ tokens: Array.from({ length: n }, (_, j) => (3 + i * 5 + j * 7) % 24), promptLength, weight: i % 2 ? -0.5 : 1.25 }));
}

function maxRelDiff(a: Float32Array[], b: Float32Array[]): number {
  let num = 0;
  let den = 0;
  a.forEach((x, i) => x.forEach((v, j) => { num = Math.max(num, Math.abs(v - b[i][j])); den = Math.max(den, Math.abs(b[i][j])); }));
  return num / (den || 1);
}

test('same seed gives the same weights and samples; another seed does not', async () => {
  const a = await createPolicy(config);
  const b = await createPolicy(config);
  const c = await createPolicy({ ...config, seed: 8 });
  assert.equal(a.parameterCount(), a.getWeights().reduce((n, w) => n + w.length, 0));
  assert.equal(a.trainableParameterCount(), a.parameterCount(), 'the built-in model trains every weight');
  assert.deepEqual(a.getWeights(), b.getWeights());
  assert.notDeepEqual(a.getWeights()[0], c.getWeights()[0]);
  const opts = { maxNewTokens: 10, temperature: 1, topP: 0.9, stopTokens: [], seed: 42 };
  const sa = await a.sample(prompts, opts);
  assert.deepEqual(sa, await b.sample(prompts, opts));
  assert.notDeepEqual(sa.responses, (await a.sample(prompts, { ...opts, seed: 43 })).responses);
  for (const p of [a, b, c]) p.dispose();
});

test('KV-cache decoding gives the same greedy tokens as recomputing the whole prefix, and the same logits', async () => {
  const p = await createPolicy(config);
  const withCache = await p.sample(prompts, greedy);
  const without = await p.sample(prompts, { ...greedy, kvCache: false });
  assert.deepEqual(withCache.responses, without.responses);
  assert.ok(withCache.responses.every((r) => r.length === 12));
  // Greedy tokens are the argmax of the full forward pass at every position.
  const seq = [...prompts[2], ...withCache.responses[2]];
  const logits = p.logitsOf(seq);
  const V = config.vocabSize;
  for (let t = prompts[2].length - 1; t < seq.length - 1; t++) {
    const row = Array.from(logits.subarray(t * V, (t + 1) * V));
    assert.equal(row.indexOf(Math.max(...row)), seq[t + 1], `position ${t}`);
  }
  for (let i = 0; i < prompts.length; i++) assert.ok(Math.abs(withCache.entropy[i] - without.entropy[i]) < 1e-4);
  p.dispose();
});

test('stop tokens end a response (kept), maxNewTokens and the context truncate it', async () => {
  const p = await createPolicy(config);
  const free = await p.sample(prompts, greedy);
  const stopAt = free.responses[0][3];
  const tensorsBefore = tf().memory().numTensors;
  // Rows that stop early are dropped from the batch and the KV cache mid-way: nothing may leak.
  const stopped = await p.sample(prompts, { ...greedy, stopTokens: [stopAt] });
  assert.equal(tf().memory().numTensors, tensorsBefore);
  assert.ok(new Set(stopped.responses.map((r) => r.length)).size > 1, 'rows stop at different steps');
  const firstStop = free.responses[0].indexOf(stopAt);
  assert.deepEqual(stopped.responses[0], free.responses[0].slice(0, firstStop + 1));
  assert.equal(stopped.truncated[0], false);
  assert.equal(free.truncated[0], true);
  const long = [Array.from({ length: 28 }, (_, i) => i % 24)];
  const ctx = await p.sample(long, { ...greedy, maxNewTokens: 100 });
  assert.equal(ctx.responses[0].length, 4); // positions 28..31 of a 32-token context
  assert.equal(ctx.truncated[0], true);
  await assert.rejects(p.sample([[]], greedy), /prompt 0 is empty/);
  await assert.rejects(p.sample([[1, 99]], greedy), /prompt 0: token 1 is 99, outside the vocabulary 0..23/);
  await assert.rejects(p.sample([Array(32).fill(1)], greedy), /prompt 0 has 32 tokens; the context is 32/);
  p.dispose();
});

test('top-p sampling draws only from the nucleus; temperature sharpens the distribution', async () => {
  const p = await createPolicy(config);
  const many = Array.from({ length: 40 }, () => [1, 2, 3]);
  const narrow = await p.sample(many, { maxNewTokens: 1, temperature: 1, topP: 1e-6, stopTokens: [], seed: 1 });
  const argmax = (await p.sample([[1, 2, 3]], greedy)).responses[0][0];
  assert.ok(narrow.responses.every((r) => r[0] === argmax));
  const wide = await p.sample(many, { maxNewTokens: 1, temperature: 1, topP: 1, stopTokens: [], seed: 1 });
  assert.ok(new Set(wide.responses.map((r) => r[0])).size > 3);
  const cold = await p.sample(many.slice(0, 1), { maxNewTokens: 1, temperature: 0.2, topP: 1, stopTokens: [], seed: 1 });
  assert.ok(cold.entropy[0] < wide.entropy[0]);
  p.dispose();
});

test('gradients are sums over sequences: padding and masking do not leak between variable-length rows', async () => {
  const p = await createPolicy(config);
  const batch = batchOf([9, 20, 5, 14]);
  const whole = await p.computeGradients(batch);
  assert.equal(whole.tokenCount, (9 - 3) + (20 - 3) + (5 - 3) + (14 - 3));
  const parts = await Promise.all(batch.map(async (s) => p.computeGradients([s])));
  const summed = whole.grads.map((g, i) => {
    const s = new Float32Array(g.length);
    for (const part of parts) part.grads[i].forEach((v, j) => { s[j] += v; });
    return s;
  });
  assert.ok(maxRelDiff(summed, whole.grads) < 1e-5, `relative difference ${maxRelDiff(summed, whole.grads)}`);
  assert.ok(Math.abs(parts.reduce((n, x) => n + x.lossSum, 0) - whole.lossSum) < 1e-4 * Math.abs(whole.lossSum));
  // A sequence with no response tokens adds nothing; tiny micro-batches give the same sums.
  const promptOnly = await p.computeGradients([...batch, { tokens: [1, 2, 3], promptLength: 3, weight: 5 }]);
  assert.equal(promptOnly.tokenCount, whole.tokenCount);
  assert.ok(maxRelDiff(promptOnly.grads, whole.grads) < 1e-6);
  p.dispose();
  const small = await createPolicy(config, { gradientTokenBudget: 20 });
  assert.ok(maxRelDiff((await small.computeGradients(batch)).grads, whole.grads) < 1e-5);
  small.dispose();
});

test('lossSum is -Σ weight·log p over response tokens, and its gradient matches a finite difference', async () => {
  const p = await createPolicy(config);
  const seq: TrainSequence = { tokens: [1, 5, 9, 2, 7, 3], promptLength: 2, weight: 0.75 };
  const V = config.vocabSize;
  const logits = p.logitsOf(seq.tokens);
  let expected = 0;
  for (let t = seq.promptLength - 1; t < seq.tokens.length - 1; t++) {
    const row = Array.from(logits.subarray(t * V, (t + 1) * V));
    const max = Math.max(...row);
    const lse = max + Math.log(row.reduce((s, x) => s + Math.exp(x - max), 0));
    expected -= seq.weight * (row[seq.tokens[t + 1]] - lse);
  }
  const g = await p.computeGradients([seq]);
  assert.ok(Math.abs(g.lossSum - expected) < 1e-4, `${g.lossSum} vs ${expected}`);
  // Central difference on the largest-gradient entry of the output head.
  const head = p.variableNames().indexOf('head.w');
  const j = g.grads[head].reduce((best, v, i, a) => (Math.abs(v) > Math.abs(a[best]) ? i : best), 0);
  const w = p.getWeights();
  const eps = 1e-2;
  const lossWith = async (delta: number) => {
    const moved = w.map((x) => x.slice());
    moved[head][j] += delta;
    p.setWeights(moved);
    return (await p.computeGradients([seq])).lossSum;
  };
  const numeric = ((await lossWith(eps)) - (await lossWith(-eps))) / (2 * eps);
  assert.ok(Math.abs(numeric - g.grads[head][j]) < 2e-2 * Math.abs(g.grads[head][j]) + 1e-3, `${numeric} vs ${g.grads[head][j]}`);
  p.dispose();
});

test('applyGradients: reports the pre-clip norm of grads/tokenCount, clips, and takes an Adam step', async () => {
  const p = await createPolicy(config);
  const g = await p.computeGradients(batchOf([10, 12]));
  let sq = 0;
  for (const x of g.grads) for (const v of x) sq += v * v;
  const expectedNorm = Math.sqrt(sq) / g.tokenCount;
  const before = p.getWeights();
  const { gradNorm } = await p.applyGradients(g.grads, g.tokenCount, { learningRate: 1e-3, clipNorm: expectedNorm / 2 });
  assert.ok(Math.abs(gradNorm - expectedNorm) < 1e-6 * gradNorm, 'the norm is reported before clipping');
  // Adam's first step moves every weight with a clearly non-zero gradient by ≈ lr, whatever the scale.
  const after = p.getWeights();
  const head = p.variableNames().indexOf('head.w');
  let moved = 0;
  after[head].forEach((v, i) => {
    if (Math.abs(g.grads[head][i]) > 1e-3) {
      assert.ok(Math.abs(Math.abs(v - before[head][i]) - 1e-3) < 1e-5);
      moved++;
    }
  });
  assert.ok(moved > 10);
  // The first moment holds (1 - β1) × the clipped gradient: grads / tokenCount × clipNorm / norm.
  const m = p.getOptimizerState().m[head];
  const clipScale = 1 / g.tokenCount / 2;
  m.forEach((v, i) => assert.ok(Math.abs(v - 0.1 * g.grads[head][i] * clipScale) < 1e-6 * Math.abs(g.grads[head][i]) + 1e-9));
  await assert.rejects(p.applyGradients(g.grads.slice(1), 1, { learningRate: 1, clipNorm: 1 }), /expected \d+ arrays/);
  p.dispose();
});

test('training lowers the loss and the tensor count stays constant across steps and samples', async () => {
  const p = await createPolicy(config);
  const batch = batchOf([16, 16, 12, 16], 1).map((s) => ({ ...s, weight: 1 }));
  const losses: number[] = [];
  const counts: number[] = [];
  for (let step = 0; step < 6; step++) {
    const g = await p.computeGradients(batch);
    await p.applyGradients(g.grads, g.tokenCount, { learningRate: 1e-2, clipNorm: 1 });
    await p.sample(prompts, { maxNewTokens: 5, temperature: 1, topP: 0.95, stopTokens: [0], seed: step });
    losses.push(g.lossSum / g.tokenCount);
    counts.push(tf().memory().numTensors);
  }
  assert.ok(losses[5] < losses[0] * 0.8, `losses ${losses.map((l) => l.toFixed(3))}`);
  assert.ok(counts.every((c) => c === counts[0]), `numTensors ${counts}`);
  p.dispose();
});

test('the wasm-fast op rewrites compute the same function as the plain ops', async () => {
  const fast = await createPolicy(config, { ops: modelOps('wasm-fast') });
  const plain = await createPolicy(config, { ops: modelOps('plain') });
  const seq = [1, 5, 9, 2, 7, 3, 11, 12];
  const a = fast.logitsOf(seq);
  const b = plain.logitsOf(seq);
  assert.ok(maxRelDiff([a], [b]) < 1e-5, `relative difference ${maxRelDiff([a], [b])}`);
  const fastSample = await fast.sample(prompts, greedy);
  assert.deepEqual(fastSample.responses, (await plain.sample(prompts, greedy)).responses);
  fast.dispose();
  plain.dispose();
});

test('what a prompt draws depends only on the seed and its index, not on batching or the other prompts', async () => {
  const big = await createPolicy(config);
  const small = await createPolicy(config, { sampleBatchSize: 2 });
  const opts = { maxNewTokens: 8, temperature: 1, topP: 0.9, stopTokens: [3], seed: 9 };
  const a = await big.sample(prompts, opts);
  assert.deepEqual((await small.sample(prompts, opts)).responses, a.responses);
  // Prompt 0 alone with stream offset 0 draws what it drew in the batch.
  assert.deepEqual((await big.sample([prompts[0]], opts)).responses[0], a.responses[0]);
  big.dispose();
  small.dispose();
});

/** log p of each response token from the full logits, computed here in float64 (independent of logProbs). */
function handLogProbs(logits: Float32Array, seq: TrainSequence, V: number): number[] {
  const out: number[] = [];
  for (let t = seq.promptLength - 1; t < seq.tokens.length - 1; t++) {
    const row = Array.from(logits.subarray(t * V, (t + 1) * V));
    const max = Math.max(...row);
    const lse = max + Math.log(row.reduce((s, x) => s + Math.exp(x - max), 0));
    out.push(row[seq.tokens[t + 1]] - lse);
  }
  return out;
}

test('logProbs: per response token, equal to a hand log-softmax of the logits, whatever the batching', async () => {
  const p = await createPolicy(config, { gradientTokenBudget: 24 });
  const batch = [...batchOf([9, 20, 5, 14]), { tokens: [1, 2, 3], promptLength: 3, weight: 1 }];
  const tensorsBefore = tf().memory().numTensors;
  const lps = await p.logProbs(batch);
  assert.equal(tf().memory().numTensors, tensorsBefore);
  assert.deepEqual(lps.map((l) => l.length), [6, 17, 2, 11, 0]);
  batch.forEach((s, i) => {
    if (s.tokens.length === s.promptLength) return;
    const hand = handLogProbs(p.logitsOf(s.tokens), s, config.vocabSize);
    hand.forEach((h, j) => assert.ok(Math.abs(lps[i][j] - h) < 1e-5, `sequence ${i} token ${j}: ${lps[i][j]} vs ${h}`));
  });
  // lossSum of the same sequences is -Σ weight·log p of exactly these values.
  const g = await p.computeGradients(batch);
  const expected = -batch.reduce((sum, s, i) => sum + s.weight * lps[i].reduce((a, b) => a + b, 0), 0);
  assert.ok(Math.abs(g.lossSum - expected) < 1e-4 * Math.abs(expected), `${g.lossSum} vs ${expected}`);
  await assert.rejects(p.logProbs([{ tokens: [1, 99], promptLength: 1, weight: 0 }]), /training sequence 0: token 1 is 99/);
  p.dispose();
});

test('tokenWeights replace weight token by token: lossSum and a finite-difference gradient agree', async () => {
  const p = await createPolicy(config);
  const seq: TrainSequence = { tokens: [1, 5, 9, 2, 7, 3], promptLength: 2, weight: 100, tokenWeights: [0.5, -1.5, 0, 2] };
  const lp = (await p.logProbs([seq]))[0];
  const expected = -seq.tokenWeights!.reduce((sum, w, j) => sum + w * lp[j], 0);
  const g = await p.computeGradients([seq]);
  assert.equal(g.tokenCount, 4);
  assert.ok(Math.abs(g.lossSum - expected) < 1e-4, `${g.lossSum} vs ${expected}`);
  // Equal per-token weights give exactly the per-sequence result.
  const uniform = await p.computeGradients([{ ...seq, weight: 0.75, tokenWeights: [0.75, 0.75, 0.75, 0.75] }]);
  const plainWeight = await p.computeGradients([{ ...seq, weight: 0.75, tokenWeights: undefined }]);
  assert.ok(maxRelDiff(uniform.grads, plainWeight.grads) < 1e-6);
  // Central difference on the largest gradient entry of the first layer's MLP (deep in the network).
  const k = p.variableNames().indexOf('h0.mlp.fc.w');
  const j = g.grads[k].reduce((best, v, i, a) => (Math.abs(v) > Math.abs(a[best]) ? i : best), 0);
  const w = p.getWeights();
  const eps = 1e-2;
  const lossWith = async (delta: number) => {
    const moved = w.map((x) => x.slice());
    moved[k][j] += delta;
    p.setWeights(moved);
    const l = (await p.logProbs([seq]))[0];
    return -seq.tokenWeights!.reduce((sum, wt, i) => sum + wt * l[i], 0);
  };
  const numeric = ((await lossWith(eps)) - (await lossWith(-eps))) / (2 * eps);
  assert.ok(Math.abs(numeric - g.grads[k][j]) < 2e-2 * Math.abs(g.grads[k][j]) + 1e-3, `${numeric} vs ${g.grads[k][j]}`);
  await assert.rejects(p.computeGradients([{ ...seq, tokenWeights: [1, 2] }]), /'tokenWeights' must hold one weight per response token \(4\), got 2/);
  await assert.rejects(p.computeGradients([{ ...seq, tokenWeights: [1, 2, NaN, 3] }]), /'tokenWeights\[2\]' must be finite/);
  p.dispose();
});
