// `math-verify`, the recipe's math reward: 1 if the last \boxed{} after </think> is equivalent to the
// reference answer, else 0. Graded by core's verifier in the same worker pool, with the same budget
// and hard time limit, as `acereason serve` (hence a verl run): one answer, one verdict everywhere.
import type { PromptRecord } from '../../../core/dataset/records';
import { isVerifierFailure, MathVerifierPool } from '../../../core/reward/math';
import type { RegisteredReward, RewardFunction, RewardOptions } from './types';

/** The recipe's extraction: the last \boxed{} after </think>, nothing else. */
export const RECIPE_MATH_EXTRACT = ['boxed'] as const;

function createMathVerifyReward(opts: RewardOptions): RewardFunction {
  let pool: MathVerifierPool | undefined;
  return {
    async score(record: PromptRecord, response: string) {
      if (record.domain !== 'math') throw new Error(`math reward got a ${record.domain} record (${record.id})`);
      // Serve's pool (src/cli/commands/serve.ts) is built with only a size; so is this one.
      pool ??= new MathVerifierPool({ size: opts.mathWorkers ?? 2 });
      const v = await pool.verify(record.answer, response, { extract: RECIPE_MATH_EXTRACT });
      const verifierFailed = isVerifierFailure(v.state);
      return { reward: v.correct ? 1 : 0, state: v.state, verifierFailed, extracted: v.extracted, verdict: v.reason };
    },
    async close() {
      const p = pool;
      pool = undefined;
      await p?.close();
    },
  };
}

export const mathVerifyReward: RegisteredReward = {
  domain: 'math',
  description: 'the last \\boxed{} after </think> equivalent to the reference answer (core math verifier, as acereason serve)',
  create: createMathVerifyReward,
};
