// The knobs of one math check, named as Math-Verify names them, and their JSON form (snake_case, as
// JSONL lines of `acereason verify math` and bodies of `POST /verify/math` carry them).

/** Where a final answer may be found (Math-Verify's extraction targets, plus the recipe's rule). */
export type ExtractionMode = 'boxed' | 'latex' | 'expr';
export const EXTRACTION_MODES: readonly ExtractionMode[] = ['boxed', 'latex', 'expr'];

export interface ComparisonOptions {
  /** Numbers that are not both exact are equal when they agree rounded to this many decimal places (Math-Verify's float_rounding). Default 6. */
  readonly precision?: number;
  /** Variables must match by name: f(x) ≠ f(y), x = 3 ≠ y = 3. Default true. */
  readonly strict?: boolean;
  /** Inequalities compare equal to the intervals they describe (x > 3 ⇔ (3, ∞)). Default false. */
  readonly allowSetRelation?: boolean;
  /** Relative tolerance for inexact values (floating-point noise, not rounding). Default 1e-9. */
  readonly relativeTolerance?: number;
}

export interface ExtractionOptions {
  /**
   * 'boxed': the last \boxed{} after </think>, nothing else (the recipe's reward).
   * 'latex': LaTeX in $…$, \(…\), \[…\] or \boxed{} (boxed first, then "answer is", then the last one).
   * 'expr':  plain numbers and expressions in running text.
   * Default ['latex', 'expr'].
   */
  readonly extract?: readonly ExtractionMode[];
  /** @deprecated use extract: ['boxed']. */
  readonly boxedOnly?: boolean;
}

export const DEFAULT_EXTRACT: readonly ExtractionMode[] = ['latex', 'expr'];
export const DEFAULT_PRECISION = 6;
export const MAX_PRECISION = 15;

export function extractionModes(opts: ExtractionOptions): readonly ExtractionMode[] {
  if (opts.extract && opts.extract.length > 0) return opts.extract;
  return opts.boxedOnly ? ['boxed'] : DEFAULT_EXTRACT;
}

export interface JsonMathOptions {
  extract?: ExtractionMode[];
  precision?: number;
  strict?: boolean;
  allowSetRelation?: boolean;
}

/** Reads `extract`, `precision`, `strict`, `allow_set_relation` from a request object; throws an Error naming the field. */
export function mathOptionsFromJson(o: Record<string, unknown>): JsonMathOptions {
  const out: JsonMathOptions = {};
  if (o.extract !== undefined) out.extract = parseExtract(o.extract, 'field "extract"');
  if (o.precision !== undefined) out.precision = parsePrecision(o.precision, 'field "precision"');
  if (o.strict !== undefined) {
    if (typeof o.strict !== 'boolean') throw new Error(`field "strict" must be true or false, got ${JSON.stringify(o.strict)}`);
    out.strict = o.strict;
  }
  if (o.allow_set_relation !== undefined) {
    if (typeof o.allow_set_relation !== 'boolean') throw new Error(`field "allow_set_relation" must be true or false, got ${JSON.stringify(o.allow_set_relation)}`);
    out.allowSetRelation = o.allow_set_relation;
  }
  return out;
}

/** `["boxed","latex"]` (JSON) or `"boxed,latex"` (a CLI flag). */
export function parseExtract(value: unknown, what: string): ExtractionMode[] {
  const list = typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter((s) => s !== '') : value;
  if (!Array.isArray(list) || list.length === 0) throw new Error(`${what} must be a non-empty list of ${EXTRACTION_MODES.map((m) => `"${m}"`).join(', ')}`);
  const modes: ExtractionMode[] = [];
  for (const m of list) {
    if (typeof m !== 'string' || !EXTRACTION_MODES.includes(m as ExtractionMode)) {
      throw new Error(`${what}: unknown extraction mode ${JSON.stringify(m)} (use ${EXTRACTION_MODES.map((x) => `"${x}"`).join(', ')})`);
    }
    if (!modes.includes(m as ExtractionMode)) modes.push(m as ExtractionMode);
  }
  return modes;
}

export function parsePrecision(value: unknown, what: string): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > MAX_PRECISION) {
    throw new Error(`${what} must be a whole number of decimal places from 0 to ${MAX_PRECISION}, got ${JSON.stringify(value)}`);
  }
  return n;
}
