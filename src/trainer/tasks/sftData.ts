// SFT warm-up demonstrations from the training split: mostly correct, a share deliberately
// imperfect that grows with the task's tier (types.ts: TIER_IMPERFECT_WEIGHT). The paper starts RL
// from a distilled SFT model; imperfect demonstrations make ours solve the easy tasks, most of the
// middle ones and few of the hardest, so RL has something to improve at every level.
import type { PromptRecord } from '../../core/dataset/records';
import type { Rng } from '../../core/rl/rng';
import { TIER_IMPERFECT_WEIGHT, type BuiltinTask } from './types';

export interface Demonstration {
  record: PromptRecord;
  response: string;
  imperfect: boolean;
}

/** A demonstration is never imperfect more often than this, whatever the weights. */
const MAX_IMPERFECT = 0.9;

/** The probability that `task`'s demonstration is its imperfect one, for the recipe's fraction. */
export function imperfectProbability(task: BuiltinTask, imperfectFraction: number): number {
  const weight = TIER_IMPERFECT_WEIGHT[task.tier] ?? 1;
  return Math.min(MAX_IMPERFECT, imperfectFraction * weight);
}

export function drawDemonstrations(tasks: readonly BuiltinTask[], count: number, imperfectFraction: number, rng: Rng): Demonstration[] {
  if (tasks.length === 0) throw new Error('drawDemonstrations: no training tasks');
  return Array.from({ length: count }, () => {
    const task = rng.pick(tasks);
    const imperfect = rng.next() < imperfectProbability(task, imperfectFraction);
    return { record: task.record, response: imperfect ? task.imperfectDemonstration(rng) : task.demonstration(rng), imperfect };
  });
}
