// A built-in task: a record the verifiers can check (MathRecord / CodeRecord) plus a way to write a
// demonstration for the SFT warm-up. Demonstrations come in two kinds: a correct one, and a
// deliberately imperfect one (a skipped step, the wrong operation, the tempting wrong method, a
// missing pair of parentheses, an answer too long for the short budget) so the warmed-up policy
// solves a useful fraction but leaves room for RL. Facts are never wrong in either (facts.ts).
import type { CodeRecord, MathRecord } from '../../core/dataset/records';
import type { Rng } from '../../core/rl/rng';

export interface BuiltinTask<R extends MathRecord | CodeRecord = MathRecord | CodeRecord> {
  record: R;
  /** Difficulty tier, 1 (easiest) upwards. */
  tier: number;
  /**
   * What the problem asks, whatever its wording (default: the problem text). Wordings of one
   * question share it and so always land in the same split: a held-out sum is never trained on in
   * other words.
   */
  questionKey?: string;
  /** A correct response in the recipe's answer format. */
  demonstration(rng: Rng): string;
  /** A plausible but imperfect response (usually wrong, sometimes only too long). */
  imperfectDemonstration(rng: Rng): string;
}

/**
 * The difficulty spread of the warm-up: easy tasks are rarely shown wrong, the hardest tier mostly
 * (its wrong method is the tempting one), so the warmed-up policy solves tier 1 nearly always, tier 2
 * most of the time and tier 3 seldom — and RL has something to find at every level. With the demo's
 * imperfectFraction 0.3 that is 15%, 30% and 84% of demonstrations.
 */
export const TIER_IMPERFECT_WEIGHT: Record<number, number> = { 1: 0.5, 2: 1, 3: 2.8 };

/** One generator of a family of tasks; a new family = one file exporting one of these + one registration line. */
export interface TaskFamily<R extends MathRecord | CodeRecord = MathRecord | CodeRecord> {
  name: string;
  domain: R['domain'];
  tier: number;
  /** Draws one task; two draws with the same problem text must be the same task. */
  generate(rng: Rng): BuiltinTask<R>;
}
