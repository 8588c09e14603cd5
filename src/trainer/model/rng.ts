// Seeded randomness for everything the model draws (initial weights, sampling), done in JS rather
// than with tf.random* so the same seed gives the same numbers on every backend and in every worker.
// The generator is pure-rand's xoroshiro128+, whose state is four int32s and can be saved as JSON.
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
import { xoroshiro128plus, xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';

export type RngState = number[];

export class SeededRng {
  private constructor(private generator: RandomGenerator) {}

  static fromSeed(seed: number): SeededRng {
    return new SeededRng(xoroshiro128plus(seed | 0));
  }

  /** An independent stream for (seed, ...keys), e.g. one per prompt, so splitting a batch across workers changes nothing. */
  static derive(seed: number, ...keys: number[]): SeededRng {
    let h = mix32(seed | 0);
    for (const k of keys) h = mix32(h ^ mix32(k | 0));
    return new SeededRng(xoroshiro128plus(h));
  }

  static fromState(state: RngState): SeededRng {
    if (!Array.isArray(state) || state.length !== 4 || !state.every((n) => Number.isInteger(n))) {
      throw new Error(`RNG state must be 4 integers, got ${JSON.stringify(state)?.slice(0, 80)}`);
    }
    return new SeededRng(xoroshiro128plusFromState(state));
  }

  state(): RngState {
    return [...this.generator.getState()];
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return uniformFloat64(this.generator);
  }

  /** Standard normal (Box-Muller; the second value is dropped to keep the state simple). */
  normal(): number {
    const u1 = 1 - this.uniform(); // in (0, 1], so log is finite
    const u2 = this.uniform();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}

// murmur3's finalizer: spreads nearby seeds (0, 1, 2 …) into unrelated generator seeds.
function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) | 0;
}
