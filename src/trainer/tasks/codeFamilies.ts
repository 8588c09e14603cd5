// Seeded code task families: problems stated in words, answered with a fenced Python block, verified
// by the sandbox against hidden tests (stdin/stdout, or a function call with JSON arguments).
import type { CodeRecord, CodeTest } from '../../core/dataset/records';
import { deriveSeed, Rng } from '../../core/rl/rng';
import type { BuiltinTask, TaskFamily } from './types';

const SOURCE = 'builtin-code';
const fence = (code: string) => '```python\n' + code + '\n```';

function codeTask(family: string, tier: number, problem: string, format: CodeRecord['format'], tests: CodeTest[], good: string, bad: (rng: Rng) => string, fnName?: string): BuiltinTask<CodeRecord> {
  return {
    record: { id: '', source: SOURCE, domain: 'code', problem, format, tests, fnName, solutions: [good], timeLimitS: 4, meta: { family } },
    tier,
    demonstration: () => fence(good),
    imperfectDemonstration: (rng) => fence(bad(rng)),
  };
}

/** Hidden tests drawn from the problem text itself, so the same problem always has the same tests. */
function testRng(problem: string): Rng {
  return new Rng(deriveSeed('tests', problem));
}

type Binary = { words: string; expr: string; wrong: string; fn: (a: number, b: number) => number };
const BINARY: Binary[] = [
  { words: 'their sum', expr: 'a+b', wrong: 'a*b', fn: (a, b) => a + b },
  { words: 'their product', expr: 'a*b', wrong: 'a+b', fn: (a, b) => a * b },
  { words: 'a minus b', expr: 'a-b', wrong: 'b-a', fn: (a, b) => a - b },
  { words: 'the larger one', expr: 'max(a,b)', wrong: 'min(a,b)', fn: Math.max },
  { words: 'the smaller one', expr: 'min(a,b)', wrong: 'max(a,b)', fn: Math.min },
];

export const stdinPair: TaskFamily<CodeRecord> = {
  name: 'stdin-pair', domain: 'code', tier: 1,
  generate(rng) {
    const op = rng.pick(BINARY);
    const problem = `Read two integers a and b; print ${op.words}.`;
    const t = testRng(problem);
    const tests = Array.from({ length: 3 }, () => {
      const a = t.int(-20, 99); const b = t.int(-20, 99);
      return { input: `${a} ${b}\n`, output: `${op.fn(a, b)}\n` };
    });
    return codeTask(this.name, 1, problem, 'stdin', tests,
      `a,b=map(int,input().split())\nprint(${op.expr})`,
      (g) => g.next() < 0.5 ? `a,b=map(int,input().split())\nprint(${op.wrong})` : `a,b=input().split()\nprint(${op.expr})`);
  },
};

const OPS_IN_WORDS: { words: string; sym: string; fn: (x: number, k: number) => number }[] = [
  { words: 'plus', sym: '+', fn: (x, k) => x + k },
  { words: 'minus', sym: '-', fn: (x, k) => x - k },
  { words: 'times', sym: '*', fn: (x, k) => x * k },
];

/**
 * "n plus k times c" means (n+k)*c: read left to right. When Python's precedence disagrees the
 * solution needs parentheses; those problems are tier 3 and their imperfect demonstration is the
 * classic bug, the same expression without them (most of the warm-up's demonstrations of the tier).
 * Half the draws end in "times", so that tier is a real share of the held-out set.
 */
function secondOp(rng: Rng): (typeof OPS_IN_WORDS)[number] {
  return rng.next() < 0.5 ? OPS_IN_WORDS[2] : rng.pick(OPS_IN_WORDS.slice(0, 2));
}

export const stdinAffine: TaskFamily<CodeRecord> = {
  name: 'stdin-affine', domain: 'code', tier: 2,
  generate(rng) {
    const first = rng.pick(OPS_IN_WORDS); const second = secondOp(rng);
    const k = rng.int(2, 9); const c = rng.int(2, 9);
    const problem = `Read an integer n; print n ${first.words} ${k} ${second.words} ${c}.`;
    const expr = `n${first.sym}${k}${second.sym}${c}`;
    const value = (n: number) => second.fn(first.fn(n, k), c);
    const needsParens = second.sym === '*' && first.sym !== '*';
    const t = testRng(problem);
    const tests = Array.from({ length: 3 }, () => { const n = t.int(-9, 50); return { input: `${n}\n`, output: `${value(n)}\n` }; });
    if (needsParens) {
      return codeTask(this.name, 3, problem, 'stdin', tests, `n=int(input())\nprint((n${first.sym}${k})*${c})`, () => `n=int(input())\nprint(${expr})`);
    }
    return codeTask(this.name, 2, problem, 'stdin', tests,
      `n=int(input())\nprint(${expr})`,
      (g) => g.next() < 0.5 ? `n=int(input())\nprint(n${first.sym}${k})` : `n=int(input())\nprint(n${first.sym}${c}${second.sym}${k})`);
  },
};

const LIST_OPS: { words: string; expr: string; wrong: string; fn: (xs: number[]) => number }[] = [
  { words: 'their sum', expr: 'sum(x)', wrong: 'max(x)', fn: (xs) => xs.reduce((a, b) => a + b, 0) },
  { words: 'the largest', expr: 'max(x)', wrong: 'x[0]', fn: (xs) => Math.max(...xs) },
  { words: 'the smallest', expr: 'min(x)', wrong: 'x[-1]', fn: (xs) => Math.min(...xs) },
  { words: 'how many there are', expr: 'len(x)', wrong: 'sum(x)', fn: (xs) => xs.length },
];

/** "their sum", or "their sum plus 3" / "times 2": the list reduction, then one more operation. */
export const stdinList: TaskFamily<CodeRecord> = {
  name: 'stdin-list', domain: 'code', tier: 2,
  generate(rng) {
    const op = rng.pick(LIST_OPS);
    const then = rng.next() < 0.2 ? undefined : { op: rng.pick(OPS_IN_WORDS), k: rng.int(2, 9) };
    const problem = `Read integers on one line; print ${op.words}${then ? ` ${then.op.words} ${then.k}` : ''}.`;
    const value = (xs: number[]) => (then ? then.op.fn(op.fn(xs), then.k) : op.fn(xs));
    const suffix = then ? `${then.op.sym}${then.k}` : '';
    const t = testRng(problem);
    const tests = Array.from({ length: 3 }, () => {
      const xs = Array.from({ length: t.int(2, 6) }, () => t.int(-9, 30));
      return { input: `${xs.join(' ')}\n`, output: `${value(xs)}\n` };
    });
    return codeTask(this.name, 2, problem, 'stdin', tests,
      `x=list(map(int,input().split()))\nprint(${op.expr}${suffix})`,
      (g) => g.next() < 0.5 || !then ? `x=list(map(int,input().split()))\nprint(${op.wrong}${suffix})` : `x=list(map(int,input().split()))\nprint(${op.expr})`);
  },
};

export const functionCall: TaskFamily<CodeRecord> = {
  name: 'function', domain: 'code', tier: 2,
  generate(rng) {
    const first = rng.pick(OPS_IN_WORDS.filter((o) => o.sym !== '-'));
    const second = secondOp(rng);
    const c = rng.int(2, 9);
    const problem = `Write f(a, b) returning a ${first.words} b ${second.words} ${c}.`;
    const needsParens = second.sym === '*' && first.sym !== '*';
    const plain = `a${first.sym}b${second.sym}${c}`;
    const value = (a: number, b: number) => second.fn(first.fn(a, b), c);
    const t = testRng(problem);
    const tests = Array.from({ length: 3 }, () => { const a = t.int(-9, 20); const b = t.int(-9, 20); return { input: `${a}\n${b}`, output: `${value(a, b)}` }; });
    if (needsParens) {
      return codeTask(this.name, 3, problem, 'functional', tests, `def f(a,b):\n    return (a${first.sym}b)*${c}`, () => `def f(a,b):\n    return ${plain}`, 'f');
    }
    return codeTask(this.name, 2, problem, 'functional', tests,
      `def f(a,b):\n    return ${plain}`,
      (g) => g.next() < 0.5 ? `def f(a,b):\n    return a${first.sym}b` : `def f(a,b):\n    print(${plain})`, 'f');
  },
};
