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
 * Only the candidates above a threshold are sorted, never the whole vocabulary: at 152K tokens a full
 * sort costs ~40 ms per row, more than the decoding step it follows.
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
  const order = nucleusCandidates(probs, offset, size, topP)
    .sort((a, b) => probs[offset + b] - probs[offset + a] || a - b);
  let kept = 0;
  let mass = 0;
  while (kept < order.length && (kept === 0 || mass < topP)) mass += probs[offset + order[kept++]];
  let target = u * mass;
  for (let r = 0; r < kept; r++) {
    target -= probs[offset + order[r]];
    if (target < 0) return order[r];
  }
  return order[kept - 1];
}

/**
 * The ids whose probability is at least a threshold holding ≥ topP of the mass (halving the
 * threshold from the largest probability until it does), or every id. The nucleus is a prefix of
 * these ids sorted by probability, and a token tied with a kept one is kept too, so the draw is the
 * one a sort of the whole row would give.
 */
function nucleusCandidates(probs: Float32Array, offset: number, size: number, topP: number): number[] {
  let max = 0;
  for (let i = 0; i < size; i++) if (probs[offset + i] > max) max = probs[offset + i];
  for (let threshold = max / 16; threshold > 0; threshold /= 16) {
    const ids: number[] = [];
    let mass = 0;
    for (let i = 0; i < size; i++) {
      const p = probs[offset + i];
      if (p >= threshold) {
        ids.push(i);
        mass += p;
      }
    }
    // The margin covers float rounding: the sorted prefix sums in another order than this loop.
    if (mass >= topP + 1e-6 || ids.length === size) return ids;
    if (threshold < Number.MIN_VALUE * 16) break;
  }
  return Array.from({ length: size }, (_, i) => i);
}

// Float rounding can leave the target a hair above the total; fall back to the last possible token.
function lastNonZero(probs: Float32Array, offset: number, size: number): number {
  for (let i = size - 1; i >= 0; i--) if (probs[offset + i] > 0) return i;
  return size - 1;
}
