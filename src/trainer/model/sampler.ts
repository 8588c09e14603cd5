// Drawing the next token from a row of logits in JS (after one dataSync per decoding step): exactly
// reproducible from the seeded RNG on any backend, and cheap at a 152K vocabulary, where the tfjs
// softmax, temperature division and a comparator sort of the nucleus cost more than the decoding step.
import type { SeededRng } from './rng';

export function argmaxOf(values: Float32Array, offset: number, size: number): number {
  let best = 0;
  for (let i = 1; i < size; i++) if (values[offset + i] > values[offset + best]) best = i;
  return best;
}

/**
 * softmax(logits[offset .. offset+size) / temperature) into probs[0 .. size) (temperature ≤ 0 counts
 * as 1: greedy decoding still reports the model's entropy); returns that distribution's entropy in
 * nats. Computed in double precision and stored as float32, one row at a time, so no [rows, vocab]
 * probability tensor is ever made.
 */
export function softmaxRow(logits: Float32Array, offset: number, size: number, temperature: number, probs: Float32Array): number {
  const inv = temperature > 0 ? 1 / temperature : 1;
  let max = -Infinity;
  for (let i = 0; i < size; i++) if (logits[offset + i] > max) max = logits[offset + i];
  // H = log S − Σ e^z·z / S with z = (l − max)/T and S = Σ e^z.
  let sum = 0;
  let ez = 0;
  for (let i = 0; i < size; i++) {
    const z = (logits[offset + i] - max) * inv;
    const e = Math.exp(z);
    sum += e;
    ez += e * z;
    probs[i] = e;
  }
  const norm = 1 / sum;
  for (let i = 0; i < size; i++) probs[i] *= norm;
  return Math.log(sum) - ez * norm;
}

/**
 * Nucleus sampling: keep the most likely tokens whose cumulative probability first reaches topP
 * (at least one), renormalise, draw. Ties are broken by the lower id so the order is deterministic.
 * Only the candidates above a threshold are considered, never the whole vocabulary, and usually only
 * two small groups of them are ordered (see drawByBuckets): a comparator sort of a near-flat 152K row
 * took ~100 ms, longer than the decoding step it follows.
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
  const ids = nucleusCandidates(probs, offset, size, topP);
  return drawByBuckets(probs, offset, ids, topP, u) ?? drawSorted(probs, offset, byDescendingProbability(probs, offset, ids), topP, u);
}

/** The textbook draw over the candidates in order of decreasing probability. */
function drawSorted(probs: Float32Array, offset: number, order: Int32Array, topP: number, u: number): number {
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

/** Float32 values ≥ 2⁻²⁹ are multiples of 2⁻⁵², so any sum of them below 2 is exact in a double. */
const EXACT_SUM_MIN = 2 ** -29;
const BUCKETS = 1 << 15;

/**
 * drawSorted's result without sorting every candidate. Candidates are grouped by the top 16 bits of
 * their float32 pattern (sign, exponent, 7 mantissa bits: for non-negative floats, groups in
 * decreasing order hold decreasing probabilities), with each group's mass. When every candidate is
 * ≥ 2⁻²⁹ and they sum below 2, every partial sum is exact whatever the order of addition, so the
 * nucleus cut and the draw (the first token whose running sum exceeds u·mass — what drawSorted's
 * sequence of subtractions finds, since each of those is exact too while the target stays ≥ 0) can
 * be located group by group, and only the group holding the cut and the group holding the draw
 * are sorted. Otherwise null (the caller sorts everything).
 */
function drawByBuckets(probs: Float32Array, offset: number, ids: Int32Array, topP: number, u: number): number | null {
  const bits = new Int32Array(probs.buffer, probs.byteOffset + offset * 4, probs.length - offset);
  let lo = BUCKETS, hi = -1;
  try {
    let total = 0;
    for (let i = 0; i < ids.length; i++) {
      const p = probs[offset + ids[i]];
      if (!(p >= EXACT_SUM_MIN)) return null;
      const b = bits[ids[i]] >>> 16;
      if (b < lo) lo = b;
      if (b > hi) hi = b;
      COUNT[b]++;
      MASS[b] += p;
      total += p;
    }
    return total < 2 ? drawFromGroups(probs, offset, ids, bits, COUNT, MASS, topP, u) : null;
  } finally {
    // The group tables are kept between calls (a row's draw would otherwise allocate and clear 390 KB).
    if (hi >= lo) {
      COUNT.fill(0, lo, hi + 1);
      MASS.fill(0, lo, hi + 1);
    }
  }
}

const COUNT = new Int32Array(BUCKETS);
const MASS = new Float64Array(BUCKETS);

/** drawByBuckets once the groups' counts and masses are known. */
function drawFromGroups(probs: Float32Array, offset: number, ids: Int32Array, bits: Int32Array, count: Int32Array, mass: Float64Array, topP: number, u: number): number {
  // The nucleus: whole groups from the top, then a prefix of the group where the mass reaches topP.
  let before = 0, keptBefore = 0, cut = -1;
  for (let b = BUCKETS - 1; b >= 0; b--) {
    if (count[b] === 0) continue;
    if (before + mass[b] >= topP) {
      cut = b;
      break;
    }
    before += mass[b];
    keptBefore += count[b];
  }
  let kept: Int32Array | undefined; // the cut group's kept prefix, in order
  let nucleus = before;
  if (cut >= 0) {
    const members = groupInOrder(probs, offset, ids, bits, cut);
    let taken = 0;
    while (taken < members.length && (keptBefore + taken === 0 || nucleus < topP)) nucleus += probs[offset + members[taken++]];
    kept = members.subarray(0, taken);
  }
  const target = u * nucleus;
  let running = 0;
  let lowest = -1;
  for (let b = BUCKETS - 1; b >= 0 && b >= cut; b--) {
    if (count[b] === 0) continue;
    lowest = b;
    if (b === cut) break;
    if (running + mass[b] > target) return firstAbove(probs, offset, groupInOrder(probs, offset, ids, bits, b), running, target);
    running += mass[b];
  }
  if (kept) return firstAbove(probs, offset, kept, running, target);
  // Every candidate kept and the target not passed (u·mass rounded up to the mass): the last one.
  const last = groupInOrder(probs, offset, ids, bits, lowest);
  return last[last.length - 1];
}

/** The first of `order` whose running sum from `start` exceeds target, or the last of them. */
function firstAbove(probs: Float32Array, offset: number, order: Int32Array, start: number, target: number): number {
  let s = start;
  for (let r = 0; r < order.length; r++) {
    s += probs[offset + order[r]];
    if (s > target) return order[r];
  }
  return order[order.length - 1];
}

/** The candidates of one group, by decreasing probability (ties: lower id first). */
function groupInOrder(probs: Float32Array, offset: number, ids: Int32Array, bits: Int32Array, bucket: number): Int32Array {
  let n = 0;
  for (let i = 0; i < ids.length; i++) if (bits[ids[i]] >>> 16 === bucket) n++;
  const members = new Int32Array(n);
  for (let i = 0, j = 0; i < ids.length; i++) if (bits[ids[i]] >>> 16 === bucket) members[j++] = ids[i];
  return n > 2048 ? byDescendingProbability(probs, offset, members) : members.sort((a, b) => bits[b] - bits[a] || a - b);
}

/**
 * The ids whose probability is at least a threshold holding ≥ topP of the mass (dividing the
 * threshold by 16 from the largest probability until it does), or every id, in increasing order.
 * The nucleus is a prefix of these ids sorted by probability, and a token tied with a kept one is
 * kept too, so the draw is the one a sort of the whole row would give.
 */
function nucleusCandidates(probs: Float32Array, offset: number, size: number, topP: number): Int32Array {
  let max = 0;
  for (let i = 0; i < size; i++) if (probs[offset + i] > max) max = probs[offset + i];
  if (candidateIds.length < size) candidateIds = new Int32Array(size);
  const ids = candidateIds;
  for (let threshold = max / 16; threshold > 0; threshold /= 16) {
    let n = 0;
    let mass = 0;
    for (let i = 0; i < size; i++) {
      const p = probs[offset + i];
      if (p >= threshold) {
        ids[n++] = i;
        mass += p;
      }
    }
    // The margin covers float rounding: the sorted prefix sums in another order than this loop.
    if (mass >= topP + 1e-6 || n === size) return ids.subarray(0, n);
    if (threshold < Number.MIN_VALUE * 16) break;
  }
  for (let i = 0; i < size; i++) ids[i] = i;
  return ids.subarray(0, size);
}

/** nucleusCandidates' buffer, reused from row to row (its result is consumed before the next draw). */
let candidateIds = new Int32Array(0);

const DIGIT_BITS = 11;
const DIGITS = 1 << DIGIT_BITS;

/**
 * ids (increasing) reordered by decreasing probs[offset + id], ties keeping their order (lower id
 * first): a least-significant-digit radix sort (stable) on the complement of the float32 bit
 * patterns, which order non-negative floats as their values.
 */
function byDescendingProbability(probs: Float32Array, offset: number, ids: Int32Array): Int32Array {
  // Int32 storage keeps every value a small integer for V8 (uint32 above 2³¹ would be doubles); the
  // digits are read with >>>, i.e. as unsigned.
  const bits = new Int32Array(probs.buffer, probs.byteOffset + offset * 4, probs.length - offset);
  const n = ids.length;
  let keys = new Int32Array(n);
  for (let i = 0; i < n; i++) keys[i] = ~bits[ids[i]];
  let src: Int32Array = ids;
  let dst: Int32Array = new Int32Array(n);
  let keysOut = new Int32Array(n);
  const count = new Int32Array(DIGITS);
  for (let shift = 0; shift < 32; shift += DIGIT_BITS) {
    count.fill(0);
    for (let i = 0; i < n; i++) count[(keys[i] >>> shift) & (DIGITS - 1)]++;
    let start = 0;
    let single = false;
    for (let d = 0; d < DIGITS; d++) {
      const c = count[d];
      if (c === n) single = true; // a digit every candidate shares leaves the order as it is
      count[d] = start;
      start += c;
    }
    if (single) continue;
    for (let i = 0; i < n; i++) {
      const k = keys[i];
      const at = count[(k >>> shift) & (DIGITS - 1)]++;
      dst[at] = src[i];
      keysOut[at] = k;
    }
    [src, dst] = [dst, src];
    [keys, keysOut] = [keysOut, keys];
  }
  return src;
}

// Float rounding can leave the target a hair above the total; fall back to the last possible token.
function lastNonZero(probs: Float32Array, offset: number, size: number): number {
  for (let i = size - 1; i >= 0; i--) if (probs[offset + i] > 0) return i;
  return size - 1;
}
