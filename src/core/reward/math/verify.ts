// The math reward: extract the final answer from a response and decide whether it is equivalent to
// the reference. Synchronous, never throws, and bounded in time by its own budget checks (no signals,
// so it runs the same on the main thread and in worker threads). For a hard wall-clock guarantee
// against anything the budget does not see, use MathVerifierPool.
import { Budget, BudgetExceeded } from './budget';
import { answersEquivalent, type EquivalenceOptions } from './equivalence';
import { extractAnswer, unwrapAnswer, type ExtractOptions } from './extract';

export interface MathVerdict {
  readonly correct: boolean;
  /** The final answer that was compared, or null when none was found. */
  readonly extracted: string | null;
  /** Why: how the answer was found and how it compared (or why it could not be). */
  readonly reason: string;
}

export interface MathVerifyOptions extends EquivalenceOptions, ExtractOptions {
  /** Budget for one check, in milliseconds of this thread's time. Default 2000. */
  readonly timeMs?: number;
  /** Evaluation-step budget for one check (a second bound besides time). Default 2,000,000. */
  readonly maxSteps?: number;
}

export const DEFAULT_TIME_MS = 2000;

/** Gold answers and predictions longer than this are refused outright (bounded memory and time). */
const MAX_GOLD_CHARS = 100_000;

/** Grades a full model response (reasoning, then a boxed answer) against the reference answer. */
export function verifyMath(gold: string, response: string, opts: MathVerifyOptions = {}): MathVerdict {
  let extracted: string | null = null;
  try {
    if (typeof gold !== 'string' || typeof response !== 'string') return { correct: false, extracted: null, reason: 'gold and response must be strings' };
    const found = extractAnswer(response, opts);
    extracted = found.answer;
    if (extracted === null) return { correct: false, extracted: null, reason: found.note };
    return grade(gold, extracted, found.note, opts);
  } catch (e) {
    return failure(e, extracted);
  }
}

/** Grades an already-extracted final answer (unwrapping $…$, \(…\) and \boxed{} first). */
export function verifyMathAnswer(gold: string, pred: string, opts: MathVerifyOptions = {}): MathVerdict {
  let extracted: string | null = null;
  try {
    if (typeof gold !== 'string' || typeof pred !== 'string') return { correct: false, extracted: null, reason: 'gold and pred must be strings' };
    extracted = unwrapAnswer(pred);
    return grade(gold, extracted, 'given answer', opts);
  } catch (e) {
    return failure(e, extracted);
  }
}

export function mathReward(verdict: MathVerdict): 0 | 1 {
  return verdict.correct ? 1 : 0;
}

function grade(gold: string, answer: string, how: string, opts: MathVerifyOptions): MathVerdict {
  if (gold.length > MAX_GOLD_CHARS) return { correct: false, extracted: answer, reason: `reference answer longer than ${MAX_GOLD_CHARS} characters` };
  const budget = new Budget(opts.timeMs ?? DEFAULT_TIME_MS, opts.maxSteps);
  const goldAnswer = unwrapAnswer(gold);
  const c = answersEquivalent(goldAnswer, answer, budget, opts);
  return { correct: c.equal, extracted: answer, reason: `${how}: ${c.reason}` };
}

function failure(e: unknown, extracted: string | null): MathVerdict {
  if (e instanceof BudgetExceeded) return { correct: false, extracted, reason: `gave up: ${e.message}` };
  if (e instanceof RangeError) return { correct: false, extracted, reason: `gave up: input too deeply nested (${e.message})` };
  return { correct: false, extracted, reason: `verifier error: ${e instanceof Error ? e.message : String(e)}` };
}
