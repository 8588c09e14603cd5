// A built-in task: a record the verifiers can check (MathRecord / CodeRecord) plus a way to write a
// demonstration for the SFT warm-up. Demonstrations come in two kinds: a correct one, and a
// deliberately imperfect one (a wrong step, a skipped step, a missing </think>, a wrong operator) so
// the warmed-up policy solves a useful fraction but leaves room for RL.
import type { CodeRecord, MathRecord } from '../../core/dataset/records';
import type { Rng } from '../../core/rl/rng';

export interface BuiltinTask<R extends MathRecord | CodeRecord = MathRecord | CodeRecord> {
  record: R;
  /** Difficulty tier, 1 (easiest) upwards. */
  tier: number;
  /** A correct response in the recipe's answer format. */
  demonstration(rng: Rng): string;
  /** A plausible but imperfect response (usually wrong, sometimes only too long). */
  imperfectDemonstration(rng: Rng): string;
}

/** One generator of a family of tasks; a new family = one file exporting one of these + one registration line. */
export interface TaskFamily<R extends MathRecord | CodeRecord = MathRecord | CodeRecord> {
  name: string;
  domain: R['domain'];
  tier: number;
  /** Draws one task; two draws with the same problem text must be the same task. */
  generate(rng: Rng): BuiltinTask<R>;
}
