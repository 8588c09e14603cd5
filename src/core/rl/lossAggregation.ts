// Loss aggregations as a registry (verl's `agg_loss` modes, selected by `grpo.lossAggregation`).
// Every mode is linear in the per-token losses, so each one is written as a plan: a scale per
// sequence and one denominator, loss = Σ_s scale_s · Σ_t l_{s,t} / denominator. The trainer hands
// the policy per-token weights multiplied by the scales and divides the summed gradient by the
// denominator once; gradients computed on disjoint shards (worker threads) therefore still add up
// exactly. The recipe's mode is `token-mean` (DAPO's token-level loss: a long response weighs more).
//
// A new mode = one entry in LOSS_AGGREGATORS; the recipe accepts it and `grpoStep` runs it.

export interface AggregationPlan {
  /** Multiplier of every token loss of sequence s (same order as the lengths given). */
  sequenceScales: number[];
  /** What the scaled sum is divided by; at least 1, so an empty batch aggregates to 0. */
  denominator: number;
}

export interface LossAggregator {
  description: string;
  /** The plan for sequences of these response lengths (only the sequences that count in the loss). */
  plan(lengths: readonly number[]): AggregationPlan;
}

const nonEmpty = (lengths: readonly number[]) => lengths.filter((n) => n > 0).length;

export const LOSS_AGGREGATORS = {
  'token-mean': {
    description: 'sum over every token of the batch / number of tokens (DAPO; the recipe)',
    plan: (lengths) => ({ sequenceScales: lengths.map(() => 1), denominator: Math.max(1, lengths.reduce((a, n) => a + n, 0)) }),
  },
  'seq-mean-token-mean': {
    description: 'mean over sequences of each sequence\'s token mean (the original GRPO)',
    plan: (lengths) => ({ sequenceScales: lengths.map((n) => (n > 0 ? 1 / n : 0)), denominator: Math.max(1, nonEmpty(lengths)) }),
  },
  'seq-mean-token-sum': {
    description: 'mean over sequences of each sequence\'s token sum',
    plan: (lengths) => ({ sequenceScales: lengths.map(() => 1), denominator: Math.max(1, nonEmpty(lengths)) }),
  },
} satisfies Record<string, LossAggregator>;

export type LossAggregation = keyof typeof LOSS_AGGREGATORS;
export const LOSS_AGGREGATIONS = Object.keys(LOSS_AGGREGATORS) as [LossAggregation, ...LossAggregation[]];

export function aggregationPlan(mode: LossAggregation, lengths: readonly number[]): AggregationPlan {
  const aggregator: LossAggregator | undefined = LOSS_AGGREGATORS[mode];
  if (!aggregator) throw new Error(`unknown loss aggregation '${mode}' (known: ${LOSS_AGGREGATIONS.join(', ')})`);
  return aggregator.plan(lengths);
}

/**
 * Aggregates per-token losses. `tokenLosses[s][t]` is the loss of token t of sequence s;
 * `mask[s]` false drops the whole sequence (overlong filtering, failed verification).
 */
export function aggregateLoss(tokenLosses: readonly (readonly number[])[], mode: LossAggregation, mask?: readonly boolean[]): number {
  const kept = tokenLosses.filter((_, s) => !mask || mask[s]);
  const plan = aggregationPlan(mode, kept.map((seq) => seq.length));
  let sum = 0;
  kept.forEach((seq, s) => {
    let seqSum = 0;
    for (const l of seq) seqSum += l;
    sum += plan.sequenceScales[s] * seqSum;
  });
  return sum / plan.denominator;
}
