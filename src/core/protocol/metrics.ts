// Metric names follow verl's so a researcher sees familiar keys and a real verl run's
// file-logger JSONL (`{"step": N, "data": {...}}`) renders with the same charts.
export const METRIC = {
  scoreMean: 'critic/score/mean',
  scoreMax: 'critic/score/max',
  scoreMin: 'critic/score/min',
  scoreStd: 'critic/score/std',
  advantagesMean: 'critic/advantages/mean',
  responseLengthMean: 'response_length/mean',
  responseLengthMax: 'response_length/max',
  responseLengthMin: 'response_length/min',
  responseLengthClipRatio: 'response_length/clip_ratio',
  entropy: 'actor/entropy',
  pgLoss: 'actor/pg_loss',
  gradNorm: 'actor/grad_norm',
  lr: 'actor/lr',
  fracRewardZeroStd: 'frac_reward_zero_std',
  /** The same ratio under the name some verl versions log it. */
  criticFracRewardZeroStd: 'critic/frac_reward_zero_std',
  timingGen: 'timing_s/gen',
  timingReward: 'timing_s/reward',
  timingUpdateActor: 'timing_s/update_actor',
  timingStep: 'timing_s/step',
  throughput: 'perf/throughput',
  totalNumTokens: 'perf/total_num_tokens',
  globalStep: 'training/global_step',
} as const;

/**
 * The SFT warm-up's metrics, one line per SFT step in <run>/sft-metrics.jsonl (verl's file-logger
 * shape, `step` = SFT step 1…N): the dashboard charts them while RL has not started.
 */
export const SFT_METRIC = {
  loss: 'sft/loss',
  lr: 'sft/lr',
  gradNorm: 'sft/grad_norm',
  throughput: 'sft/throughput',
} as const;

/** `val-core/<source>/acc/mean@k` — held-out pass@1 as the mean over k samples per problem. */
export function valCoreKey(source: string, k: number): string {
  return `val-core/${source}/acc/mean@${k}`;
}

/** One line of verl's file logger, also the line format of our runs/<id>/metrics.jsonl. */
export interface MetricsLine {
  step: number;
  data: Record<string, number>;
}
