// Loss aggregation on plain arrays (verl's `agg_loss`). The recipe uses `token-mean`: the sum over
// every counted response token of the batch divided by the total number of counted tokens, so a long
// response weighs more than a short one (DAPO's token-level loss). The other modes exist so the
// recipe file can name them and the tests can show how they differ.
//
// Strictly on-policy GRPO (one optimizer step per rollout batch) has importance ratio exactly 1, so
// the per-token policy-gradient loss is −A_i · log π(token) and its gradient −A_i · ∇log π. With
// no KL and no entropy bonus nothing else enters the loss.

export const LOSS_AGGREGATIONS = ['token-mean', 'seq-mean-token-mean', 'seq-mean-token-sum'] as const;
export type LossAggregation = (typeof LOSS_AGGREGATIONS)[number];

/**
 * Aggregates per-token losses. `tokenLosses[s][t]` is the loss of token t of sequence s;
 * `mask[s]` false drops the whole sequence (overlong filtering).
 */
export function aggregateLoss(tokenLosses: readonly (readonly number[])[], mode: LossAggregation, mask?: readonly boolean[]): number {
  const kept = tokenLosses.filter((_, s) => !mask || mask[s]);
  if (mode === 'token-mean') {
    let sum = 0;
    let count = 0;
    for (const seq of kept) for (const l of seq) { sum += l; count++; }
    return count ? sum / count : 0;
  }
  const perSeq = kept.filter((seq) => seq.length > 0).map((seq) => {
    const s = seq.reduce((a, b) => a + b, 0);
    return mode === 'seq-mean-token-mean' ? s / seq.length : s;
  });
  return perSeq.length ? perSeq.reduce((a, b) => a + b, 0) / perSeq.length : 0;
}

/**
 * Combines partial token-mean results computed on disjoint shards of a batch (for example by two
 * worker processes): (Σ lossSum) / (Σ tokenCount). Equal to `aggregateLoss(all, 'token-mean')`.
 */
export function combineTokenMean(parts: readonly { lossSum: number; tokenCount: number }[]): number {
  const total = parts.reduce((a, p) => a + p.tokenCount, 0);
  return total ? parts.reduce((a, p) => a + p.lossSum, 0) / total : 0;
}

/**
 * Overlong filtering (DAPO; NeMo-RL `overlong_filtering`, TRL `mask_truncated_completions`): a
 * response cut off at the maximum length is dropped from the loss instead of being punished as
 * wrong. Returns, per response, whether it counts.
 */
export function overlongMask(truncated: readonly boolean[], enabled: boolean): boolean[] {
  return truncated.map((t) => !(enabled && t));
}
