// Evaluates a translated expression (mathjs parse tree) to a Value, exactly where possible. mathjs is
// used only for parsing: its own evaluator has no step or size budget, and 10^10^10^10 would hang it.
import { create, parseDependencies, type MathNode } from 'mathjs';
import { Budget, Unrepresentable } from './budget';
import { latexToMathjs, TranslateError } from './latexToMathjs';
import * as Q from './rational';
import * as V from './value';

const math = create({ parseDependencies }, {});

export class UnsupportedExpression extends Error {}

export interface CompiledExpression {
  readonly node: MathNode;
  readonly literals: ReadonlyMap<string, Q.Rational>;
  /** Free variables, sorted (placeholders and constants excluded). */
  readonly variables: readonly string[];
  /** The mathjs text, for reasons and debugging. */
  readonly text: string;
}

export function compileLatex(latex: string): CompiledExpression {
  const t = latexToMathjs(latex);
  let node: MathNode;
  try {
    node = math.parse(t.text);
  } catch (e) {
    if (e instanceof RangeError) throw new TranslateError('expression nested too deeply');
    throw new TranslateError(`cannot parse '${latex.slice(0, 80)}': ${(e as Error).message}`);
  }
  const vars = new Set<string>();
  node.traverse((n) => {
    if (n.type === 'SymbolNode') {
      const name = (n as unknown as { name: string }).name;
      if (name.startsWith('v_') || name.startsWith('base_')) vars.add(name);
    }
  });
  // Function names are SymbolNodes too; they never start with v_ or base_, so nothing to remove.
  return { node, literals: t.literals, variables: [...vars].sort(), text: t.text };
}

// mathjs's parser costs ~0.3 ms per answer; in RL the same reference is graded for every rollout of
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

interface AnyNode {
  type: string;
  name?: string;
  fn?: string | { name: string };
  op?: string;
  args?: AnyNode[];
  content?: AnyNode;
  value?: unknown;
}

export function evaluate(expr: CompiledExpression, env: Env, budget: Budget): V.Value {
  return evalNode(expr.node as unknown as AnyNode, expr.literals, env, budget);
}

function evalNode(node: AnyNode, lits: ReadonlyMap<string, Q.Rational>, env: Env, budget: Budget): V.Value {
  budget.tick();
  const ev = (n: AnyNode) => evalNode(n, lits, env, budget);
  switch (node.type) {
    case 'ParenthesisNode':
      return ev(node.content!);
    case 'ConstantNode': {
      const v = node.value;
      if (v === Infinity) return V.infinity(1);
      if (typeof v === 'number' && Number.isFinite(v)) return V.exact(Q.parseDecimal(String(Math.abs(v))));
      throw new UnsupportedExpression(`constant ${String(v)}`);
    }
    case 'SymbolNode': {
      const name = node.name!;
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
      const args = node.args!.map(ev);
      switch (node.fn as string) {
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
        default: throw new UnsupportedExpression(`operator ${node.op}`);
      }
    }
    case 'FunctionNode': {
      const name = typeof node.fn === 'object' ? node.fn.name : String(node.fn);
      return callFunction(name, node.args!.map(ev));
    }
    default:
      throw new UnsupportedExpression(`${node.type}`);
  }
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
