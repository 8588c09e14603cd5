// bfloat16 / IEEE half ↔ float32 for checkpoints stored in 16 bits (Node 20 has no Float16Array, so
// these work on raw bit patterns). Widening is exact; narrowing rounds to nearest with ties to even
// (what torch's .to(dtype) does), so a checkpoint we write holds the bits PyTorch would have written.

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

/** bf16 is the top half of a float32: widen by shifting left 16 bits. */
export function bf16ToF32(h: Uint16Array): Float32Array {
  const out = new Uint32Array(h.length);
  for (let i = 0; i < h.length; i++) out[i] = h[i] << 16;
  return new Float32Array(out.buffer);
}

let halfTable: Float32Array | undefined;

/** All 65,536 half values as float32, built once (256 KB). */
function halfToFloatTable(): Float32Array {
  if (halfTable) return halfTable;
  const t = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >>> 10) & 0x1f;
    const mant = h & 0x3ff;
    if (exp === 0) t[h] = sign * mant * 2 ** -24;
    else if (exp === 31) t[h] = mant ? NaN : sign * Infinity;
    else t[h] = sign * (1 + mant / 1024) * 2 ** (exp - 15);
  }
  halfTable = t;
  return t;
}

export function f16ToF32(h: Uint16Array): Float32Array {
  const table = halfToFloatTable();
  const out = new Float32Array(h.length);
  for (let i = 0; i < h.length; i++) out[i] = table[h[i]];
  return out;
}
