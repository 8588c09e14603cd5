// Output comparison with LiveCodeBench semantics (lcb_runner/evaluation/testing_util.py).
//
// stdin/stdout: both sides are stripped and split into lines, each line stripped; the line counts must
// be equal; a line matches if it is textually equal, or else if both lines split on whitespace into
// the same number of tokens that are all valid Python `Decimal` literals and pairwise equal as exact
// decimals (no tolerance: 0.1 ≠ 0.10000001, but 1.0 = 1 and 1e2 = 100).
//
// Function call: the expected and actual JSON values are compared with Python's `==` on the values
// `json.loads` produces. Numbers are read losslessly (lossless-json) so big integers keep every digit,
// and Python's int/float/bool equality rules are reproduced (1 == 1.0 == True).
//
// With `floatTolerance` T > 0 (opt-in, for problems whose checker accepts rounding error), two numbers
// that are not equal by the rules above still match when math.isclose(a, b, rel_tol=T, abs_tol=T) holds:
// `0.30000000000000004` matches `0.3` at T = 1e-9. Integers that are exactly representable compare
// exactly either way; the tolerance only decides between values that differ.
import { isLosslessNumber, parse as parseLossless, type LosslessNumber } from 'lossless-json';

function strippedLines(text: string): string[] {
  return pyStrip(text).split('\n').map(pyStrip);
}

// Python's whitespace (str.isspace) differs from JS's \s: it includes U+001C..U+001F and U+0085 and
// excludes U+FEFF. strip() and split() use it.
const PY_WHITESPACE = '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const PY_STRIP = new RegExp(`^[${PY_WHITESPACE}]+|[${PY_WHITESPACE}]+$`, 'g');
const PY_SPLIT = new RegExp(`[${PY_WHITESPACE}]+`);

function pyStrip(s: string): string {
  return s.replace(PY_STRIP, '');
}

function pySplit(s: string): string[] {
  return s.split(PY_SPLIT).filter((t) => t !== '');
}

/** An exact decimal in canonical form, or the special values Python's Decimal accepts. */
type ExactDecimal = { kind: 'finite'; negative: boolean; digits: string; exponent: bigint } | { kind: 'inf'; negative: boolean } | { kind: 'nan' };

// Python's Decimal() string grammar (decimal.py `_parser`): sign, digits with optional single
// underscores between digits, optional fraction, optional exponent; Inf/Infinity/NaN/sNaN with payload.
const DECIMAL_FINITE = /^([+-])?(?=\d|\.\d)(\d+(?:_\d+)*)?(?:\.(\d+(?:_\d+)*)?)?(?:[eE]([+-]?\d+(?:_\d+)*))?$/;
const DECIMAL_INF = /^([+-])?(inf|infinity)$/i;
const DECIMAL_NAN = /^([+-])?s?nan\d*$/i;

export function parsePythonDecimal(token: string): ExactDecimal | undefined {
  const inf = DECIMAL_INF.exec(token);
  if (inf) return { kind: 'inf', negative: inf[1] === '-' };
  if (DECIMAL_NAN.test(token)) return { kind: 'nan' };
  const m = DECIMAL_FINITE.exec(token);
  if (!m) return undefined;
  const intPart = (m[2] ?? '').replace(/_/g, '');
  const fracPart = (m[3] ?? '').replace(/_/g, '');
  let exponent = BigInt((m[4] ?? '0').replace(/_/g, '')) - BigInt(fracPart.length);
  let digits = (intPart + fracPart).replace(/^0+/, '');
  if (digits === '') return { kind: 'finite', negative: false, digits: '0', exponent: 0n };
  const trailing = digits.length - digits.replace(/0+$/, '').length;
  digits = digits.slice(0, digits.length - trailing);
  exponent += BigInt(trailing);
  return { kind: 'finite', negative: m[1] === '-', digits, exponent };
}

function decimalsEqual(a: ExactDecimal, b: ExactDecimal): boolean {
  if (a.kind === 'nan' || b.kind === 'nan') return false;
  if (a.kind === 'inf' || b.kind === 'inf') return a.kind === b.kind && a.negative === b.negative;
  if (b.kind !== 'finite') return false;
  return a.negative === b.negative && a.digits === b.digits && a.exponent === b.exponent;
}

export interface CompareOptions {
  /** 0 (default): exact. Otherwise math.isclose(a, b, rel_tol=T, abs_tol=T) between numbers. */
  floatTolerance?: number;
}

/** math.isclose with rel_tol = abs_tol = tolerance; infinities only equal themselves, NaN nothing. */
export function closeWithin(a: number, b: number, tolerance: number): boolean {
  if (a === b) return true;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  const diff = Math.abs(a - b);
  return diff <= Math.max(tolerance * Math.max(Math.abs(a), Math.abs(b)), tolerance);
}

/** Python's float() of a Decimal-valid token (JS Number() does not know "inf" or digit separators). */
export function pyFloat(token: string): number {
  const t = token.replace(/_/g, '').toLowerCase();
  const sign = t.startsWith('-') ? -1 : 1;
  const body = t.replace(/^[+-]/, '');
  if (body === 'inf' || body === 'infinity') return sign * Infinity;
  if (body.endsWith('nan')) return NaN;
  return Number(t);
}

function lineTokensEqualAsDecimals(actual: string, expected: string, tolerance: number): boolean {
  const a = pySplit(actual);
  const e = pySplit(expected);
  if (a.length !== e.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = parsePythonDecimal(a[i]);
    const y = parsePythonDecimal(e[i]);
    if (!x || !y) return false;
    if (decimalsEqual(x, y)) continue;
    if (tolerance > 0 && closeWithin(pyFloat(a[i]), pyFloat(e[i]), tolerance)) continue;
    return false;
  }
  return true;
}

export interface StdoutComparison {
  equal: boolean;
  /** Why it differs, for the verdict shown to users (1-based line numbers). */
  reason?: string;
}

export function compareStdout(actual: string, expected: string, options: CompareOptions = {}): StdoutComparison {
  const tolerance = options.floatTolerance ?? 0;
  const a = strippedLines(actual);
  const e = strippedLines(expected);
  if (a.length !== e.length) return { equal: false, reason: `expected ${e.length} line(s), got ${a.length}` };
  for (let i = 0; i < a.length; i++) {
    if (a[i] === e[i]) continue;
    if (lineTokensEqualAsDecimals(a[i], e[i], tolerance)) continue;
    return { equal: false, reason: `line ${i + 1} differs` };
  }
  return { equal: true };
}

// ---- JSON values with Python equality ------------------------------------------------------------

type PyNumber = { int: bigint } | { float: number };

function pyNumber(n: LosslessNumber): PyNumber {
  const text = n.value;
  return /^-?\d+$/.test(text) ? { int: BigInt(text) } : { float: Number(text) };
}

function numbersEqual(a: PyNumber, b: PyNumber, tolerance: number): boolean {
  if (tolerance > 0 && ('float' in a || 'float' in b)) {
    const x = 'float' in a ? a.float : Number(a.int);
    const y = 'float' in b ? b.float : Number(b.int);
    if (closeWithin(x, y, tolerance)) return true;
  }
  if ('int' in a && 'int' in b) return a.int === b.int;
  if ('float' in a && 'float' in b) return a.float === b.float;
  const int = 'int' in a ? a.int : (b as { int: bigint }).int;
  const float = 'float' in a ? a.float : (b as { float: number }).float;
  // Python compares int and float exactly (no rounding of the int).
  return Number.isFinite(float) && Number.isInteger(float) && BigInt(float) === int;
}

function asNumber(v: unknown): PyNumber | undefined {
  if (isLosslessNumber(v)) return pyNumber(v as LosslessNumber);
  if (typeof v === 'boolean') return { int: v ? 1n : 0n }; // Python: True == 1
  return undefined;
}

export function pythonValuesEqual(a: unknown, b: unknown, tolerance = 0): boolean {
  const na = asNumber(a);
  const nb = asNumber(b);
  if (na || nb) return !!na && !!nb && numbersEqual(na, nb, tolerance);
  if (a === null || b === null) return a === b;
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => pythonValuesEqual(x, b[i], tolerance));
  }
  if (typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a as object);
    const kb = Object.keys(b as object);
    if (ka.length !== kb.length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k)
      && pythonValuesEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], tolerance));
  }
  return false;
}

/** Parses JSON keeping every digit of every number. */
export function parseJsonLossless(text: string): unknown {
  return parseLossless(text);
}

export function compareJson(actualJson: string, expectedJson: string, options: CompareOptions = {}): StdoutComparison {
  let expected: unknown;
  try {
    expected = parseJsonLossless(expectedJson);
  } catch (e) {
    throw new Error(`the expected output is not JSON: ${(e as Error).message}`);
  }
  let actual: unknown;
  try {
    actual = parseJsonLossless(actualJson);
  } catch {
    return { equal: false, reason: 'the return value is not JSON' };
  }
  return pythonValuesEqual(actual, expected, options.floatTolerance ?? 0) ? { equal: true } : { equal: false, reason: 'return value differs' };
}
