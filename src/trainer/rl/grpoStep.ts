// One GRPO step as the recipe runs it: sample G responses per prompt with the current weights, verify
// them, compute group-normalised advantages, and update the policy with the recipe's policy loss and
// loss aggregation (policyUpdate.ts; by default one optimizer step on the token-mean of −A·log π,
// strictly on-policy). No KL, no entropy bonus; truncated responses optionally masked out (overlong
// filtering). A response whose verification failed (verifier timeout or crash, unreadable reference,
// sandbox error) is neither a 0 nor a 1: it is left out of its group's advantage and of the loss, and
// counted in reward/verifier_failed_ratio.
//
// Reward verification runs concurrently with the step's bookkeeping (decoding, length statistics,
// the next step's label re-read and prompt draw via `sideWork`), and sequences whose advantage is
// zero are left out of the gradient computation — they contribute nothing to it but still count
// in the aggregation's denominator, exactly as in verl.
import type { PromptRecord } from '../../core/dataset/records';
import { METRIC } from '../../core/protocol/metrics';
import { grpoAdvantages } from '../../core/rl/advantages';
import { overlongMask } from '../../core/rl/overlong';
import { policyLoss } from '../../core/rl/policyLoss';
import type { Recipe, StageSpec } from '../../core/rl/recipe';
import { deriveSeed } from '../../core/rl/rng';
import { summarize } from '../../core/rl/stats';
import type { Policy } from '../model/policy';
import type { Rewards, RewardVerdict } from '../rewards';
import type { PromptCodec } from './codec';
import { updatePolicy } from './policyUpdate';

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
  rewards: Pick<Rewards, 'scoreAll'>;
  recipe: Recipe;
  stage: StageSpec;
  records: readonly PromptRecord[];
  seed: number;
  step: number;
  /** Bookkeeping to overlap with reward verification (e.g. preparing the next step). */
  sideWork?: () => void | Promise<void>;
}

export const VERIFIER_FAILED_RATIO = 'reward/verifier_failed_ratio';

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
  const groupOf = (i: number) => Math.floor(i / G);
  const recordOf = (i: number) => o.records[groupOf(i)];

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
  const scored = verdicts.map((v) => !v.verifierFailed);
  const adv = grpoAdvantages(rewards, texts.map((_, i) => String(groupOf(i))), { normalizeByStd: o.recipe.grpo.normalizeAdvantageByStd, include: scored });
  const notOverlong = overlongMask(sampled.truncated, o.stage.overlongFiltering);

  const tUpdate = performance.now();
  const update = await updatePolicy(o.policy, sampled.responses.map((resp, i) => ({
    tokens: [...promptIds[groupOf(i)], ...resp], promptLength: promptIds[groupOf(i)].length,
    advantage: adv.advantages[i], counted: notOverlong[i] && scored[i], group: groupOf(i),
  })), {
    aggregation: o.recipe.grpo.lossAggregation, loss: o.recipe.grpo.policyLoss, updates: o.recipe.grpo.updatesPerBatch,
    lossOptions: { clipRatioLow: o.recipe.grpo.clipRatioLow, clipRatioHigh: o.recipe.grpo.clipRatioHigh, clipRatioC: o.recipe.grpo.clipRatioC },
    learningRate: o.stage.learningRate, clipNorm: o.recipe.grpo.clipNorm, where: `step ${o.step} (stage ${o.stage.name})`,
  });
  const updateSeconds = (performance.now() - tUpdate) / 1000;

  // Scores and advantages describe the scored responses; a failed verification has neither.
  const score = summarize(rewards.filter((_, i) => scored[i]));
  const advStats = summarize(adv.advantages.filter((_, i) => scored[i]));
  const stepSeconds = (performance.now() - tStep) / 1000;
  const promptTokens = promptIds.reduce((a, p) => a + p.length, 0) * G;
  const metrics: Record<string, number> = {
    [METRIC.scoreMean]: score.mean, [METRIC.scoreMax]: score.max, [METRIC.scoreMin]: score.min, [METRIC.scoreStd]: score.std,
    [METRIC.advantagesMean]: advStats.mean, 'critic/advantages/max': advStats.max, 'critic/advantages/min': advStats.min,
    [METRIC.responseLengthMean]: lengthStats.mean, [METRIC.responseLengthMax]: lengthStats.max, [METRIC.responseLengthMin]: lengthStats.min,
    [METRIC.responseLengthClipRatio]: clipRatio,
    [METRIC.entropy]: totalResponseTokens ? entropySum / totalResponseTokens : 0,
    [METRIC.pgLoss]: update.pgLoss,
    [METRIC.gradNorm]: update.gradNorm,
    [METRIC.lr]: o.stage.learningRate,
    [METRIC.fracRewardZeroStd]: adv.fracRewardZeroStd,
    [VERIFIER_FAILED_RATIO]: scored.filter((s) => !s).length / scored.length,
    [METRIC.timingGen]: genSeconds, [METRIC.timingReward]: rewardSeconds, [METRIC.timingUpdateActor]: updateSeconds, [METRIC.timingStep]: stepSeconds,
    [METRIC.totalNumTokens]: promptTokens + totalResponseTokens,
    [METRIC.throughput]: (promptTokens + totalResponseTokens) / stepSeconds,
    [METRIC.globalStep]: o.step,
    'response/masked_ratio': notOverlong.filter((c) => !c).length / notOverlong.length,
  };
  if (policyLoss(o.recipe.grpo.policyLoss).usesRatio) {
    Object.assign(metrics, { 'actor/pg_clipfrac': update.clipFrac, 'actor/pg_clipfrac_lower': update.clipFracLower, 'actor/ppo_kl': update.ppoKl });
  }
  const rollouts = texts.map((response, i) => ({ record: recordOf(i), response, responseTokens: lengths[i], truncated: sampled.truncated[i], verdict: verdicts[i], advantage: adv.advantages[i] }));
  return { metrics, rollouts };
}
