// The reference answer must be something the math verifier can grade against: otherwise every
// rollout, right or wrong, gets the verdict 'gold-unparseable' (a verifier failure, left out of
// training) and the prompt only costs generation time. Uses the verifier's own check (goldProblem),
// so "parseable" means exactly what the reward function will do with it.
import { answerClass } from '../../reward/math/answerClass';
import { goldProblem } from '../../reward/math/goldCheck';
import { removeWith, type CurationStep, type RemovalReason } from '../step';

/**
 * Why the verifier cannot use this reference answer, or undefined when it can. Word answers
 * ("\text{Friday}") are graded by text comparison, which a reworded right answer fails: fine for
 * evaluation, too noisy a reward for training, so curation flags them too.
 */
export function unparseableAnswerReason(answer: string): string | undefined {
  return goldProblem(answer) ?? (answerClass(answer) === 'text' ? `"${answer.slice(0, 60)}" is text, not a value (graded by text comparison only)` : undefined);
}

export const answerCheckStep: CurationStep = {
  name: 'answer-check',
  description: 'remove math prompts whose reference answer the verifier cannot parse',
  domains: ['math'],
  enabled: () => true,
  run(records, ctx) {
    const removed = new Map<number, RemovalReason[]>();
    records.forEach((record, i) => {
      if (i % 500 === 0) ctx.progress?.(i, records.length);
      if (record.domain !== 'math') return;
      const problem = unparseableAnswerReason(String(record.answer));
      if (problem) removeWith(removed, i, { reason: 'answer-unparseable', detail: problem });
    });
    return { removed };
  },
};
