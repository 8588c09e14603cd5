// Evaluates a translated expression (the tree of parseTokens.ts) to a Value, exactly where possible,
// under a step and time budget: 10^10^10^10 must end with a verdict, not a hang.
import { Budget, Unrepresentable } from './budget';
import { latexToTokens, TranslateError } from './latexTokens';
import { parseTokens, walk, type ExprNode } from './parseTokens';
import * as Q from './rational';
import * as V from './value';

export class UnsupportedExpression extends Error {}

export interface CompiledExpression {
  readonly node: ExprNode;
  readonly literals: ReadonlyMap<string, Q.Rational>;
  /** Free variables, sorted (placeholders and constants excluded). */
  readonly variables: readonly string[];
  /** The token text, for reasons and debugging. */
  readonly text: string;
  /** The LaTeX it came from. */
  readonly source: string;
  /** A sum or product has a variable bound: sample variables at whole numbers. */
  readonly integerDomain: boolean;
}

/** Iterations allowed in one \sum or \prod (the budget bounds the total as well). */
const MAX_TERMS = 10_000;

export function compileLatex(latex: string): CompiledExpression {
  const t = latexToTokens(latex);
  let node: ExprNode;
  try {
    node = parseTokens(t.tokens);
  } catch (e) {
    if (e instanceof RangeError) throw new TranslateError('expression nested too deeply');
    if (e instanceof TranslateError) throw new TranslateError(`cannot parse '${latex.slice(0, 80)}': ${e.message}`);
    throw e;
  }
  const vars = new Set<string>();
  const bound = new Set<string>();
  let integerDomain = false;
  walk(node, (n) => {
    if (n.type === 'SymbolNode' && (n.name.startsWith('v_') || n.name.startsWith('base_'))) vars.add(n.name);
    if (n.type === 'FunctionNode' && BIG_OPERATORS.has(n.fn.name)) {
      const index = n.args[0];
      if (index.type === 'SymbolNode') bound.add(index.name);
      integerDomain = true;
    }
  });
  // A summation index is bound, not free: \sum_{k=1}^{3} k has no variables.
  for (const b of bound) vars.delete(b);
  return { node, literals: t.literals, variables: [...vars].sort(), text: t.text, source: latex, integerDomain: integerDomain && vars.size > 0 };
}

// Translating and parsing cost more than evaluating; in RL the same reference is graded for every rollout of
// its prompt, and common answers repeat, so parses are kept in a small LRU (immutable, safe to share).
const CACHE_SIZE = 4096;
const cache = new Map<string, CompiledExpression | Error>();

/** compileLatex with a process-wide LRU; a failure is cached (and returned) as its Error. */
export function compileLatexCached(latex: string): CompiledExpression | Error {
  const hit = cache.get(latex);
  if (hit) {
    cache.delete(latex);
    cache.set(latex, hit);
    return hit;
  }
  let result: CompiledExpression | Error;
  try {
    result = compileLatex(latex);
  } catch (e) {
    result = e instanceof Error ? e : new Error(String(e));
  }
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  cache.set(latex, result);
  return result;
}

type Env = ReadonlyMap<string, V.Value>;

type AnyNode = ExprNode;

export function evaluate(expr: CompiledExpression, env: Env, budget: Budget): V.Value {
  return evalNode(expr.node, expr.literals, env, budget);
}

function evalNode(node: AnyNode, lits: ReadonlyMap<string, Q.Rational>, env: Env, budget: Budget): V.Value {
  budget.tick();
  const ev = (n: AnyNode) => evalNode(n, lits, env, budget);
  switch (node.type) {
    case 'ParenthesisNode':
      return ev(node.content);
    case 'SymbolNode': {
      const name = node.name;
      const lit = lits.get(name);
      if (lit) return V.exact(lit);
      if (name === 'pi') return V.approx(Math.PI);
      if (name === 'e') return V.approx(Math.E);
      if (name === 'i') return V.approx(0, 1);
      if (name === 'Infinity') return V.infinity(1);
      const bound = env.get(name);
      if (bound) return bound;
      throw new UnsupportedExpression(`unbound symbol ${name}`);
    }
    case 'OperatorNode': {
      const args = node.args.map(ev);
      switch (node.fn) {
        case 'add': return args.reduce(V.add);
        case 'subtract': return V.sub(args[0], args[1]);
        case 'multiply': return args.reduce(V.mul);
        case 'divide': return V.div(args[0], args[1]);
        case 'pow': {
          // Exact powers cost time in proportion to the result's size; charge for it up front.
          const [b, e] = args;
          if (b.kind === 'exact' && e.kind === 'exact') budget.tick(Math.min(1e6, Math.abs(Q.toFloatOr(e.q, 1e6)) * Q.bitLength(b.q.num) / 256));
          return V.pow(b, e);
        }
        case 'unaryMinus': return V.neg(args[0]);
        case 'unaryPlus': return args[0];
        case 'factorial':
          if (args[0].kind === 'exact') budget.tick(Math.min(1e6, Q.toFloatOr(args[0].q, 1e6)));
          return factorial(args[0]);
        default: throw new UnsupportedExpression(`operator ${String((node as { fn: unknown }).fn)}`);
      }
    }
    case 'FunctionNode': {
      const name = node.fn.name;
      if (BIG_OPERATORS.has(name)) return bigOperator(name, node.args, lits, env, budget);
      if (name.startsWith('idx_')) return indexed(name, node.args.map(ev));
      return callFunction(name, node.args.map(ev));
    }
  }
}

const BIG_OPERATORS = new Set(['sumOver', 'prodOver']);

/** sumOver(k, lo, hi, body): the finite sum (or product) with k bound to lo, lo+1, …, hi. */
function bigOperator(name: string, args: readonly AnyNode[], lits: ReadonlyMap<string, Q.Rational>, env: Env, budget: Budget): V.Value {
  const [index, loNode, hiNode, body] = args;
  if (index?.type !== 'SymbolNode' || !body || !loNode || !hiNode) throw new UnsupportedExpression(`${name} needs an index variable`);
  const lo = evalNode(loNode, lits, env, budget);
  const hi = evalNode(hiNode, lits, env, budget);
  if (lo.kind !== 'exact' || hi.kind !== 'exact' || !Q.isInteger(lo.q) || !Q.isInteger(hi.q)) throw new UnsupportedExpression(`${name} with bounds that are not whole numbers`);
  if (hi.q.num - lo.q.num > BigInt(MAX_TERMS)) throw new Unrepresentable(`more than ${MAX_TERMS} terms in a sum or product`);
  const inner = new Map(env);
  let acc = V.exact(name === 'sumOver' ? Q.ZERO : Q.ONE);
  for (let k = lo.q.num; k <= hi.q.num; k++) {
    inner.set(index.name, V.exact(Q.rational(k)));
    const term = evalNode(body, lits, inner, budget);
    acc = name === 'sumOver' ? V.add(acc, term) : V.mul(acc, term);
  }
  return acc;
}

/**
 * F_{n-k-1}, a_n: a sequence we know nothing about, compared as an unknown function of its index.
 * Its value at an index is a fixed pseudo-random number, so the same term on both sides agrees
 * and different terms do not (F_k F_{n-k-1} summed in either order, but not F_k F_{n-k}).
 */
function indexed(name: string, args: V.Value[]): V.Value {
  let h = 2166136261;
  const key = `${name}(${args.map(V.describe).join(',')})`;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619) >>> 0;
  return V.exact(Q.rational(BigInt(h % 9973) + 11n, 7n));
}

function factorial(v: V.Value): V.Value {
  if (v.kind === 'exact' && Q.isInteger(v.q)) return V.exact(Q.factorial(v.q.num));
  throw new UnsupportedExpression('factorial of a non-integer');
}

const REAL_FUNCTIONS: Record<string, (x: number) => number> = {
  sin: Math.sin, cos: Math.cos, tan: Math.tan,
  sec: (x) => 1 / Math.cos(x), csc: (x) => 1 / Math.sin(x), cot: (x) => 1 / Math.tan(x),
  asin: Math.asin, acos: Math.acos, atan: Math.atan, sinh: Math.sinh, cosh: Math.cosh, tanh: Math.tanh,
  log10: Math.log10,
};

function callFunction(name: string, args: V.Value[]): V.Value {
  const arity = (n: number) => {
    if (args.length !== n) throw new UnsupportedExpression(`${name} expects ${n} argument(s)`);
  };
  if (REAL_FUNCTIONS[name]) {
    arity(1);
    if (args[0].kind === 'exact' && args[0].q.num === 0n && ['sin', 'tan', 'asin', 'atan', 'sinh', 'tanh'].includes(name)) return args[0];
    return V.realFunction(name, REAL_FUNCTIONS[name], args[0]);
  }
  switch (name) {
    case 'sqrt': arity(1); return V.sqrt(args[0]);
    case 'nthRoot': {
      arity(2);
      const [x, n] = args;
      if (x.kind === 'exact' && n.kind === 'exact' && Q.isInteger(n.q) && n.q.num > 0n && n.q.num <= 64n) {
        const r = Q.exactRoot(x.q, Number(n.q.num));
        if (r) return V.exact(r);
        if (x.q.num < 0n && n.q.num % 2n === 1n) {
          const pos = Q.exactRoot(Q.neg(x.q), Number(n.q.num));
          if (pos) return V.exact(Q.neg(pos));
          return V.neg(V.pow(V.exact(Q.neg(x.q)), V.div(V.exact(Q.ONE), n)));
        }
      }
      return V.pow(x, V.div(V.exact(Q.ONE), n));
    }
    case 'ln': arity(1); return V.ln(args[0]);
    case 'log':
      if (args.length === 1) return V.ln(args[0]);
      arity(2);
      return logBase(args[0], args[1]);
    case 'exp': arity(1); return V.exp(args[0]);
    case 'abs': {
      arity(1);
      const a = args[0];
      if (a.kind === 'exact') return V.exact(a.q.num < 0n ? Q.neg(a.q) : a.q);
      if (a.kind === 'infinity') return V.infinity(1);
      return V.approx(Math.hypot(a.re, a.im));
    }
    case 'floor':
    case 'ceil': {
      arity(1);
      const a = args[0];
      if (a.kind === 'exact') {
        const f = a.q.num / a.q.den - (a.q.num < 0n && a.q.num % a.q.den !== 0n ? 1n : 0n);
        return V.exact(Q.rational(name === 'floor' || Q.isInteger(a.q) ? f : f + 1n));
      }
      const [re, im] = V.toComplex(a);
      if (im !== 0) throw new UnsupportedExpression(`${name} of a complex number`);
      return V.approx(name === 'floor' ? Math.floor(re) : Math.ceil(re));
    }
    case 'binom': {
      arity(2);
      const [n, k] = args;
      if (n.kind !== 'exact' || k.kind !== 'exact' || !Q.isInteger(n.q) || !Q.isInteger(k.q)) throw new UnsupportedExpression('binomial of non-integers');
      if (k.q.num < 0n || k.q.num > n.q.num) return V.exact(Q.ZERO);
      if (k.q.num > 20000n && n.q.num - k.q.num > 20000n) throw new Unrepresentable('binomial too large');
      const kk = k.q.num < n.q.num - k.q.num ? k.q.num : n.q.num - k.q.num;
      let r = Q.ONE;
      for (let j = 1n; j <= kk; j++) r = Q.div(Q.mul(r, Q.rational(n.q.num - kk + j)), Q.rational(j));
      return V.exact(r);
    }
    default:
      throw new UnsupportedExpression(`function ${name}`);
  }
}

function logBase(x: V.Value, base: V.Value): V.Value {
  // Exact when x is an integer power of an integer base: log_2 8 = 3.
  if (x.kind === 'exact' && base.kind === 'exact' && Q.isInteger(x.q) && Q.isInteger(base.q) && base.q.num > 1n && x.q.num > 0n) {
    let p = 1n, k = 0n;
    while (p < x.q.num && k < 4000n) {
      p *= base.q.num;
      k++;
    }
    if (p === x.q.num) return V.exact(Q.rational(k));
  }
  return V.div(V.ln(x), V.ln(base));
}
