// Exact rational arithmetic on bigints. Floats cannot tell 1/2004! from 1/2006! (both underflow to 0),
// so every number that can be kept exact is. Sizes are capped: an operation whose result would need
// more than MAX_BITS bits throws Unrepresentable and the caller falls back to floats or strings.
import { Unrepresentable } from './budget';

export const MAX_BITS = 120_000;

export interface Rational {
  readonly num: bigint;
  /** Always positive; the fraction is always reduced. */
  readonly den: bigint;
}

function abs(a: bigint): bigint {
  return a < 0n ? -a : a;
}

function gcd(a: bigint, b: bigint): bigint {
  a = abs(a);
  b = abs(b);
  while (b) [a, b] = [b, a % b];
  return a;
}

export function bitLength(a: bigint): number {
  if (a === 0n) return 0;
  const hex = abs(a).toString(16);
  return (hex.length - 1) * 4 + (32 - Math.clz32(parseInt(hex[0], 16)));
}

function checkSize(n: bigint, d: bigint): void {
  if (bitLength(n) > MAX_BITS || bitLength(d) > MAX_BITS) throw new Unrepresentable('exact number too large');
}

export function rational(num: bigint, den = 1n): Rational {
  if (den === 0n) throw new Unrepresentable('division by zero');
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  const g = gcd(num, den);
  if (g > 1n) {
    num /= g;
    den /= g;
  }
  checkSize(num, den);
  return { num, den };
}

/** Parses a decimal literal such as "12", "0.125", ".5", "1.5e3" exactly. */
export function parseDecimal(text: string): Rational {
  const m = /^(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d{1,6}))?$/.exec(text);
  if (!m || (m[1] === '' && !m[2])) throw new Error(`not a decimal number: ${text}`);
  const frac = m[2] ?? '';
  const exp = Number(m[3] ?? 0) - frac.length;
  if (Math.abs(exp) > MAX_BITS / 3) throw new Unrepresentable('decimal exponent too large');
  const digits = BigInt((m[1] || '0') + frac);
  return exp >= 0 ? rational(digits * 10n ** BigInt(exp)) : rational(digits, 10n ** BigInt(-exp));
}

export const ZERO = rational(0n);
export const ONE = rational(1n);

export const add = (a: Rational, b: Rational): Rational => rational(a.num * b.den + b.num * a.den, a.den * b.den);
export const sub = (a: Rational, b: Rational): Rational => rational(a.num * b.den - b.num * a.den, a.den * b.den);
export const mul = (a: Rational, b: Rational): Rational => rational(a.num * b.num, a.den * b.den);
export const div = (a: Rational, b: Rational): Rational => rational(a.num * b.den, a.den * b.num);
export const neg = (a: Rational): Rational => ({ num: -a.num, den: a.den });
export const equal = (a: Rational, b: Rational): boolean => a.num === b.num && a.den === b.den;
export const isInteger = (a: Rational): boolean => a.den === 1n;

/** a^k for an integer k, refusing results beyond MAX_BITS before computing them. */
export function powInt(a: Rational, k: bigint): Rational {
  if (k === 0n) return ONE;
  if (a.num === 0n) {
    if (k < 0n) throw new Unrepresentable('division by zero');
    return ZERO;
  }
  const e = abs(k);
  const bits = Math.max(bitLength(a.num), bitLength(a.den));
  if (bits > 1 && Number(e) * (bits - 1) > MAX_BITS) throw new Unrepresentable('exact power too large');
  if (e > BigInt(MAX_BITS) && bits > 1) throw new Unrepresentable('exact power too large');
  const r = rational(a.num ** e, a.den ** e);
  return k < 0n ? div(ONE, r) : r;
}

/** The exact integer k-th root of a non-negative rational, or undefined when it is irrational. */
export function exactRoot(a: Rational, k: number): Rational | undefined {
  if (a.num < 0n) return undefined;
  const rn = integerRoot(a.num, k);
  const rd = integerRoot(a.den, k);
  if (rn === undefined || rd === undefined) return undefined;
  return rational(rn, rd);
}

function integerRoot(n: bigint, k: number): bigint | undefined {
  if (n < 2n) return n;
  // Newton's method from a float estimate; exact check at the end.
  const approx = Math.round(Math.pow(Number(n), 1 / k));
  let x = Number.isFinite(approx) && approx > 0 ? BigInt(approx) : 1n << BigInt(Math.ceil(bitLength(n) / k));
  const K = BigInt(k);
  for (let i = 0; i < 200; i++) {
    const next = ((K - 1n) * x + n / x ** (K - 1n)) / K;
    if (next === x || abs(next - x) <= 1n) {
      for (const c of [next - 1n, next, next + 1n]) if (c >= 0n && c ** K === n) return c;
      return undefined;
    }
    x = next;
  }
  return undefined;
}

/** Nearest double; Unrepresentable outside the double range (beyond ±1e308 or a non-zero below 1e-308). */
export function toFloat(a: Rational): number {
  if (a.num === 0n) return 0;
  const shift = bitLength(a.num) - bitLength(a.den);
  // Scale so that the quotient has ~64 significant bits, then undo the scaling in float space.
  const scale = 64 - shift;
  const q = scale >= 0 ? (a.num << BigInt(scale)) / a.den : a.num / (a.den << BigInt(-scale));
  const exp2 = -scale;
  if (exp2 > 1100 || exp2 < -1150) throw new Unrepresentable('number outside the floating-point range');
  const v = Number(q) * Math.pow(2, exp2 / 2) * Math.pow(2, exp2 - exp2 / 2);
  if (!Number.isFinite(v) || v === 0) throw new Unrepresentable('number outside the floating-point range');
  return v;
}

/** toFloat, or `fallback` when the value is outside the double range. */
export function toFloatOr(a: Rational, fallback: number): number {
  try {
    return toFloat(a);
  } catch {
    return fallback;
  }
}

export function factorial(n: bigint): Rational {
  if (n < 0n) throw new Unrepresentable('factorial of a negative number');
  if (n > 6000n) throw new Unrepresentable('factorial too large to compute exactly');
  let r = 1n;
  for (let i = 2n; i <= n; i++) r *= i;
  return rational(r);
}

export function compare(a: Rational, b: Rational): number {
  const d = a.num * b.den - b.num * a.den;
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

export function toString(a: Rational): string {
  return a.den === 1n ? a.num.toString() : `${a.num}/${a.den}`;
}
