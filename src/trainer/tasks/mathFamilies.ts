// Seeded math task families, answered as `<think>…</think> \boxed{…}`. Operands are small so a
// character-level model of a few hundred thousand parameters can learn the arithmetic in minutes;
// difficulty comes from the number of steps and the answer form (fractions).
import type { MathRecord } from '../../core/dataset/records';
import type { Rng } from '../../core/rl/rng';
import type { BuiltinTask, TaskFamily } from './types';

const SOURCE = 'builtin-math';
/** Operands stay in 1..5: a tiny character-level model learns these arithmetic facts within the
 *  SFT warm-up, so held-out failures come from reasoning mistakes RL can fix, not missing facts. */
const MAX_OPERAND = 5;

function answer(think: string, boxed: string): string {
  return `<think>${think}</think> \\boxed{${boxed}}`;
}

function gcd(a: number, b: number): number {
  a = Math.abs(a); b = Math.abs(b);
  while (b) [a, b] = [b, a % b];
  return a || 1;
}

function fractionLatex(num: number, den: number): string {
  const g = gcd(num, den);
  const n = num / g;
  const d = den / g;
  return d === 1 ? String(n) : `\\frac{${n}}{${d}}`;
}

function mathTask(family: string, tier: number, problem: string, ref: string, good: (rng: Rng) => string, bad: (rng: Rng) => string): BuiltinTask<MathRecord> {
  return {
    record: { id: '', source: SOURCE, domain: 'math', problem, answer: ref, difficulty: tier, meta: { family } },
    tier,
    demonstration: good,
    imperfectDemonstration: bad,
  };
}

/** A slip: the right shape with a result off by one or two. */
function slip(rng: Rng, value: number): number {
  const d = rng.pick([-2, -1, 1, 2]);
  return value + d < 0 ? value + Math.abs(d) : value + d;
}

type Op = '+' | '-' | '*';
const apply = (a: number, op: Op, b: number) => (op === '+' ? a + b : op === '-' ? a - b : a * b);
/** Multiplication keeps to 1..3 (nine facts); addition and subtraction use 1..MAX_OPERAND. */
const operand = (rng: Rng, op: Op) => rng.int(1, op === '*' ? 3 : MAX_OPERAND);

export const singleOp: TaskFamily<MathRecord> = {
  name: 'arith-1', domain: 'math', tier: 1,
  generate(rng) {
    const op = rng.pick<Op>(['+', '-', '*']);
    let a = operand(rng, op); let b = operand(rng, op);
    if (op === '-' && b > a) [a, b] = [b, a];
    const r = apply(a, op, b);
    return mathTask(this.name, 1, `${a}${op}${b}=?`, String(r),
      () => answer(`${a}${op}${b}=${r}`, String(r)),
      (g) => g.next() < 0.5 ? answer(`${a}${op}${b}=${slip(g, r)}`, String(slip(g, r))) : `<think>${a}${op}${b}=${r} \\boxed{${r}}`);
  },
};

export const twoStep: TaskFamily<MathRecord> = {
  name: 'arith-2', domain: 'math', tier: 2,
  generate(rng) {
    const op1 = rng.pick<Op>(['+', '*']);
    const op2 = rng.pick<Op>(['+', '-']);
    const a = operand(rng, op1); const b = operand(rng, op1); const c = operand(rng, op2);
    const first = apply(a, op1, b);
    let r = apply(first, op2, c);
    let problem = `(${a}${op1}${b})${op2}${c}=?`;
    let think = `${a}${op1}${b}=${first},${first}${op2}${c}=${r}`;
    if (r < 0) { r = apply(first, '+', c); problem = `(${a}${op1}${b})+${c}=?`; think = `${a}${op1}${b}=${first},${first}+${c}=${r}`; }
    const verbose = `First ${a}${op1}${b}=${first}. Then ${think.split(',')[1]}. So the answer is ${r}.`;
    return mathTask(this.name, 2, problem, String(r),
      () => answer(think, String(r)),
      (g) => {
        const mode = g.int(0, 2);
        if (mode === 0) return answer(`${a}${op1}${b}=${first}`, String(first)); // stops after the first step
        if (mode === 1) return answer(verbose, String(r)); // right but long: truncated at short budgets
        return answer(`${a}${op1}${b}=${first},${think.split(',')[1].split('=')[0]}=${slip(g, r)}`, String(slip(g, r)));
      });
  },
};

export const linearEquation: TaskFamily<MathRecord> = {
  name: 'linear', domain: 'math', tier: 2,
  generate(rng) {
    const a = rng.int(2, 4); const x = rng.int(1, MAX_OPERAND); const b = rng.int(1, MAX_OPERAND);
    const rhs = a * x + b;
    const problem = `Solve ${a}x+${b}=${rhs}.`;
    const think = `${rhs}-${b}=${rhs - b},${rhs - b}/${a}=${x}`;
    return mathTask(this.name, 2, problem, String(x),
      () => answer(think, String(x)),
      (g) => g.next() < 0.5 ? answer(`${rhs}-${b}=${rhs - b}`, String(rhs - b)) : answer(`${rhs}/${a}=${Math.floor(rhs / a)}`, String(Math.floor(rhs / a))));
  },
};

export const fractionSum: TaskFamily<MathRecord> = {
  name: 'fraction', domain: 'math', tier: 3,
  generate(rng) {
    const b = rng.int(2, 4); let d = rng.int(2, 4);
    if (d === b) d = b + 1;
    const a = rng.int(1, b - 1); const c = rng.int(1, d - 1);
    const num = a * d + c * b; const den = b * d;
    const problem = `${a}/${b}+${c}/${d}=?`;
    const think = `${a}*${d}+${c}*${b}=${num},${b}*${d}=${den}`;
    return mathTask(this.name, 3, problem, fractionLatex(num, den),
      () => answer(think, `\\frac{${num}}{${den}}`),
      (g) => g.next() < 0.6
        ? answer(`${a}+${c}=${a + c},${b}+${d}=${b + d}`, `\\frac{${a + c}}{${b + d}}`) // adds numerators and denominators
        : answer(`${a}*${d}+${c}*${b}=${num},${b}+${d}=${b + d}`, `\\frac{${num}}{${b + d}}`));
  },
};

const NAMES = ['Ann', 'Bo', 'Cy', 'Di', 'Ed', 'Flo', 'Gus', 'Hal'];
const THINGS = ['pens', 'cups', 'eggs', 'cards', 'books', 'coins'];

export const wordProblem: TaskFamily<MathRecord> = {
  name: 'word', domain: 'math', tier: 1,
  generate(rng) {
    const who = rng.pick(NAMES); const what = rng.pick(THINGS);
    const kind = rng.int(0, 2);
    const kindOp: Op = kind === 0 ? '+' : kind === 1 ? '-' : '*';
    let a = operand(rng, kindOp); let b = operand(rng, kindOp);
    if (kind === 1 && b > a) [a, b] = [b, a];
    const [problem, op] = kind === 0 ? [`${who} has ${a} ${what}, gets ${b} more. How many?`, '+' as Op]
      : kind === 1 ? [`${who} has ${a} ${what}, gives ${b} away. How many left?`, '-' as Op]
      : [`${who} buys ${a} boxes of ${b} ${what}. How many?`, '*' as Op];
    const r = apply(a, op, b);
    const wrongOp: Op = op === '*' ? '+' : op === '+' ? '*' : '+';
    return mathTask(this.name, 1, problem, String(r),
      () => answer(`${a}${op}${b}=${r}`, String(r)),
      () => answer(`${a}${wrongOp}${b}=${apply(a, wrongOp, b)}`, String(apply(a, wrongOp, b))));
  },
};
