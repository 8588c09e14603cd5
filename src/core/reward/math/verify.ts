// The math reward: extract the final answer from a response and decide whether it is equivalent to
// the reference. Synchronous, never throws, and bounded in time by its own budget checks (no signals,
// so it runs the same on the main thread and in worker threads). For a hard wall-clock guarantee
// against anything the budget does not see, use MathVerifierPool.
import { Budget, BudgetExceeded } from './budget';
import { answersEquivalent } from './equivalence';
import { extractAnswer, looksLikeBareAnswer, unwrapAnswer } from './extract';
import { goldProblem } from './goldCheck';
import type { ComparisonOptions, ExtractionOptions } from './options';

/**
 * correct / wrong: a verdict. no-answer: nothing extractable in the response (the model's fault).
 * gold-unparseable, timeout, error: the verifier could not decide; a trainer must not read these as
 * a reward of 0 (they are verifier failures, counted and left out of the advantage).
 */
export type MathVerdictState = 'correct' | 'wrong' | 'no-answer' | 'gold-unparseable' | 'timeout' | 'error';
export const MATH_VERDICT_STATES: readonly MathVerdictState[] = ['correct', 'wrong', 'no-answer', 'gold-unparseable', 'timeout', 'error'];

/** States in which the verifier failed to decide (as opposed to grading the answer). */
export function isVerifierFailure(state: MathVerdictState): boolean {
  return state === 'gold-unparseable' || state === 'timeout' || state === 'error';
}

export interface MathVerdict {
  readonly correct: boolean;
  readonly state: MathVerdictState;
  /** The final answer that was compared, or null when none was found. */
  readonly extracted: string | null;
  /** Why: how the answer was found and how it compared (or why it could not be). */
  readonly reason: string;
}

export interface MathVerifyOptions extends ComparisonOptions, ExtractionOptions {
  /** Budget for one check, in milliseconds of this thread's time. Default 2000. */
  readonly timeMs?: number;
  /** Evaluation-step budget for one check (a second bound besides time). Default 2,000,000. */
  readonly maxSteps?: number;
}

export const DEFAULT_TIME_MS = 2000;

/** Gold answers longer than this are refused outright (bounded memory and time). */
const MAX_GOLD_CHARS = 100_000;

/** Grades a full model response against the reference answer (extraction per `opts.extract`). */
export function verifyMath(gold: string, response: string, opts: MathVerifyOptions = {}): MathVerdict {
  let extracted: string | null = null;
  try {
    if (typeof gold !== 'string' || typeof response !== 'string') return verdict('error', null, 'gold and response must be strings');
    const found = extractAnswer(response, opts);
    extracted = found.answer;
    if (extracted === null) return verdict('no-answer', null, found.note);
    return grade(gold, extracted, found.note, opts);
  } catch (e) {
    return failure(e, extracted);
  }
}

/**
 * Grades a final answer: unwrapped from $…$, \(…\) and \boxed{} and compared as it is when it looks
 * like an answer, otherwise ("Final Answer: the largest $n$ is 34.") extracted like a response.
 */
export function verifyMathAnswer(gold: string, pred: string, opts: MathVerifyOptions = {}): MathVerdict {
  let extracted: string | null = null;
  try {
    if (typeof gold !== 'string' || typeof pred !== 'string') return verdict('error', null, 'gold and pred must be strings');
    const unwrapped = unwrapAnswer(pred);
    if (looksLikeBareAnswer(unwrapped)) {
      extracted = unwrapped;
      if (extracted === '') return verdict('no-answer', null, 'empty answer');
      return grade(gold, extracted, 'given answer', opts);
    }
    const found = extractAnswer(pred, opts);
    if (found.answer !== null) {
      extracted = found.answer;
      const v = grade(gold, found.answer, `given answer, ${found.note}`, opts);
      if (v.state !== 'wrong') return v;
      // "7 minutes and 5 seconds" is an answer as a whole, though its last number is not.
      const whole = grade(gold, unwrapped, 'given answer compared whole', opts);
      return whole.correct ? whole : v;
    }
    // Prose with no extractable value ("Evelyn wins") is still an answer: compare it as text.
    extracted = unwrapped;
    return grade(gold, unwrapped, 'given answer (nothing to extract; compared whole)', opts);
  } catch (e) {
    return failure(e, extracted);
  }
}

function verdict(state: MathVerdictState, extracted: string | null, reason: string): MathVerdict {
  return { correct: state === 'correct', state, extracted, reason };
}

function grade(gold: string, answer: string, how: string, opts: MathVerifyOptions): MathVerdict {
  if (gold.length > MAX_GOLD_CHARS) return verdict('gold-unparseable', answer, `reference answer longer than ${MAX_GOLD_CHARS} characters`);
  const budget = new Budget(opts.timeMs ?? DEFAULT_TIME_MS, opts.maxSteps);
  const goldAnswer = unwrapAnswer(gold);
  const c = answersEquivalent(goldAnswer, answer, budget, opts);
  if (c.equal) return verdict('correct', answer, `${how}: ${c.reason}`);
  const problem = goldProblem(goldAnswer);
  if (problem) return verdict('gold-unparseable', answer, `${how}: ${problem}`);
  return verdict('wrong', answer, `${how}: ${c.reason}`);
}

function failure(e: unknown, extracted: string | null): MathVerdict {
  if (e instanceof BudgetExceeded) return verdict('timeout', extracted, `gave up: ${e.message}`);
  if (e instanceof RangeError) return verdict('error', extracted, `gave up: input too deeply nested (${e.message})`);
  return verdict('error', extracted, `verifier error: ${e instanceof Error ? e.message : String(e)}`);
}
