// The JS sampling step (model/sampler.ts) against independent references: the probabilities and
// entropy of softmax(logits / T) against a float64 computation, and nucleus draws against the
// textbook definition (sort the whole row by probability, ties by id, keep the shortest prefix
// reaching top-p, renormalise, walk the running sum) for the same uniform number, on rows that take
// the grouped path (all candidates ≥ 2⁻²⁹) and rows that need the full sort (tiny tails, zeros).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeededRng } from '../../../src/trainer/model/rng';
import { sampleTopP, softmaxRow } from '../../../src/trainer/model/sampler';

function textbook(probs: Float32Array, topP: number, u: number): number {
  const order = Array.from({ length: probs.length }, (_, i) => i).sort((a, b) => probs[b] - probs[a] || a - b);
  let kept = 0, mass = 0;
  while (kept < order.length && (kept === 0 || mass < topP)) mass += probs[order[kept++]];
  let target = u * mass;
  for (let r = 0; r < kept; r++) {
    target -= probs[order[r]];
    if (target < 0) return order[r];
  }
  return order[kept - 1];
}

function softmax32(logits: Float64Array): Float32Array {
  const max = logits.reduce((a, b) => Math.max(a, b), -Infinity);
  const e = logits.map((x) => Math.exp(x - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return Float32Array.from(e, (x) => x / sum);
}

test('softmaxRow: softmax(logits / T) and its entropy as float64 gives them; T 0 means 1', () => {
  const g = SeededRng.fromSeed(3);
  const V = 1000;
  const logits = new Float32Array(2 * V);
  for (let i = 0; i < logits.length; i++) logits[i] = g.normal() * 4 + 30; // an offset exp() alone would overflow
  for (const T of [0.7, 1, 0, 2.5]) {
    const probs = new Float32Array(V);
    const h = softmaxRow(logits, V, V, T, probs); // the second row of a batch buffer
    const z = Float64Array.from({ length: V }, (_, i) => logits[V + i] / (T > 0 ? T : 1));
    const max = z.reduce((a, b) => Math.max(a, b), -Infinity);
    const sum = z.reduce((a, x) => a + Math.exp(x - max), 0);
    let entropy = 0;
    for (let i = 0; i < V; i++) {
      const p = Math.exp(z[i] - max) / sum;
      assert.ok(Math.abs(probs[i] - p) <= 1e-6 * p + 1e-30, `T ${T}, token ${i}: ${probs[i]} vs ${p}`);
      if (p > 0) entropy -= p * Math.log(p);
    }
    assert.ok(Math.abs(h - entropy) < 1e-9, `T ${T}: entropy ${h} vs ${entropy}`);
  }
});

test('sampleTopP draws what the textbook nucleus draws, over flat, peaked, tied and long-tailed rows', () => {
  const g = SeededRng.fromSeed(8);
  const V = 3000;
  const rows: Float32Array[] = [];
  for (const spread of [0.01, 0.3, 1, 3, 8, 25]) rows.push(softmax32(Float64Array.from({ length: V }, () => g.normal() * spread)));
  // Ties inside one 16-bit group and across the cut: 40 equal leaders, then equal followers.
  const tied = new Float32Array(V).fill(0.3 / (V - 40));
  for (let i = 0; i < 40; i++) tied[(i * 71) % V] = 0.7 / 40;
  rows.push(tied);
  // Probabilities below 2⁻²⁹ among the candidates (the full-sort path) and exact zeros.
  const tail = softmax32(Float64Array.from({ length: V }, (_, i) => -i * 0.02));
  const zeros = Float32Array.from(softmax32(Float64Array.from({ length: V }, () => g.normal())), (p, i) => (i % 3 === 0 ? 0 : p));
  const zs = zeros.reduce((a, b) => a + b, 0);
  rows.push(tail, zeros.map((p) => p / zs));
  let draws = 0;
  for (const probs of rows) {
    for (const topP of [0.02, 0.5, 0.9, 0.95, 0.999, 0.9999999]) {
      for (let k = 0; k < 25; k++) {
        const seed = 1000 + draws++;
        const u = SeededRng.fromSeed(seed).uniform();
        assert.equal(sampleTopP(probs, 0, V, topP, SeededRng.fromSeed(seed)), textbook(probs, topP, u), `row ${rows.indexOf(probs)}, topP ${topP}, draw ${k}`);
      }
    }
  }
  assert.equal(draws, 9 * 6 * 25);
});
