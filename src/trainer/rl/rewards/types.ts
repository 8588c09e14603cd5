// What every reward returns and what it is built from. Rewards are verifications (the recipe); a
// verification can also fail (the verifier timed out, crashed, or could not read the reference), and
// a failure is not a reward of 0: the step leaves it out of its group's advantage and counts it.
import type { PromptRecord } from '../../../core/dataset/records';

/** Math: correct | wrong | no-answer | gold-unparseable | timeout | error. Code: correct | wrong | error. */
export type VerdictState = 'correct' | 'wrong' | 'no-answer' | 'gold-unparseable' | 'timeout' | 'error';

export interface RewardVerdict {
  /** The reward; 0 when the verification failed (and then `verifierFailed` says not to use it). */
  reward: number;
  state: VerdictState;
  /** The verifier could not decide: left out of the group's advantage, counted in reward/verifier_failed_ratio. */
  verifierFailed: boolean;
  /** Math: the extracted answer; code: null. */
  extracted: string | null;
  /** Human-readable reason (verifier note, or per-test statuses). */
  verdict: string;
  tests?: { status: string; timeMs?: number }[];
}

export interface RewardFunction {
  score(record: PromptRecord, response: string): Promise<RewardVerdict>;
  close(): void | Promise<void>;
}

/** What rewards may need from the run: sandbox and verifier sizes, a log for one-off notes. */
export interface RewardOptions {
  /** Code sandbox slots (parallel test processes). */
  concurrency?: number;
  /** Code: default time limit per test when a record has none. */
  timeoutS?: number;
  /** Code: default memory limit per test when a record has none. */
  memoryMb?: number;
  /** Math verifier worker threads (`acereason serve --math-workers` defaults to the same 2). */
  mathWorkers?: number;
  log?: (message: string) => void;
}

export interface RegisteredReward {
  domain: PromptRecord['domain'];
  description: string;
  create(opts: RewardOptions): RewardFunction;
}
