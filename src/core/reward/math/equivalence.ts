// Deciding whether two answers are the same mathematical object. Numbers are compared exactly when
// both are exact (rationals), otherwise with a relative tolerance; expressions with variables are
// compared at several rational points (exactly where the expressions are rational functions);
// relations by the proportionality of (lhs - rhs); lists element-wise, in order unless both are sets
// or bare lists of solutions; brackets must match (an open interval is not a closed one).
import { Budget, Unrepresentable } from './budget';
import { compileLatexCached, evaluate, UnsupportedExpression, type CompiledExpression } from './evaluate';
import { TranslateError } from './latexToMathjs';
import { canonicalText, choiceLabel, normalizeAnswer, splitChoiceLabel, MAX_ANSWER_CHARS } from './normalize';
import * as Q from './rational';
import { isNamedValue, parseAnswer, relationAsInterval, type Answer } from './structure';
import * as V from './value';

export interface EquivalenceOptions {
  /** Relative tolerance for numbers that are not both exact rationals. Default 1e-9. */
  readonly relativeTolerance?: number;
}

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
  const cmp = new Comparer(budget, tol);
  const direct = cmp.answers(parseAnswer(g.text), parseAnswer(p.text));
  if (direct.equal || g.percent === p.percent) return direct;
  // 50\% against 0.5: try the percent side as a fraction of 100 as well.
  const scaled = g.percent ? cmp.answers(parseAnswer(`\\frac{${g.text}}{100}`), parseAnswer(p.text)) : cmp.answers(parseAnswer(g.text), parseAnswer(`\\frac{${p.text}}{100}`));
  return scaled.equal ? yes(`${scaled.reason} (reading the percentage as a fraction)`) : direct;
}

class Comparer {
  constructor(private readonly budget: Budget, private readonly tol: number) {}

  answers(g: Answer, p: Answer): Comparison {
    this.budget.tick(10);
    if (g.kind === 'text' || p.kind === 'text') return this.text(g.source, p.source);
    if (g.kind === 'relation' && p.kind === 'relation') return this.relations(g, p);
    if (g.kind === 'relation' || p.kind === 'relation') {
      const rel = (g.kind === 'relation' ? g : p) as Extract<Answer, { kind: 'relation' }>;
      const other = g.kind === 'relation' ? p : g;
      if (rel.op === '=' && isNamedValue(rel.lhs)) {
        const r = this.answers(rel === g ? { kind: 'expr', source: rel.rhs } : other, rel === g ? other : { kind: 'expr', source: rel.rhs });
        return r.equal ? yes(`${r.reason} (ignoring '${rel.lhs} =')`) : r;
      }
      const asInterval = other.kind === 'list' && other.open !== '' && other.open !== '{' ? relationAsInterval(rel) : undefined;
      if (asInterval) {
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
    if (g.kind !== 'list' || p.kind !== 'list') {
      const list = (g.kind === 'list' ? g : p) as Extract<Answer, { kind: 'list' }>;
      const single = g.kind === 'list' ? p : g;
      if (list.items.length === 1 && (list.open === '{' || list.open === '')) return this.answers(list.items[0], single);
      return no(`one answer is a list of ${list.items.length} and the other a single value`);
    }
    const unordered = (b: string) => b === '{' || b === '';
    if (unordered(g.open) && unordered(p.open)) return this.unordered(g.items, p.items, 'elements');
    if (g.open !== p.open || g.close !== p.close) return no(`brackets differ: ${g.open || '∅'}…${g.close || '∅'} vs ${p.open || '∅'}…${p.close || '∅'}`);
    if (g.items.length !== p.items.length) return no(`${g.items.length} elements vs ${p.items.length}`);
    for (let i = 0; i < g.items.length; i++) {
      const c = this.answers(g.items[i], p.items[i]);
      if (!c.equal) return no(`element ${i + 1} differs: ${c.reason}`);
    }
    return yes(`all ${g.items.length} elements equal in order`);
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
    if (g.op === '=' && isNamedValue(g.lhs) && isNamedValue(p.lhs)) {
      const r = this.expressions(g.rhs, p.rhs);
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
      return this.textFallback(gs, ps, new Error(`${which} '${(g instanceof Error ? gs : ps).slice(0, 60)}' not understood: ${err instanceof TranslateError ? err.message : err.message}`));
    }
    const vars = union(g.variables, p.variables);
    if (vars.length === 0) {
      let a: V.Value, b: V.Value;
      try {
        a = evaluate(g, new Map(), this.budget);
        b = evaluate(p, new Map(), this.budget);
      } catch (e) {
        if (e instanceof Unrepresentable || e instanceof UnsupportedExpression) return this.textFallback(gs, ps, e);
        throw e;
      }
      return this.values(a, b, '');
    }
    let points = 0;
    let allExact = true;
    for (let j = 0; j < SAMPLE_POINTS.length && points < REQUIRED_POINTS; j++) {
      const env = pointEnv(vars, j);
      const a = this.tryEval(g, env);
      const b = this.tryEval(p, env);
      if (!a || !b) {
        if (!a !== !b) return no(`one side is undefined at ${describeEnv(env)} and the other is not`);
        continue;
      }
      const c = this.values(a, b, ` at ${describeEnv(env)}`);
      if (!c.equal) return c;
      allExact &&= a.kind === 'exact' && b.kind === 'exact';
      points++;
    }
    if (points < REQUIRED_POINTS) return this.textFallback(gs, ps, new Error('could not evaluate at enough points'));
    for (let j = 0; j < NEGATIVE_POINTS.length; j++) {
      const env = pointEnv(vars, j, NEGATIVE_POINTS);
      const a = this.tryEval(g, env);
      const b = this.tryEval(p, env);
      if (!a || !b || isComplex(a) || isComplex(b)) continue;
      const c = this.values(a, b, ` at ${describeEnv(env)}`);
      if (!c.equal) return c;
    }
    return yes(`equal as expressions in ${vars.map(displayVar).join(', ')} (${allExact ? 'exactly' : 'numerically'} at ${points} points)`);
  }

  private values(a: V.Value, b: V.Value, where: string): Comparison {
    if (a.kind === 'infinity' || b.kind === 'infinity') {
      return a.kind === b.kind && (a as { sign: number }).sign === (b as { sign: number }).sign ? yes('both infinite') : no(`${shortValue(a)} ≠ ${shortValue(b)}${where}`);
    }
    if (a.kind === 'exact' && b.kind === 'exact') {
      return Q.equal(a.q, b.q) ? yes(`exactly equal${where}`) : no(`${shortValue(a)} ≠ ${shortValue(b)}${where}`);
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
    const zeroNoise = (v: V.Value, mag: number) => v.kind === 'exact' && v.q.num === 0n ? false : mag < ZERO_NOISE;
    if (diff <= this.tol * scale) return yes(`numerically equal${where} (relative tolerance ${this.tol})`);
    if ((a.kind === 'exact' && a.q.num === 0n && zeroNoise(b, Math.hypot(br, bi))) || (b.kind === 'exact' && b.q.num === 0n && zeroNoise(a, Math.hypot(ar, ai)))) {
      return yes(`equal to zero up to rounding${where}`);
    }
    return no(`${shortValue(a)} ≠ ${shortValue(b)}${where}`);
  }
}

function union(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])].sort();
}

function isComplex(v: V.Value): boolean {
  return v.kind === 'approx' && v.im !== 0;
}

function pointEnv(vars: readonly string[], j: number, points: ReadonlyArray<readonly [bigint, bigint]> = SAMPLE_POINTS): Map<string, V.Value> {
  const env = new Map<string, V.Value>();
  vars.forEach((name, v) => {
    const [n, d] = points[(j + 3 * v) % points.length];
    // Shift each variable differently so that no two variables share a value at any point.
    env.set(name, V.exact(Q.add(Q.rational(n, d), Q.rational(BigInt(v) * 3n, 17n))));
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
