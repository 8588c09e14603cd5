// Near-duplicate detection: MinHash signatures over word shingles, banded LSH to find candidate
// pairs, then the exact Jaccard similarity of the shingle sets to confirm. Chosen over all-pairs
// Jaccard because it is linear in the number of prompts (all-pairs on 50K prompts = 1.25e9 pairs).
// With 16 bands of 4 rows a pair at Jaccard 0.8 becomes a candidate with probability ≈ 1 − (1 − 0.8⁴)¹⁶ ≈ 0.9996.
import { ngrams } from './text';
import { fnv1a } from '../util/hash';

export const SHINGLE_WORDS = 5;
const BANDS = 16;
const ROWS = 4;
const HASHES = BANDS * ROWS;


/** murmur3's finaliser: a cheap, well-mixed 32-bit permutation, seeded per hash function. */
function mix(x: number, seed: number): number {
  let h = (x ^ seed) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

const SEEDS = Array.from({ length: HASHES }, (_, i) => mix(i + 1, 0x9e3779b9));

export function shingles(tokens: readonly string[]): Set<string> {
  // Short prompts shingle as a whole so they can still be compared.
  return tokens.length < SHINGLE_WORDS ? new Set([tokens.join(' ')]) : ngrams(tokens, SHINGLE_WORDS);
}

export function minhashSignature(shingleSet: ReadonlySet<string>): Uint32Array {
  const sig = new Uint32Array(HASHES).fill(0xffffffff);
  for (const s of shingleSet) {
    const base = fnv1a(s);
    for (let i = 0; i < HASHES; i++) {
      const v = mix(base, SEEDS[i]);
      if (v < sig[i]) sig[i] = v;
    }
  }
  return sig;
}

export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (!a.size && !b.size) return 1;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let inter = 0;
  for (const x of small) if (large.has(x)) inter++;
  return inter / (a.size + b.size - inter);
}

/** Incremental LSH: add documents in order; each is compared to the earlier ones sharing a band. */
export class NearDuplicateIndex {
  private readonly bands = Array.from({ length: BANDS }, () => new Map<string, number[]>());
  private readonly sets: ReadonlySet<string>[] = [];

  /** Candidate earlier documents (by insertion number) for this shingle set, then registers it. */
  addAndFindCandidates(shingleSet: ReadonlySet<string>): { index: number; candidates: number[] } {
    const sig = minhashSignature(shingleSet);
    const index = this.sets.length;
    this.sets.push(shingleSet);
    const candidates = new Set<number>();
    for (let b = 0; b < BANDS; b++) {
      const key = Array.from(sig.subarray(b * ROWS, (b + 1) * ROWS)).join(',');
      const bucket = this.bands[b].get(key);
      if (bucket) {
        for (const c of bucket) candidates.add(c);
        bucket.push(index);
      } else {
        this.bands[b].set(key, [index]);
      }
    }
    return { index, candidates: [...candidates].sort((x, y) => x - y) };
  }

  similarity(a: number, b: number): number {
    return jaccard(this.sets[a], this.sets[b]);
  }
}
