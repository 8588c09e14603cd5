// Scores rollouts of any domain with the reward the recipe names for it (rl/rewards/index.ts), creating
// each reward on first use.
import type { PromptRecord } from '../core/dataset/records';
import type { Recipe } from '../core/rl/recipe';
import { DEFAULT_REWARDS, REWARDS } from './rl/rewards/index';
import type { RegisteredReward, RewardFunction, RewardOptions, RewardVerdict } from './rl/rewards/types';

export type { RewardVerdict, RewardOptions, VerdictState } from './rl/rewards/types';

type Domain = PromptRecord['domain'];
export type RewardSelection = Partial<Record<Domain, string>>;

/** The registered reward called `name` for `domain`; throws naming the recipe field when there is none. */
export function registeredReward(domain: Domain, name: string): RegisteredReward {
  const reward = Object.hasOwn(REWARDS, name) ? REWARDS[name] : undefined;
  const known = Object.entries(REWARDS).filter(([, r]) => r.domain === domain).map(([n]) => n);
  if (!reward) throw new Error(`recipe field rewards.${domain}: no reward named '${name}' (registered ${domain} rewards: ${known.join(', ')})`);
  if (reward.domain !== domain) throw new Error(`recipe field rewards.${domain}: '${name}' is a ${reward.domain} reward (registered ${domain} rewards: ${known.join(', ')})`);
  return reward;
}

/** Checks a recipe's reward names before a run starts. */
export function checkRewardNames(recipe: Pick<Recipe, 'rewards'>): void {
  for (const domain of ['math', 'code'] as const) registeredReward(domain, recipe.rewards[domain]);
}

export class Rewards {
  private readonly active = new Map<Domain, RewardFunction>();
  private readonly names: Record<Domain, string>;

  constructor(private readonly opts: RewardOptions & { select?: RewardSelection } = {}) {
    this.names = { ...DEFAULT_REWARDS, ...opts.select };
    for (const domain of ['math', 'code'] as const) registeredReward(domain, this.names[domain]);
  }

  private fn(domain: Domain): RewardFunction {
    let f = this.active.get(domain);
    if (!f) {
      f = registeredReward(domain, this.names[domain]).create(this.opts);
      this.active.set(domain, f);
    }
    return f;
  }

  score(record: PromptRecord, response: string): Promise<RewardVerdict> {
    return this.fn(record.domain).score(record, response);
  }

  /** Scores many responses concurrently (the sandbox and the verifier pool bound their own parallelism). */
  scoreAll(items: readonly { record: PromptRecord; response: string }[]): Promise<RewardVerdict[]> {
    return Promise.all(items.map((it) => this.score(it.record, it.response)));
  }

  /** Stops verifier threads and sandbox processes; safe to call without awaiting. */
  async close(): Promise<void> {
    const fns = [...this.active.values()];
    this.active.clear();
    await Promise.all(fns.map((f) => f.close()));
  }
}
