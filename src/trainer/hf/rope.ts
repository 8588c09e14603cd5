// Rotary position embeddings as transformers computes them: inv_freq[i] = 1 / theta^(2i/d), optionally
// rescaled by Llama 3's rope_scaling, and cos/sin tables of (position · inv_freq) repeated over both
// halves of the head ("rotate half" convention).
import type { DecoderConfig } from './decoderConfig';

export function inverseFrequencies(c: DecoderConfig): Float64Array {
  const d = c.headDim;
  const inv = new Float64Array(d / 2);
  // float32 like torch, so long positions round the same way.
  for (let i = 0; i < d / 2; i++) inv[i] = Math.fround(1 / Math.fround(Math.pow(c.ropeTheta, Math.fround((2 * i) / d))));
  const s = c.ropeScaling;
  if (!s) return inv;
  // transformers' _compute_llama3_parameters.
  const lowWavelen = s.originalMaxPositions / s.lowFreqFactor;
  const highWavelen = s.originalMaxPositions / s.highFreqFactor;
  for (let i = 0; i < inv.length; i++) {
    const wavelen = (2 * Math.PI) / inv[i];
    if (wavelen > lowWavelen) inv[i] = inv[i] / s.factor;
    else if (wavelen >= highWavelen) {
      const smooth = (s.originalMaxPositions / wavelen - s.lowFreqFactor) / (s.highFreqFactor - s.lowFreqFactor);
      inv[i] = (1 - smooth) * (inv[i] / s.factor) + smooth * inv[i];
    }
    inv[i] = Math.fround(inv[i]);
  }
  return inv;
}

/** cos and sin tables [count, headDim] for positions start .. start+count-1. */
export function ropeTables(inv: Float64Array, start: number, count: number): { cos: Float32Array; sin: Float32Array } {
  const half = inv.length;
  const d = 2 * half;
  const cos = new Float32Array(count * d);
  const sin = new Float32Array(count * d);
  for (let p = 0; p < count; p++) {
    for (let i = 0; i < half; i++) {
      const angle = Math.fround((start + p) * inv[i]);
      const c = Math.cos(angle);
      const s = Math.sin(angle);
      cos[p * d + i] = cos[p * d + half + i] = c;
      sin[p * d + i] = sin[p * d + half + i] = s;
    }
  }
  return { cos, sin };
}
