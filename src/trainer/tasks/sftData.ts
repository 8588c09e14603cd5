// SFT warm-up demonstrations from the training split: mostly correct, a set fraction deliberately
// imperfect. The paper starts RL from a distilled SFT model; imperfect demonstrations make ours
// solve a useful fraction of the problems, not all of them, so RL has something to improve.
import type { PromptRecord } from '../../core/dataset/records';
import type { Rng } from '../../core/rl/rng';
import type { BuiltinTask } from './types';

export interface Demonstration {
  record: PromptRecord;
  response: string;
  imperfect: boolean;
}

export function drawDemonstrations(tasks: readonly BuiltinTask[], count: number, imperfectFraction: number, rng: Rng): Demonstration[] {
  if (tasks.length === 0) throw new Error('drawDemonstrations: no training tasks');
  return Array.from({ length: count }, () => {
    const task = rng.pick(tasks);
    const imperfect = rng.next() < imperfectFraction;
    return { record: task.record, response: imperfect ? task.imperfectDemonstration(rng) : task.demonstration(rng), imperfect };
  });
}
