// A number during evaluation: exact (a bigint rational) while every step allows it, otherwise an
// approximate complex float. Approximate results that leave the float range throw Unrepresentable
// rather than turning into Infinity, so an overflow can never compare equal to a real \infty.
import { Unrepresentable } from './budget';
import * as Q from './rational';

export type Value =
  | { readonly kind: 'exact'; readonly q: Q.Rational }
  | { readonly kind: 'approx'; readonly re: number; readonly im: number }
  /** Only from a literal \infty; sign is +1 or -1. */
  | { readonly kind: 'infinity'; readonly sign: 1 | -1 };

export const exact = (q: Q.Rational): Value => ({ kind: 'exact', q });
export const infinity = (sign: 1 | -1): Value => ({ kind: 'infinity', sign });

export function approx(re: number, im = 0): Value {
  if (!Number.isFinite(re) || !Number.isFinite(im)) throw new Unrepresentable('number outside the floating-point range');
  return { kind: 'approx', re, im: Math.abs(im) < 1e-300 ? 0 : im };
}

export function toComplex(v: Value): [number, number] {
  if (v.kind === 'exact') return [Q.toFloat(v.q), 0];
  if (v.kind === 'approx') return [v.re, v.im];
  throw new Unrepresentable('infinity in arithmetic');
}

function noInfinity(...vs: Value[]): void {
  if (vs.some((v) => v.kind === 'infinity')) throw new Unrepresentable('infinity in arithmetic');
}

export function add(a: Value, b: Value): Value {
  noInfinity(a, b);
  if (a.kind === 'exact' && b.kind === 'exact') return exact(Q.add(a.q, b.q));
  const [ar, ai] = toComplex(a), [br, bi] = toComplex(b);
  return approx(ar + br, ai + bi);
}

export function neg(a: Value): Value {
  if (a.kind === 'exact') return exact(Q.neg(a.q));
  if (a.kind === 'infinity') return infinity(a.sign === 1 ? -1 : 1);
  return approx(-a.re, -a.im);
}

export const sub = (a: Value, b: Value): Value => add(a, neg(b));

export function mul(a: Value, b: Value): Value {
  noInfinity(a, b);
  if (a.kind === 'exact' && b.kind === 'exact') return exact(Q.mul(a.q, b.q));
  const [ar, ai] = toComplex(a), [br, bi] = toComplex(b);
  return approx(ar * br - ai * bi, ar * bi + ai * br);
}

export function div(a: Value, b: Value): Value {
  noInfinity(a, b);
  if (a.kind === 'exact' && b.kind === 'exact') return exact(Q.div(a.q, b.q));
  const [ar, ai] = toComplex(a), [br, bi] = toComplex(b);
  const d = br * br + bi * bi;
  if (d === 0) throw new Unrepresentable('division by zero');
  return approx((ar * br + ai * bi) / d, (ai * br - ar * bi) / d);
}

function cexp(re: number, im: number): Value {
  const m = Math.exp(re);
  return approx(m * Math.cos(im), im === 0 ? 0 : m * Math.sin(im));
}

function clog(re: number, im: number): [number, number] {
  if (re === 0 && im === 0) throw new Unrepresentable('log of zero');
  return [Math.log(Math.hypot(re, im)), Math.atan2(im, re)];
}

export function pow(a: Value, b: Value): Value {
  noInfinity(a, b);
  if (b.kind === 'exact' && Q.isInteger(b.q) && a.kind === 'exact') return exact(Q.powInt(a.q, b.q.num));
  if (b.kind === 'exact' && a.kind === 'exact' && a.q.num >= 0n && b.q.den <= 64n) {
    // Rational powers of perfect powers stay exact: 8^{2/3} = 4.
    const root = Q.exactRoot(a.q, Number(b.q.den));
    if (root) return exact(Q.powInt(root, b.q.num));
  }
  const [ar, ai] = toComplex(a), [br, bi] = toComplex(b);
  if (ar === 0 && ai === 0) {
    if (br > 0) return approx(0);
    throw new Unrepresentable('zero to a non-positive power');
  }
  if (ai === 0 && bi === 0 && (ar > 0 || Number.isInteger(br))) return approx(Math.pow(ar, br));
  const [lr, li] = clog(ar, ai);
  return cexp(br * lr - bi * li, br * li + bi * lr);
}

export function sqrt(a: Value): Value {
  if (a.kind === 'exact') {
    const r = Q.exactRoot(a.q, 2);
    if (r) return exact(r);
  }
  return pow(a, exact(Q.rational(1n, 2n)));
}

export function ln(a: Value): Value {
  if (a.kind === 'exact' && Q.equal(a.q, Q.ONE)) return exact(Q.ZERO);
  const [re, im] = toComplex(a);
  const [lr, li] = clog(re, im);
  return approx(lr, li);
}

export function exp(a: Value): Value {
  if (a.kind === 'exact' && a.q.num === 0n) return exact(Q.ONE);
  const [re, im] = toComplex(a);
  return cexp(re, im);
}

/** Real-valued unary functions (trig and friends) on the real part; complex input is refused. */
export function realFunction(name: string, f: (x: number) => number, a: Value): Value {
  const [re, im] = toComplex(a);
  if (im !== 0) throw new Unrepresentable(`${name} of a complex number`);
  const y = f(re);
  if (Number.isNaN(y)) throw new Unrepresentable(`${name} outside its domain`);
  return approx(y);
}

export function describe(v: Value): string {
  if (v.kind === 'exact') return Q.toString(v.q);
  if (v.kind === 'infinity') return v.sign > 0 ? 'infinity' : '-infinity';
  return v.im === 0 ? String(v.re) : `${v.re}${v.im < 0 ? '-' : '+'}${Math.abs(v.im)}i`;
}
