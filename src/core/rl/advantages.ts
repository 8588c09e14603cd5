// GRPO advantages on plain arrays, as verl's `compute_grpo_outcome_advantage` computes them.
//
// Each response's advantage is (r − mean_group) / (std_group + 1e-6), shared by all its tokens.
// verl takes the group std with `torch.std`, whose default is the UNBIASED estimator (divides by
// n − 1, Bessel's correction) — not the population std. We follow verl exactly, including its
// special case: a group of one response gets mean 0 and std 1 (so its advantage is its reward).
// A group whose rewards are all equal has std 0 and every advantage exactly 0: it carries no
// learning signal and is counted in `frac_reward_zero_std`.
//
// Responses whose verification failed (the verifier timed out, crashed, or could not read the
// reference) carry no reward at all: `include[i] = false` leaves them out of their group's mean and
// std and gives them advantage 0. A group left with one scored response has nothing to compare it
// with, so its advantage is 0 too — verl's one-response rule is for groups sampled with n = 1.

export const GRPO_EPSILON = 1e-6;

export interface GroupAdvantages {
  /** One advantage per response, in the input order. */
  advantages: number[];
  groupCount: number;
  /** Groups (of size ≥ 2) whose scored rewards are all equal (one scored response included). */
  zeroStdGroups: number;
  /** Groups in which no response was scored (every verification failed). */
  unscoredGroups: number;
  /** zeroStdGroups / groupCount (0 when there are no groups). */
  fracRewardZeroStd: number;
}

/** Mean and unbiased standard deviation (torch.std default); std of a single value is defined as 1 (verl). */
export function groupMeanStd(values: readonly number[]): { mean: number; std: number } {
  const n = values.length;
  if (n === 0) throw new Error('groupMeanStd: empty group');
  if (n === 1) return { mean: 0, std: 1 };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const ss = values.reduce((a, v) => a + (v - mean) * (v - mean), 0);
  return { mean, std: Math.sqrt(ss / (n - 1)) };
}

/**
 * GRPO advantages for responses grouped by prompt. `groupIds[i]` names the prompt of response i;
 * responses of one prompt need not be adjacent.
 */
export function grpoAdvantages(
  rewards: readonly number[],
  groupIds: readonly string[],
  opts: { normalizeByStd?: boolean; epsilon?: number; include?: readonly boolean[] } = {},
): GroupAdvantages {
  if (rewards.length !== groupIds.length) {
    throw new Error(`grpoAdvantages: ${rewards.length} rewards but ${groupIds.length} group ids`);
  }
  if (opts.include && opts.include.length !== rewards.length) {
    throw new Error(`grpoAdvantages: ${rewards.length} rewards but ${opts.include.length} include flags`);
  }
  const normalize = opts.normalizeByStd ?? true;
  const eps = opts.epsilon ?? GRPO_EPSILON;
  const included = (i: number) => !opts.include || opts.include[i];
  const members = new Map<string, number[]>();
  rewards.forEach((r, i) => {
    if (included(i) && !Number.isFinite(r)) throw new Error(`grpoAdvantages: reward ${i} is not finite (${r})`);
    const list = members.get(groupIds[i]);
    if (list) list.push(i); else members.set(groupIds[i], [i]);
  });
  const advantages = new Array<number>(rewards.length).fill(0);
  let zeroStdGroups = 0;
  let unscoredGroups = 0;
  for (const all of members.values()) {
    const idx = all.filter(included);
    if (idx.length === 0) {
      unscoredGroups++;
      continue;
    }
    const values = idx.map((i) => rewards[i]);
    if (all.length >= 2 && values.every((v) => v === values[0])) {
      zeroStdGroups++;
      continue; // advantages stay exactly 0 (r − mean is 0 for every scored member)
    }
    const { mean, std } = groupMeanStd(values);
    for (const i of idx) advantages[i] = normalize ? (rewards[i] - mean) / (std + eps) : rewards[i] - mean;
  }
  const groupCount = members.size;
  return { advantages, groupCount, zeroStdGroups, unscoredGroups, fracRewardZeroStd: groupCount ? zeroStdGroups / groupCount : 0 };
}
