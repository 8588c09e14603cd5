// Math reward, the recipe's rule: 1 if the last \boxed{} after </think> is equivalent to the
// reference answer, else 0. Extraction and equivalence are the math verifier's (src/core/reward/math).
import type { MathRecord, PromptRecord } from '../../../core/dataset/records';
import { Budget } from '../../../core/reward/math/budget';
import { answersEquivalent } from '../../../core/reward/math/equivalence';
import { extractAnswer } from '../../../core/reward/math/extract';
import type { RewardFunction, RewardVerdict } from '../../rewards';

/** Per-answer time budget: a pathological answer must not stall a training step. */
const VERIFY_BUDGET_MS = 200;

export function createMathReward(): RewardFunction {
  return {
    domain: 'math',
    async score(record: PromptRecord, response: string): Promise<RewardVerdict> {
      if (record.domain !== 'math') throw new Error(`math reward got a ${record.domain} record (${record.id})`);
      return scoreMath(record, response);
    },
    close() {},
  };
}

export function scoreMath(record: MathRecord, response: string): RewardVerdict {
  const found = extractAnswer(response, { boxedOnly: true });
  if (found.answer === null) return { reward: 0, extracted: null, verdict: found.note };
  try {
    const cmp = answersEquivalent(record.answer, found.answer, new Budget(VERIFY_BUDGET_MS));
    return { reward: cmp.equal ? 1 : 0, extracted: found.answer, verdict: cmp.reason };
  } catch (e) {
    return { reward: 0, extracted: found.answer, verdict: `verifier error: ${(e as Error).message}` };
  }
}
