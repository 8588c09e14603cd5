// float32 → bfloat16 / IEEE half, rounding to nearest with ties to even (what torch's .to(dtype)
// does), so a checkpoint we write holds the same bits PyTorch would have written for the same
// float32 weights. Node 20 has no Float16Array, so these work on raw bit patterns.

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** bits of one float32 value (as stored in a Float32Array). */
function bitsOf(x: number): number {
  f32[0] = x;
  return u32[0];
}

export function f32ToBf16Bits(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const u = bitsOf(values[i]);
    if ((u & 0x7fffffff) > 0x7f800000) {
      out[i] = (u >>> 16) | 0x0040; // NaN: keep sign and payload top, force quiet so it cannot round to infinity
      continue;
    }
    // Add half an ulp of bf16 (0x7fff) plus the lowest kept bit: ties go to the even neighbour.
    out[i] = ((u + 0x7fff + ((u >>> 16) & 1)) >>> 16) & 0xffff;
  }
  return out;
}

export function f32ToF16Bits(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = halfBits(bitsOf(values[i]));
  return out;
}

function halfBits(u: number): number {
  const sign = (u >>> 16) & 0x8000;
  const exponent = (u >>> 23) & 0xff;
  const mantissa = u & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x0200 | (mantissa >>> 13) : 0);
  const e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // too large: infinity
  if (e <= 0) {
    // Subnormal half (or zero): the value is m · 2^-24 with m = significand >> (14 - e).
    if (e < -10) return sign; // below half the smallest subnormal: rounds to zero
    const significand = mantissa | 0x800000;
    const shift = 14 - e;
    return sign | roundShift(significand, shift);
  }
  // Normal: rounding may carry into the exponent, and from the largest finite value into infinity — both correct.
  return sign | ((e << 10) + roundShift(mantissa, 13));
}

/** value >> shift, rounded to nearest, ties to even. */
function roundShift(value: number, shift: number): number {
  const kept = value >>> shift;
  const rest = value & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  return rest > half || (rest === half && (kept & 1) === 1) ? kept + 1 : kept;
}
