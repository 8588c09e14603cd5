// Deciding whether two answers are the same mathematical object. Numbers are compared exactly when
// both are exact (rationals), otherwise with a relative tolerance; expressions with variables are
// compared at several rational points (exactly where the expressions are rational functions);
// relations by the proportionality of (lhs - rhs); lists element-wise, in order unless both are sets
// or bare lists of solutions; brackets must match (an open interval is not a closed one).
import { Budget, Unrepresentable } from './budget';
import { compileLatexCached, evaluate, UnsupportedExpression, type CompiledExpression } from './evaluate';
import { canonicalText, choiceLabel, normalizeAnswer, splitChoiceLabel, MAX_ANSWER_CHARS } from './normalize';
import * as Q from './rational';
import { canonicalName, isNamedValue, parseAnswer, relationAsInterval, type Answer } from './structure';
import * as V from './value';
import { DEFAULT_PRECISION, type ComparisonOptions } from './options';

export type EquivalenceOptions = ComparisonOptions;

export interface Comparison {
  readonly equal: boolean;
  readonly reason: string;
}

export const DEFAULT_RELATIVE_TOLERANCE = 1e-9;

/** Below this magnitude an inexact value is float noise around an exact zero (sin π ≈ 1.2e-16). */
const ZERO_NOISE = 1e-13;
const SAMPLE_POINTS = [
  [13n, 10n], [7n, 4n], [2n, 3n], [29n, 11n], [5n, 7n], [17n, 5n], [11n, 9n], [41n, 13n],
] as const;
const REQUIRED_POINTS = 4;
const INTEGER_POINTS = [[3n, 1n], [5n, 1n], [4n, 1n], [7n, 1n], [6n, 1n], [9n, 1n], [8n, 1n], [11n, 1n]] as const;
const SMALL_POINTS = [[1n, 3n], [2n, 5n], [3n, 7n], [1n, 4n], [4n, 9n], [2n, 7n], [5n, 8n], [1n, 6n]] as const;
/** Negative points catch |x| vs x and \sqrt{x^2} vs x; they only count where both sides are real,
 *  since branch cuts make \sqrt{1/n} and 1/\sqrt{n} differ there while they agree for n > 0. */
const NEGATIVE_POINTS = [[-7n, 5n], [-13n, 4n], [-5n, 9n]] as const;

const yes = (reason: string): Comparison => ({ equal: true, reason });
const no = (reason: string): Comparison => ({ equal: false, reason });

export function answersEquivalent(gold: string, pred: string, budget: Budget, opts: EquivalenceOptions = {}): Comparison {
  const tol = opts.relativeTolerance ?? DEFAULT_RELATIVE_TOLERANCE;
  if (gold.length > MAX_ANSWER_CHARS || pred.length > MAX_ANSWER_CHARS) {
    return canonicalText(gold) === canonicalText(pred)
      ? yes('identical text (too long to parse)')
      : no(`answer longer than ${MAX_ANSWER_CHARS} characters; compared as text only and they differ`);
  }
  const g = normalizeAnswer(gold);
  const p = normalizeAnswer(pred);
  if (canonicalText(g.text) === canonicalText(p.text) && g.percent === p.percent) return yes('identical after normalisation');
  // Yes / no / odd / east: a word in another case is the same word.
  if (/^[A-Za-z]{2,}$/.test(g.text) && g.text.toLowerCase() === p.text.toLowerCase()) return yes('same word');
  if (p.text === '') return no('empty answer');
  // Multiple choice: "(B) 26" is graded by its value, unless the reference itself is a label.
  const goldLabel = choiceLabel(g.text);
  const predChoice = splitChoiceLabel(p.text);
  if (goldLabel) {
    const predLabel = choiceLabel(p.text) ?? predChoice.label;
    if (predLabel) return predLabel === goldLabel ? yes(`same choice (${goldLabel})`) : no(`choice ${predLabel} ≠ ${goldLabel}`);
  } else if (predChoice.label) {
    const r = answersEquivalent(gold, predChoice.value, budget, opts);
    return { equal: r.equal, reason: `${r.reason} (ignoring the choice label (${predChoice.label}))` };
  }
  const cmp = new Comparer(budget, tol, opts);
  const direct = cmp.answers(parseAnswer(g.text), parseAnswer(p.text));
  if (direct.equal || g.percent === p.percent) return direct;
  // 50\% against 0.5: try the percent side as a fraction of 100 as well.
  const scaled = g.percent ? cmp.answers(parseAnswer(`\\frac{${g.text}}{100}`), parseAnswer(p.text)) : cmp.answers(parseAnswer(g.text), parseAnswer(`\\frac{${p.text}}{100}`));
  return scaled.equal ? yes(`${scaled.reason} (reading the percentage as a fraction)`) : direct;
}

type Relation = Extract<Answer, { kind: 'relation' }>;

/** `x = 3`, `(p, q) = (3, 2)`, `f(x) = x^2`, and working ending in a value (`5+5+1 = 11`): their value is the right-hand side. */
function assignedValue(rel: Relation): boolean {
  return rel.op === '=' && (isNamedValue(rel.lhs) || rel.chain === true || !/[A-Za-z]/.test(rel.lhs.replace(/\\[A-Za-z]+/g, '')));
}

class Comparer {
  private readonly precision: number;
  private readonly strict: boolean;
  private readonly setRelation: boolean;

  constructor(private readonly budget: Budget, private readonly tol: number, opts: ComparisonOptions) {
    this.precision = opts.precision ?? DEFAULT_PRECISION;
    this.strict = opts.strict ?? true;
    this.setRelation = opts.allowSetRelation ?? false;
  }

  answers(g: Answer, p: Answer): Comparison {
    this.budget.tick(10);
    if (g.kind === 'text' || p.kind === 'text') return this.text(g.source, p.source);
    if (g.kind === 'relation' && p.kind === 'relation') return this.relations(g, p);
    if (g.kind === 'relation' || p.kind === 'relation') {
      const rel = (g.kind === 'relation' ? g : p) as Relation;
      const other = g.kind === 'relation' ? p : g;
      if (assignedValue(rel)) {
        const value = parseAnswer(rel.rhs);
        const r = rel === g ? this.answers(value, other) : this.answers(other, value);
        return r.equal ? yes(`${r.reason} (ignoring '${rel.lhs} =')`) : r;
      }
      const asInterval = other.kind === 'list' && other.open !== '' && other.open !== '{' ? relationAsInterval(rel) : undefined;
      if (asInterval) {
        if (!this.setRelation) return no(`${rel.source} is an inequality and the other answer an interval (set–relation comparison is off)`);
        const r = rel === g ? this.answers(asInterval, other) : this.answers(other, asInterval);
        return r.equal ? yes(`${r.reason} (reading ${rel.source} as an interval)`) : r;
      }
      return no(`one answer is a relation (${rel.source}) and the other is not`);
    }
    if (g.kind === 'list' || p.kind === 'list') return this.lists(g, p);
    if (g.kind === 'union' || p.kind === 'union') {
      if (g.kind !== 'union' || p.kind !== 'union') return no('one answer is a union of sets and the other is not');
      return this.unordered(g.parts, p.parts, 'union parts');
    }
    if (g.kind === 'matrix' || p.kind === 'matrix') {
      if (g.kind !== 'matrix' || p.kind !== 'matrix') return no('one answer is a matrix and the other is not');
      if (g.rows.length !== p.rows.length || g.rows.some((r, i) => r.length !== p.rows[i].length)) return no('matrices of different shapes');
      for (let i = 0; i < g.rows.length; i++) {
        for (let j = 0; j < g.rows[i].length; j++) {
          const c = this.answers(g.rows[i][j], p.rows[i][j]);
          if (!c.equal) return no(`matrix entry (${i + 1},${j + 1}) differs: ${c.reason}`);
        }
      }
      return yes('matrices equal entry by entry');
    }
    return this.expressions(g.source, p.source);
  }

  private text(g: string, p: string): Comparison {
    const clean = (s: string) => s.toLowerCase().replace(/\\text\{([^{}]*)\}/g, '$1').replace(/[\s{}()."'`*]/g, '');
    return clean(g) === clean(p) ? yes('same text') : no('different text');
  }

  private lists(g: Answer, p: Answer): Comparison {
    const ratio = (a: Answer) => a.kind === 'list' && a.open === ':' && a.items.length === 2;
    if (ratio(g) || ratio(p)) return this.ratios(g, p);
    if (g.kind !== 'list' || p.kind !== 'list') {
      const list = (g.kind === 'list' ? g : p) as Extract<Answer, { kind: 'list' }>;
      const single = g.kind === 'list' ? p : g;
      if (list.items.length === 1 && (list.open === '{' || list.open === '')) return this.answers(list.items[0], single);
      return no(`one answer is a list of ${list.items.length} and the other a single value`);
    }
    const unordered = (b: string) => b === '{' || b === '';
    // (2, 3) against "x = 2, y = 3": the assigned values, in order.
    const assignments = (a: Extract<Answer, { kind: 'list' }>) => a.open === '' && a.items.every((i) => i.kind === 'relation' && assignedValue(i));
    if ((g.open === '(' && assignments(p)) || (p.open === '(' && assignments(g))) {
      const values = (a: Extract<Answer, { kind: 'list' }>): Answer => (a.open === '' ? { ...a, open: '(', close: ')', items: a.items.map((i) => parseAnswer((i as Relation).rhs)) } : a);
      const r = this.lists(values(g), values(p));
      return r.equal ? yes(`${r.reason} (reading the assignments as a tuple)`) : r;
    }
    if (unordered(g.open) && unordered(p.open)) return this.unordered(g.items, p.items, 'elements');
    if (!!g.fromRelation !== !!p.fromRelation && !this.setRelation) {
      return no(`${(g.fromRelation ? g : p).source} is an inequality and the other answer an interval (set–relation comparison is off)`);
    }
    if (g.open !== p.open || g.close !== p.close) return no(`brackets differ: ${g.open || '∅'}…${g.close || '∅'} vs ${p.open || '∅'}…${p.close || '∅'}`);
    if (g.items.length !== p.items.length) return no(`${g.items.length} elements vs ${p.items.length}`);
    for (let i = 0; i < g.items.length; i++) {
      const c = this.answers(g.items[i], p.items[i]);
      if (!c.equal) return no(`element ${i + 1} differs: ${c.reason}`);
    }
    return yes(`all ${g.items.length} elements equal in order`);
  }

  /** a:b equals c:d when ad = bc (2:6 is 1:3), and equals the number a/b. */
  private ratios(g: Answer, p: Answer): Comparison {
    const asFraction = (a: Answer) => a.kind === 'list' && a.open === ':' && a.items.length === 2 ? `\\frac{${a.items[0].source}}{${a.items[1].source}}` : a.source;
    if (g.kind === 'list' && p.kind === 'list' && g.open === ':' && p.open === ':') {
      if (g.items.length !== p.items.length) return no(`${g.items.length} parts vs ${p.items.length}`);
      const r = this.expressions(`(${g.items[0].source})(${p.items[1].source})`, `(${g.items[1].source})(${p.items[0].source})`);
      return r.equal ? yes('same ratio') : no(`different ratios: ${r.reason}`);
    }
    if (g.kind === 'list' && p.kind === 'list') return no('one answer is a ratio and the other a list');
    const r = this.expressions(asFraction(g), asFraction(p));
    return r.equal ? yes(`${r.reason} (reading the ratio as a fraction)`) : r;
  }

  private unordered(gs: readonly Answer[], ps: readonly Answer[], what: string): Comparison {
    if (gs.length !== ps.length) return no(`${gs.length} ${what} vs ${ps.length}`);
    const used = new Array<boolean>(ps.length).fill(false);
    for (let i = 0; i < gs.length; i++) {
      const j = ps.findIndex((p, k) => !used[k] && this.answers(gs[i], p).equal);
      if (j < 0) return no(`no match for ${what.replace(/s$/, '')} '${gs[i].source}'`);
      used[j] = true;
    }
    return yes(`same ${gs.length} ${what} (any order)`);
  }

  private relations(g: Extract<Answer, { kind: 'relation' }>, p: Extract<Answer, { kind: 'relation' }>): Comparison {
    if (g.op !== p.op) return no(`different relations (${g.op} vs ${p.op})`);
    if (assignedValue(g) && assignedValue(p)) {
      if (this.strict && isNamedValue(g.lhs) && isNamedValue(p.lhs) && canonicalName(g.lhs) !== canonicalName(p.lhs)) {
        return no(`assigns ${p.lhs} where the reference assigns ${g.lhs} (strict)`);
      }
      const r = this.answers(parseAnswer(g.rhs), parseAnswer(p.rhs));
      return r.equal ? yes(`right-hand sides equal: ${r.reason}`) : no(`right-hand sides differ: ${r.reason}`);
    }
    // a = b and c = d are the same equation when (a - b) = k (c - d) for a constant k ≠ 0 (k > 0 for
    // inequalities, which must keep their direction).
    const dg = this.compile(`(${g.lhs})-(${g.rhs})`);
    const dp = this.compile(`(${p.lhs})-(${p.rhs})`);
    if (dg instanceof Error || dp instanceof Error) return this.textFallback(g.source, p.source, dg instanceof Error ? dg : (dp as Error));
    let ratio: [number, number] | undefined;
    let points = 0;
    const vars = union(dg.variables, dp.variables);
    for (let j = 0; j < SAMPLE_POINTS.length && points < REQUIRED_POINTS + 1; j++) {
      const env = pointEnv(vars, j);
      const a = this.tryEval(dg, env);
      const b = this.tryEval(dp, env);
      if (!a || !b) continue;
      const [ar, ai] = safeComplex(a), [br, bi] = safeComplex(b);
      if (![ar, ai, br, bi].every(Number.isFinite)) continue;
      if (Math.hypot(ar, ai) < ZERO_NOISE && Math.hypot(br, bi) < ZERO_NOISE) {
        points++;
        continue;
      }
      if (Math.hypot(ar, ai) < ZERO_NOISE || Math.hypot(br, bi) < ZERO_NOISE) return no(`the relations differ at ${describeEnv(env)}`);
      const d = ar * ar + ai * ai;
      const k: [number, number] = [(br * ar + bi * ai) / d, (bi * ar - br * ai) / d];
      if (!ratio) ratio = k;
      else if (Math.hypot(k[0] - ratio[0], k[1] - ratio[1]) > this.tol * Math.hypot(...ratio) + ZERO_NOISE) return no(`not the same relation: (lhs - rhs) not proportional (checked at ${describeEnv(env)})`);
      points++;
    }
    if (points < REQUIRED_POINTS) return this.textFallback(g.source, p.source, new Error('could not evaluate the relations at enough points'));
    if (ratio && g.op !== '=' && g.op !== '!=' && !(ratio[0] > 0 && Math.abs(ratio[1]) < ZERO_NOISE)) return no('the inequalities point in opposite directions');
    return yes(`same relation (lhs - rhs proportional${vars.length ? ` at ${points} points` : ''})`);
  }

  private compile(latex: string): CompiledExpression | Error {
    this.budget.tick(Math.ceil(latex.length / 8));
    return compileLatexCached(latex);
  }

  private tryEval(expr: CompiledExpression, env: Map<string, V.Value>): V.Value | undefined {
    try {
      return evaluate(expr, env, this.budget);
    } catch (e) {
      if (e instanceof Unrepresentable || e instanceof UnsupportedExpression) return undefined;
      throw e;
    }
  }

  private textFallback(g: string, p: string, why: Error): Comparison {
    if (canonicalText(g) === canonicalText(p)) return yes('identical text');
    return no(`could not compare mathematically (${why.message}); the texts differ`);
  }

  expressions(gs: string, ps: string): Comparison {
    const g = this.compile(gs);
    const p = this.compile(ps);
    if (g instanceof Error || p instanceof Error) {
      const err = (g instanceof Error ? g : p) as Error;
      const which = g instanceof Error ? 'gold' : 'answer';
      return this.textFallback(gs, ps, new Error(`${which} '${(g instanceof Error ? gs : ps).slice(0, 60)}' not understood: ${err.message}`));
    }
    // Rounding to `precision` places is for answers someone typed as decimals (0.0833333 for 1/12),
    // not for exact forms that happen to be close (355/113 is not \pi).
    const decimals = DECIMAL_LITERAL.test(gs) || DECIMAL_LITERAL.test(ps);
    const direct = this.sampled(g, p, decimals, undefined);
    if (direct.equal || this.strict) return direct;
    for (const rename of renamings(g.variables, p.variables)) {
      const renamed = this.sampled(g, p, decimals, rename);
      if (renamed.equal) return yes(`${renamed.reason} (variables renamed: ${[...rename].map(([a, b]) => `${displayVar(a)}→${displayVar(b)}`).join(', ')}; strict is off)`);
    }
    return direct;
  }

  /** Compares at sample points; `rename` maps the answer's variables onto the reference's. */
  private sampled(g: CompiledExpression, p: CompiledExpression, decimals: boolean, rename: ReadonlyMap<string, string> | undefined): Comparison {
    return this.sampledAt(g, p, decimals, rename, g.integerDomain || p.integerDomain ? INTEGER_POINTS : SAMPLE_POINTS);
  }

  private sampledAt(g: CompiledExpression, p: CompiledExpression, decimals: boolean, rename: ReadonlyMap<string, string> | undefined, points: ReadonlyArray<readonly [bigint, bigint]>): Comparison {
    const pVars = rename ? p.variables.map((v) => rename.get(v) ?? v) : p.variables;
    const vars = union(g.variables, pVars);
    const pEnv = (env: Map<string, V.Value>) => {
      if (!rename) return env;
      const out = new Map(env);
      for (const [from, to] of rename) out.set(from, env.get(to)!);
      return out;
    };
    if (vars.length === 0) {
      let a: V.Value, b: V.Value;
      try {
        a = evaluate(g, new Map(), this.budget);
        b = evaluate(p, new Map(), this.budget);
      } catch (e) {
        if (e instanceof Unrepresentable || e instanceof UnsupportedExpression) return this.textFallback(g.source, p.source, e);
        throw e;
      }
      return this.values(a, b, '', decimals);
    }
    // Sums with a variable bound (\sum_{k=1}^{n}) are sampled at whole numbers (INTEGER_POINTS).
    let count = 0;
    let allExact = true;
    for (let j = 0; j < points.length && count < REQUIRED_POINTS; j++) {
      const env = pointEnv(vars, j, points, points === INTEGER_POINTS);
      const a = this.tryEval(g, env);
      const b = this.tryEval(p, pEnv(env));
      if (!a || !b) {
        if (!a !== !b) return no(`one side is undefined at ${describeEnv(env)} and the other is not`);
        continue;
      }
      const c = this.values(a, b, ` at ${describeEnv(env)}`, decimals);
      if (!c.equal) return c;
      allExact &&= a.kind === 'exact' && b.kind === 'exact';
      count++;
    }
    if (count < REQUIRED_POINTS && points === SAMPLE_POINTS) {
      // arcsin x, \sqrt{1 - x^2}: defined only on a small domain; try points inside (0, 1).
      return this.sampledAt(g, p, decimals, rename, SMALL_POINTS);
    }
    if (count < REQUIRED_POINTS) return this.textFallback(g.source, p.source, new Error('could not evaluate at enough points'));
    if (!(g.integerDomain || p.integerDomain)) {
      for (let j = 0; j < NEGATIVE_POINTS.length; j++) {
        const env = pointEnv(vars, j, NEGATIVE_POINTS);
        const a = this.tryEval(g, env);
        const b = this.tryEval(p, pEnv(env));
        if (!a || !b || isComplex(a) || isComplex(b)) continue;
        const c = this.values(a, b, ` at ${describeEnv(env)}`, decimals);
        if (!c.equal) return c;
      }
    }
    return yes(`equal as expressions in ${vars.map(displayVar).join(', ')} (${allExact ? 'exactly' : 'numerically'} at ${count} points)`);
  }

  private values(a: V.Value, b: V.Value, where: string, decimals = false): Comparison {
    if (a.kind === 'infinity' || b.kind === 'infinity') {
      return a.kind === b.kind && (a as { sign: number }).sign === (b as { sign: number }).sign ? yes('both infinite') : no(`${shortValue(a)} ≠ ${shortValue(b)}${where}`);
    }
    if (a.kind === 'exact' && b.kind === 'exact') {
      if (Q.equal(a.q, b.q)) return yes(`exactly equal${where}`);
      if (!decimals) return no(`${shortValue(a)} ≠ ${shortValue(b)}${where}`);
    }
    let ar: number, ai: number, br: number, bi: number;
    try {
      [ar, ai] = V.toComplex(a);
      [br, bi] = V.toComplex(b);
    } catch {
      return no(`values not comparable in floating point${where}`);
    }
    const diff = Math.hypot(ar - br, ai - bi);
    const scale = Math.max(Math.hypot(ar, ai), Math.hypot(br, bi));
    const zeroNoise = (v: V.Value, mag: number) => v.kind !== 'exact' && mag < ZERO_NOISE;
    if (!(a.kind === 'exact' && b.kind === 'exact') && diff <= this.tol * scale) return yes(`numerically equal${where} (relative tolerance ${this.tol})`);
    if ((a.kind === 'exact' && a.q.num === 0n && zeroNoise(b, Math.hypot(br, bi))) || (b.kind === 'exact' && b.q.num === 0n && zeroNoise(a, Math.hypot(ar, ai)))) {
      return yes(`equal to zero up to rounding${where}`);
    }
    if (decimals && roundedEqual(ar, br, this.precision) && roundedEqual(ai, bi, this.precision)) {
      return yes(`equal rounded to ${this.precision} decimal places${where}`);
    }
    return no(`${shortValue(a)} ≠ ${shortValue(b)}${where}`);
  }
}

/** A number typed with a decimal point (not a version of an exact form). */
const DECIMAL_LITERAL = /\d\.\d|(?<![\d.])\.\d/;

/** Equal when rounded to `places` decimals; values too small to show at that precision must be equal outright. */
function roundedEqual(a: number, b: number, places: number): boolean {
  if (a === b) return true;
  const unit = Math.pow(10, -places);
  if (Math.abs(a) < unit && Math.abs(b) < unit) return false;
  const f = Math.pow(10, places);
  return Math.round(a * f) === Math.round(b * f);
}

/** Non-strict matching: every way the answer's variables can stand for the reference's (f(y) = y^2 for f(x) = x^2), identity excluded; at most 4 variables. */
function renamings(gold: readonly string[], pred: readonly string[]): Array<Map<string, string>> {
  if (gold.length === 0 || gold.length !== pred.length || gold.length > 4) return [];
  const out: Array<Map<string, string>> = [];
  const permute = (rest: readonly string[], chosen: string[]) => {
    if (rest.length === 0) {
      const map = new Map(pred.map((v, i) => [v, chosen[i]]));
      if (![...map].every(([a, b]) => a === b)) out.push(map);
      return;
    }
    rest.forEach((v, i) => permute([...rest.slice(0, i), ...rest.slice(i + 1)], [...chosen, v]));
  };
  permute(gold, []);
  return out;
}

function union(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])].sort();
}

function isComplex(v: V.Value): boolean {
  return v.kind === 'approx' && v.im !== 0;
}

function pointEnv(vars: readonly string[], j: number, points: ReadonlyArray<readonly [bigint, bigint]> = SAMPLE_POINTS, integers = false): Map<string, V.Value> {
  const env = new Map<string, V.Value>();
  vars.forEach((name, v) => {
    const [n, d] = points[(j + 3 * v) % points.length];
    // Shift each variable differently so that no two variables share a value at any point.
    const shift = integers ? Q.rational(BigInt(v) * 2n) : points === SMALL_POINTS ? Q.rational(BigInt(v), 41n) : Q.rational(BigInt(v) * 3n, 17n);
    env.set(name, V.exact(Q.add(Q.rational(n, d), shift)));
  });
  return env;
}

function describeEnv(env: Map<string, V.Value>): string {
  return [...env].map(([k, v]) => `${displayVar(k)}=${V.describe(v)}`).join(', ');
}

function displayVar(name: string): string {
  return name.replace(/^v_/, '').replace(/^base_(\w+?)_(\w+)$/, '$1 (base $2)');
}

function shortValue(v: V.Value): string {
  const s = V.describe(v);
  return s.length > 40 ? `${s.slice(0, 18)}…${s.slice(-18)} (${s.length} chars)` : s;
}

function safeComplex(v: V.Value): [number, number] {
  try {
    return V.toComplex(v);
  } catch {
    return [NaN, NaN];
  }
}
