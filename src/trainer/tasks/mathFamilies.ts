// Seeded math task families, answered as `<think>…</think> \boxed{…}`. Every step uses an arithmetic
// fact of the warm-up's fact drill (facts.ts), so a held-out failure is a wrong method, which RL can
// fix, not a missing fact, which it cannot. Difficulty comes from the number of steps and from how
// tempting the wrong method is: the hardest tier's warm-up demonstrations mostly show the classic
// mistake (adding the denominators), as a distilled model can carry a habit RL has to unlearn.
import type { MathRecord } from '../../core/dataset/records';
import type { Rng } from '../../core/rl/rng';
import { FACT_LIMITS } from './facts';
import type { BuiltinTask, TaskFamily } from './types';

const SOURCE = 'builtin-math';

function answer(think: string, boxed: string): string {
  return `<think>${think}</think> \\boxed{${boxed}}`;
}

function mathTask(family: string, tier: number, problem: string, ref: string, good: (rng: Rng) => string, bad: (rng: Rng) => string): BuiltinTask<MathRecord> {
  return {
    record: { id: '', source: SOURCE, domain: 'math', problem, answer: ref, difficulty: tier, meta: { family } },
    tier,
    demonstration: good,
    imperfectDemonstration: bad,
  };
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a || 1;
}

function fractionLatex(num: number, den: number): string {
  const g = gcd(num, den);
  return den / g === 1 ? String(num / g) : `\\frac{${num / g}}{${den / g}}`;
}

const NAMES = ['Ann', 'Bo', 'Cy', 'Di', 'Ed', 'Flo', 'Gus', 'Hal'];
const THINGS = ['pens', 'cups', 'eggs', 'cards', 'books', 'coins'];
const { maxAddend, maxFactor } = FACT_LIMITS;

/** Tier 1: one fact, stated in words; the mistake is the wrong operation. */
export const wordProblem: TaskFamily<MathRecord> = {
  name: 'word', domain: 'math', tier: 1,
  generate(rng) {
    const who = rng.pick(NAMES); const what = rng.pick(THINGS);
    const kind = rng.int(0, 2);
    if (kind === 2) {
      const a = rng.int(2, maxFactor); const b = rng.int(2, maxFactor);
      return mathTask(this.name, 1, `${who} buys ${a} boxes of ${b} ${what}. How many?`, String(a * b),
        () => answer(`${a}*${b}=${a * b}`, String(a * b)),
        () => answer(`${a}+${b}=${a + b}`, String(a + b)));
    }
    const a = rng.int(1, maxAddend); const b = rng.int(1, maxAddend);
    if (kind === 0) {
      const wrong = a >= b ? `${a}-${b}=${a - b}` : `${b}-${a}=${b - a}`;
      return mathTask(this.name, 1, `${who} has ${a} ${what}, gets ${b} more. How many?`, String(a + b),
        () => answer(`${a}+${b}=${a + b}`, String(a + b)),
        () => answer(wrong, String(Math.abs(a - b))));
    }
    const total = a + b; // gives b of a+b away: the subtraction undoes a drilled sum
    return mathTask(this.name, 1, `${who} has ${total} ${what}, gives ${b} away. How many left?`, String(a),
      () => answer(`${total}-${b}=${a}`, String(a)),
      () => answer(`${total}+${b}=${total + b}`, String(total + b)));
  },
};

/** Tier 2: two steps; the mistake is stopping after the first, or a long answer cut off at 24 tokens. */
export const twoStep: TaskFamily<MathRecord> = {
  name: 'arith-2', domain: 'math', tier: 2,
  generate(rng) {
    const times = rng.next() < 0.5;
    const a = rng.int(times ? 2 : 1, times ? maxFactor : maxAddend);
    const b = rng.int(times ? 2 : 1, times ? maxFactor : maxAddend);
    const first = times ? a * b : a + b;
    const op1 = times ? '*' : '+';
    const plus = times || rng.next() < 0.5;
    const c = plus ? rng.int(1, maxAddend) : rng.int(1, Math.min(first, maxAddend));
    const r = plus ? first + c : first - c;
    const op2 = plus ? '+' : '-';
    const second = `${first}${op2}${c}=${r}`;
    return mathTask(this.name, 2, `(${a}${op1}${b})${op2}${c}=?`, String(r),
      () => answer(`${a}${op1}${b}=${first},${second}`, String(r)),
      (g) => g.next() < 0.6
        ? answer(`${a}${op1}${b}=${first}`, String(first))
        : answer(`First ${a}${op1}${b}=${first}. Then ${second}. So the answer is ${r}.`, String(r)));
  },
};

const VARIABLES = ['x', 'y', 'n', 'k'];

/** Tier 2: ax+b=c in two steps (subtract, divide); the mistake is stopping after the subtraction. */
export const linearEquation: TaskFamily<MathRecord> = {
  name: 'linear', domain: 'math', tier: 2,
  generate(rng) {
    const v = rng.pick(VARIABLES);
    const a = rng.int(2, maxFactor); const x = rng.int(1, maxFactor); const b = rng.int(1, maxAddend);
    const ax = a * x; const rhs = ax + b;
    return mathTask(this.name, 2, `Solve ${a}${v}+${b}=${rhs}.`, String(x),
      () => answer(`${rhs}-${b}=${ax},${ax}/${a}=${x}`, String(x)),
      () => answer(`${rhs}-${b}=${ax}`, String(ax)));
  },
};

/**
 * Tier 3: a sum of two fractions with one denominator, bare or in words. The right method adds the
 * numerators and writes the sum over the denominator (`1+2=3,3/7`: its second step starts from the
 * first step's result, as the tier-2 methods' second steps do); the classic mistake adds the
 * denominators too (`1+2=3,7+7=14`). Most warm-up demonstrations of this tier show the mistake
 * (types.ts: TIER_IMPERFECT_WEIGHT), so the warmed-up policy rarely gets it right and RL has to find
 * that the rarer method is the rewarded one.
 * Denominators 3..9 with the added numerator 1..maxAddend keep the numerator sum a drilled fact and
 * give ~130 distinct sums, so the held-out fractions do not use up the family. The word form ends at
 * the second fraction: each of its 9-grams holds all three numbers, so the curation's 9-gram check
 * drops a training prompt only when a held-out one poses the same sum (with a trailing "How much?"
 * any shared second fraction matched, and fractions were 5 of 246 math RL prompts). Both wordings
 * of one sum share a question key, so a held-out sum is never trained on in the other wording.
 */
export const fractionSum: TaskFamily<MathRecord> = {
  name: 'fraction', domain: 'math', tier: 3,
  generate(rng) {
    const b = rng.int(3, 9); const a = rng.int(1, b - 1); const c = rng.int(1, Math.min(maxAddend, b - 1));
    const s = a + c;
    const problem = rng.next() < 0.25
      ? `${a}/${b}+${c}/${b}=?`
      : `${rng.pick(NAMES)} eats ${a}/${b} of a pie, then ${c}/${b} more.`;
    const task = mathTask(this.name, 3, problem, fractionLatex(s, b),
      () => answer(`${a}+${c}=${s},${s}/${b}`, `\\frac{${s}}{${b}}`),
      () => answer(`${a}+${c}=${s},${b}+${b}=${b + b}`, `\\frac{${s}}{${b + b}}`));
    return { ...task, questionKey: `${a}/${b}+${c}/${b}` };
  },
};
