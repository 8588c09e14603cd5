// The reward registry: one verifier per domain. A new reward = one file under rl/rewards/ + one
// line in REWARDS. Rewards are verifications (the recipe): no format bonus, no length penalty.
import type { PromptRecord } from '../core/dataset/records';
import { createCodeReward, type CodeRewardOptions } from './rl/rewards/codeReward';
import { createMathReward } from './rl/rewards/mathReward';

export interface RewardVerdict {
  reward: number;
  /** Math: the extracted answer; code: null. */
  extracted: string | null;
  /** Human-readable reason (verifier note, or per-test statuses). */
  verdict: string;
  tests?: { status: string; timeMs?: number }[];
}

export interface RewardFunction {
  domain: PromptRecord['domain'];
  score(record: PromptRecord, response: string): Promise<RewardVerdict>;
  close(): void;
}

export type RewardOptions = CodeRewardOptions;

const REWARDS: Record<PromptRecord['domain'], (opts: RewardOptions) => RewardFunction> = {
  math: () => createMathReward(),
  code: (opts) => createCodeReward(opts),
};

/** Scores records of any domain with the registered verifier, creating verifiers on first use. */
export class Rewards {
  private readonly active = new Map<string, RewardFunction>();

  constructor(private readonly opts: RewardOptions = {}) {}

  private fn(domain: PromptRecord['domain']): RewardFunction {
    let f = this.active.get(domain);
    if (!f) {
      const make = REWARDS[domain];
      if (!make) throw new Error(`no reward registered for domain '${domain}'`);
      f = make(this.opts);
      this.active.set(domain, f);
    }
    return f;
  }

  score(record: PromptRecord, response: string): Promise<RewardVerdict> {
    return this.fn(record.domain).score(record, response);
  }

  /** Scores many responses concurrently (the sandbox bounds its own parallelism). */
  scoreAll(items: readonly { record: PromptRecord; response: string }[]): Promise<RewardVerdict[]> {
    return Promise.all(items.map((it) => this.score(it.record, it.response)));
  }

  close(): void {
    for (const f of this.active.values()) f.close();
    this.active.clear();
  }
}
