// One GRPO step, strictly on-policy as the recipe runs it: sample G responses per prompt with the
// current weights, verify them, compute group-normalised advantages, and take exactly ONE optimizer
// step on the token-level loss (Σ over every counted response token of −A·log π) / (token count).
// No KL, no entropy bonus; truncated responses optionally masked out (overlong filtering).
//
// Reward verification runs concurrently with the step's bookkeeping (decoding, length statistics,
// the next step's label re-read and prompt draw via `sideWork`), and sequences whose advantage is
// zero are left out of the gradient computation — they contribute nothing to it but still count
// in the token-mean denominator, exactly as in verl.
import type { PromptRecord } from '../../core/dataset/records';
import { METRIC } from '../../core/protocol/metrics';
import { grpoAdvantages } from '../../core/rl/advantages';
import { overlongMask } from '../../core/rl/loss';
import type { Recipe, StageSpec } from '../../core/rl/recipe';
import { deriveSeed } from '../../core/rl/rng';
import { summarize } from '../../core/rl/stats';
import type { Policy, TrainSequence } from '../model/policy';
import type { Rewards, RewardVerdict } from '../rewards';
import type { PromptCodec } from './codec';

export interface Rollout {
  record: PromptRecord;
  response: string;
  responseTokens: number;
  truncated: boolean;
  verdict: RewardVerdict;
  advantage: number;
}

export interface GrpoStepResult {
  metrics: Record<string, number>;
  rollouts: Rollout[];
}

export interface GrpoStepInput {
  policy: Policy;
  codec: PromptCodec;
  rewards: Rewards;
  recipe: Recipe;
  stage: StageSpec;
  records: readonly PromptRecord[];
  seed: number;
  step: number;
  /** Bookkeeping to overlap with reward verification (e.g. preparing the next step). */
  sideWork?: () => void | Promise<void>;
}

export async function grpoStep(o: GrpoStepInput): Promise<GrpoStepResult> {
  const tStep = performance.now();
  const G = o.stage.rolloutsPerPrompt;
  const promptIds = o.records.map((r) => o.codec.promptIds(r));
  const maxPrompt = Math.max(...promptIds.map((p) => p.length));
  const room = o.policy.config.contextLength - maxPrompt;
  if (room < 1) throw new Error(`a prompt of ${maxPrompt} tokens fills the context (${o.policy.config.contextLength})`);
  const maxNewTokens = Math.min(o.stage.maxResponseLength, room);

  const tGen = performance.now();
  const sampled = await o.policy.sample(promptIds.flatMap((p) => Array.from({ length: G }, () => p)), {
    maxNewTokens, temperature: o.stage.temperature, topP: o.stage.topP, stopTokens: o.codec.stopTokens, seed: deriveSeed(o.seed, 'rollout', o.step),
  });
  const genSeconds = (performance.now() - tGen) / 1000;
  const texts = sampled.responses.map((ids) => o.codec.responseText(ids));
  const recordOf = (i: number) => o.records[Math.floor(i / G)];

  const tReward = performance.now();
  const verdictsPromise = o.rewards.scoreAll(texts.map((response, i) => ({ record: recordOf(i), response })));
  let rewardSeconds = 0;
  verdictsPromise.then(() => { rewardSeconds = (performance.now() - tReward) / 1000; }, () => {});
  // Bookkeeping that does not need the rewards, while they are computed.
  const lengths = sampled.responses.map((r) => r.length);
  const lengthStats = summarize(lengths);
  const clipRatio = sampled.truncated.filter(Boolean).length / sampled.truncated.length;
  let entropySum = 0;
  sampled.entropy.forEach((e, i) => { entropySum += e * lengths[i]; });
  const totalResponseTokens = lengths.reduce((a, b) => a + b, 0);
  await o.sideWork?.();
  const verdicts = await verdictsPromise;
  if (!rewardSeconds) rewardSeconds = (performance.now() - tReward) / 1000;

  const rewards = verdicts.map((v) => v.reward);
  const groupIds = texts.map((_, i) => String(Math.floor(i / G)));
  const adv = grpoAdvantages(rewards, groupIds, { normalizeByStd: o.recipe.grpo.normalizeAdvantageByStd });
  const counted = overlongMask(sampled.truncated, o.stage.overlongFiltering);

  const tUpdate = performance.now();
  let tokenCount = 0;
  const batch: TrainSequence[] = [];
  sampled.responses.forEach((resp, i) => {
    if (!counted[i] || resp.length === 0) return;
    tokenCount += resp.length;
    if (adv.advantages[i] !== 0) batch.push({ tokens: [...promptIds[Math.floor(i / G)], ...resp], promptLength: promptIds[Math.floor(i / G)].length, weight: adv.advantages[i] });
  });
  let lossSum = 0;
  let grads: Float32Array[];
  if (batch.length > 0) {
    const g = await o.policy.computeGradients(batch);
    grads = g.grads;
    lossSum = g.lossSum;
  } else {
    grads = o.policy.getWeights().map((w) => new Float32Array(w.length));
  }
  // One optimizer step per rollout batch, even when every group was uninformative (verl does too).
  const { gradNorm } = await o.policy.applyGradients(grads, Math.max(1, tokenCount), { learningRate: o.stage.learningRate, clipNorm: o.recipe.grpo.clipNorm });
  const updateSeconds = (performance.now() - tUpdate) / 1000;

  const score = summarize(rewards);
  const advStats = summarize(adv.advantages);
  const stepSeconds = (performance.now() - tStep) / 1000;
  const promptTokens = promptIds.reduce((a, p) => a + p.length, 0) * G;
  const metrics: Record<string, number> = {
    [METRIC.scoreMean]: score.mean, [METRIC.scoreMax]: score.max, [METRIC.scoreMin]: score.min, [METRIC.scoreStd]: score.std,
    [METRIC.advantagesMean]: advStats.mean, 'critic/advantages/max': advStats.max, 'critic/advantages/min': advStats.min,
    [METRIC.responseLengthMean]: lengthStats.mean, [METRIC.responseLengthMax]: lengthStats.max, [METRIC.responseLengthMin]: lengthStats.min,
    [METRIC.responseLengthClipRatio]: clipRatio,
    [METRIC.entropy]: totalResponseTokens ? entropySum / totalResponseTokens : 0,
    [METRIC.pgLoss]: tokenCount ? lossSum / tokenCount : 0,
    [METRIC.gradNorm]: gradNorm,
    [METRIC.lr]: o.stage.learningRate,
    [METRIC.fracRewardZeroStd]: adv.fracRewardZeroStd,
    [METRIC.timingGen]: genSeconds, [METRIC.timingReward]: rewardSeconds, [METRIC.timingUpdateActor]: updateSeconds, [METRIC.timingStep]: stepSeconds,
    [METRIC.totalNumTokens]: promptTokens + totalResponseTokens,
    [METRIC.throughput]: (promptTokens + totalResponseTokens) / stepSeconds,
    [METRIC.globalStep]: o.step,
    'response/masked_ratio': counted.filter((c) => !c).length / counted.length,
  };
  const rollouts = texts.map((response, i) => ({ record: recordOf(i), response, responseTokens: lengths[i], truncated: sampled.truncated[i], verdict: verdicts[i], advantage: adv.advantages[i] }));
  return { metrics, rollouts };
}
