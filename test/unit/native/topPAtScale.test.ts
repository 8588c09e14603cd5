// Nucleus sampling over a real-size vocabulary sorts only the candidates above a threshold; the
// token drawn must be the one the textbook definition (sort the whole row by probability, ties by id,
// keep the shortest prefix reaching top-p, renormalise, draw) gives for the same uniform number.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeededRng } from '../../../src/trainer/model/rng';
import { sampleTopP } from '../../../src/trainer/model/sampler';

function sortedIds(probs: Float32Array): number[] {
  return Array.from({ length: probs.length }, (_, i) => i).sort((a, b) => probs[b] - probs[a] || a - b);
}

function textbook(probs: Float32Array, topP: number, u: number, order = sortedIds(probs)): number {
  let kept = 0, mass = 0;
  while (kept < order.length && (kept === 0 || mass < topP)) mass += probs[order[kept++]];
  let target = u * mass;
  for (let r = 0; r < kept; r++) {
    target -= probs[order[r]];
    if (target < 0) return order[r];
  }
  return order[kept - 1];
}

function softmax(logits: Float64Array): Float32Array {
  const max = logits.reduce((a, b) => Math.max(a, b), -Infinity);
  const e = logits.map((x) => Math.exp(x - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return Float32Array.from(e, (x) => x / sum);
}

test('top-p over a 152K vocabulary draws what a full sort would, for peaked, flat and tied rows', () => {
  const V = 151936;
  const gen = SeededRng.fromSeed(4);
  const rows: Float32Array[] = [];
  for (const spread of [0.5, 3, 8]) rows.push(softmax(Float64Array.from({ length: V }, () => gen.normal() * spread)));
  rows.push(new Float32Array(V).fill(1 / V)); // every token tied
  const tied = new Float32Array(V).fill(0.2 / (V - 8));
  for (let i = 0; i < 8; i++) tied[1000 * i + 3] = 0.1; // eight tied leaders holding 80%
  rows.push(tied);
  const oneHot = new Float32Array(V);
  oneHot[77] = 1;
  rows.push(oneHot);
  let draws = 0;
  for (const probs of rows) {
    const order = sortedIds(probs);
    for (const topP of [0.05, 0.5, 0.9, 0.95, 0.999]) {
      for (let k = 0; k < 3; k++) {
        const seed = draws++;
        const u = SeededRng.fromSeed(seed).uniform();
        assert.equal(sampleTopP(probs, 0, V, topP, SeededRng.fromSeed(seed)), textbook(probs, topP, u, order), `topP ${topP}, draw ${k}`);
      }
    }
  }
  // A row inside a batch buffer (offset) reads only its own slice.
  const batch = new Float32Array(3 * V);
  batch.set(rows[1], V);
  assert.equal(sampleTopP(batch, V, V, 0.9, SeededRng.fromSeed(99)), textbook(rows[1], 0.9, SeededRng.fromSeed(99).uniform()));
});
