// Drawing the next token from a probability row in JS (after one dataSync per decoding step): as fast
// as tf.multinomial on wasm, and exactly reproducible from the seeded RNG on any backend.
import type { SeededRng } from './rng';

/** Shannon entropy (nats) of probs[offset .. offset+size). */
export function entropyOf(probs: Float32Array, offset: number, size: number): number {
  let h = 0;
  for (let i = 0; i < size; i++) {
    const p = probs[offset + i];
    if (p > 0) h -= p * Math.log(p);
  }
  return h;
}

export function argmaxOf(values: Float32Array, offset: number, size: number): number {
  let best = 0;
  for (let i = 1; i < size; i++) if (values[offset + i] > values[offset + best]) best = i;
  return best;
}

/**
 * Nucleus sampling: keep the most likely tokens whose cumulative probability first reaches topP
 * (at least one), renormalise, draw. Ties are broken by the lower id so the order is deterministic.
 */
export function sampleTopP(probs: Float32Array, offset: number, size: number, topP: number, rng: SeededRng): number {
  const u = rng.uniform();
  if (topP >= 1) {
    let total = 0;
    for (let i = 0; i < size; i++) total += probs[offset + i];
    let target = u * total;
    for (let i = 0; i < size; i++) {
      target -= probs[offset + i];
      if (target < 0) return i;
    }
    return lastNonZero(probs, offset, size);
  }
  const order = Array.from({ length: size }, (_, i) => i)
    .sort((a, b) => probs[offset + b] - probs[offset + a] || a - b);
  let kept = 0;
  let mass = 0;
  while (kept < size && (kept === 0 || mass < topP)) mass += probs[offset + order[kept++]];
  let target = u * mass;
  for (let r = 0; r < kept; r++) {
    target -= probs[offset + order[r]];
    if (target < 0) return order[r];
  }
  return order[kept - 1];
}

// Float rounding can leave the target a hair above the total; fall back to the last possible token.
function lastNonZero(probs: Float32Array, offset: number, size: number): number {
  for (let i = size - 1; i >= 0; i--) if (probs[offset + i] > 0) return i;
  return size - 1;
}
