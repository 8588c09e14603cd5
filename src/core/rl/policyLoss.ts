// Policy losses as a registry (verl's `compute_policy_loss` family, selected by `grpo.policyLoss`).
// A loss maps, token by token, (log p under the current policy, log p under the policy that sampled,
// advantage) to the token's loss value and to ∂loss/∂log p — the weight the trainer puts on that
// token's log-probability. The model only ever computes gradients of Σ weight·log p, so any loss
// whose gradient has that form is one entry here.
//
// A new loss = one entry in POLICY_LOSSES; the recipe accepts its name and `grpoStep` runs it.

export interface PolicyLossOptions {
  /** PPO clip range below 1: ratios under 1 − clipRatioLow stop pushing (verl clip_ratio_low, 0.2). */
  clipRatioLow: number;
  /** PPO clip range above 1 (verl clip_ratio_high; DAPO's clip-higher uses 0.28). */
  clipRatioHigh: number;
  /** Dual-clip bound for negative advantages (verl clip_ratio_c, 3): the loss never exceeds −A·c. */
  clipRatioC: number;
}

export const DEFAULT_POLICY_LOSS_OPTIONS: PolicyLossOptions = { clipRatioLow: 0.2, clipRatioHigh: 0.2, clipRatioC: 3 };

export interface PolicyLossTerms {
  /** Per-token loss value (aggregated into actor/pg_loss). */
  losses: number[];
  /** Per-token ∂loss/∂log p: the coefficient of log p in a surrogate with the same gradient. */
  logpWeights: number[];
  /** Tokens whose ratio was clipped, so they send no gradient (verl's pg_clipfrac). */
  clipped: boolean[];
  /** Negative-advantage tokens capped by the dual clip (verl's pg_clipfrac_lower). */
  clippedLower: boolean[];
}

export interface PolicyLoss {
  description: string;
  /**
   * Whether the loss looks at log-probs at all. A loss that does depends on them only through the
   * ratio exp(log p − old log p), which is exactly 1 while the weights are the ones that sampled
   * (strictly on-policy), so the trainer asks the model for log-probs only for off-policy updates.
   */
  usesRatio: boolean;
  terms(logp: readonly number[], oldLogp: readonly number[], advantages: readonly number[], opts: PolicyLossOptions): PolicyLossTerms;
}

/** verl clamps log p − old log p to ±20 before exponentiating, so one wild token cannot overflow. */
const MAX_LOG_RATIO = 20;

export const POLICY_LOSSES = {
  vanilla: {
    description: 'REINFORCE with group advantages, importance ratio 1 (strictly on-policy GRPO; the recipe): loss −A·log p',
    usesRatio: false,
    terms: (logp, _oldLogp, advantages) => ({
      losses: advantages.map((a, t) => -a * logp[t]),
      logpWeights: advantages.map((a) => -a),
      clipped: advantages.map(() => false),
      clippedLower: advantages.map(() => false),
    }),
  },
  'ppo-clip': {
    description: 'PPO clipped surrogate with verl\'s asymmetric clip range and dual clip: loss max(−A·r, −A·clip(r, 1−εlow, 1+εhigh)), capped at −A·c for A < 0',
    usesRatio: true,
    terms: (logp, oldLogp, advantages, opts) => {
      const out: PolicyLossTerms = { losses: [], logpWeights: [], clipped: [], clippedLower: [] };
      advantages.forEach((a, t) => {
        const rawLogRatio = logp[t] - oldLogp[t];
        const logRatio = Math.min(MAX_LOG_RATIO, Math.max(-MAX_LOG_RATIO, rawLogRatio));
        const ratio = Math.exp(logRatio);
        // d ratio / d log p = ratio, except where the ±20 clamp holds it constant.
        const dRatio = rawLogRatio === logRatio ? ratio : 0;
        const unclipped = -a * ratio;
        const clippedLoss = -a * Math.min(1 + opts.clipRatioHigh, Math.max(1 - opts.clipRatioLow, ratio));
        const clipped = clippedLoss > unclipped;
        let loss = clipped ? clippedLoss : unclipped;
        let weight = clipped ? 0 : -a * dRatio;
        const dualBound = -a * opts.clipRatioC;
        const lower = a < 0 && loss > dualBound;
        if (lower) { loss = dualBound; weight = 0; }
        out.losses.push(loss);
        out.logpWeights.push(weight);
        out.clipped.push(clipped);
        out.clippedLower.push(lower);
      });
      return out;
    },
  },
} satisfies Record<string, PolicyLoss>;

export type PolicyLossName = keyof typeof POLICY_LOSSES;
export const POLICY_LOSS_NAMES = Object.keys(POLICY_LOSSES) as [PolicyLossName, ...PolicyLossName[]];

export function policyLoss(name: PolicyLossName): PolicyLoss {
  const loss: PolicyLoss | undefined = POLICY_LOSSES[name];
  if (!loss) throw new Error(`unknown policy loss '${name}' (known: ${POLICY_LOSS_NAMES.join(', ')})`);
  return loss;
}
