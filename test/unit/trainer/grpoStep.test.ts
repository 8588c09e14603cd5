// One GRPO step, observed from outside. With a real (tiny) policy: exactly one optimizer step, the
// group advantages as weights, and the default recipe's update bit-for-bit equal to the formula the
// recipe states (token-mean of −A·log π, one step). With a one-parameter policy whose every token has
// log p = θ (so ∂loss/∂θ is the sum of the token weights): each loss aggregation, the PPO clipped
// loss off-policy, failed verifications and non-finite gradients against hand-computed values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { grpoAdvantages, GRPO_EPSILON } from '../../../src/core/rl/advantages';
import { aggregateLoss, LOSS_AGGREGATIONS, type LossAggregation } from '../../../src/core/rl/lossAggregation';
import { parseRecipe, type Recipe } from '../../../src/core/rl/recipe';
import { PRESET_INPUTS } from '../../../src/core/rl/presets';
import { deriveSeed } from '../../../src/core/rl/rng';
import { CharTokenizer, createPolicy } from '../../../src/trainer/model/index';
import type { Policy, SampleResult, TrainSequence } from '../../../src/trainer/model/policy';
import { CharPromptCodec } from '../../../src/trainer/rl/codec';
import { grpoStep, VERIFIER_FAILED_RATIO } from '../../../src/trainer/rl/grpoStep';
import { NonFiniteUpdateError } from '../../../src/trainer/rl/nonFinite';
import type { RewardVerdict } from '../../../src/trainer/rewards';

// Gradients travel as Float32Array (the Policy interface), hence the 1e-6 default.
const close = (a: number, b: number, tol = 1e-6) => assert.ok(Math.abs(a - b) <= tol, `${a} ≉ ${b}`);
const records = ['1+1=?', '2+2=?', '3+1=?'].map((p, i) => ({ id: `q${i}`, source: 't', domain: 'math' as const, problem: p, answer: '2' }));
const verdict = (reward: number, failed = false): RewardVerdict => ({ reward: failed ? 0 : reward, state: failed ? 'timeout' : reward ? 'correct' : 'wrong', verifierFailed: failed, extracted: null, verdict: 'test' });
const demoRecipe = (grpo: Partial<Recipe['grpo']> = {}) => parseRecipe({ ...structuredClone(PRESET_INPUTS.demo), grpo: { ...PRESET_INPUTS.demo.grpo, ...grpo } });
const tokenizer = CharTokenizer.fromCorpus(records.map((r) => r.problem), { extraChars: ' 0123456789<>/\\{}=+-*?abcdefghijklmnopqrstuvwxyz\n' });
const codec = new CharPromptCodec(tokenizer, true);
// Reward: 1 for responses of even length — arbitrary but deterministic, so groups are mixed.
const evenLengthRewards = { scoreAll: async (items: readonly { response: string }[]) => items.map((it) => verdict(it.response.length % 2 === 0 ? 1 : 0)) };

async function tinyPolicy() {
  return createPolicy({ vocabSize: tokenizer.vocabSize, contextLength: 32, layers: 1, heads: 2, width: 16, mlpRatio: 2, seed: 1 });
}

for (const overlong of [false, true]) {
  test(`GRPO step (overlong filtering ${overlong ? 'on' : 'off'}): one update, advantages as weights, token-mean denominator`, async () => {
    const inner = await tinyPolicy();
    const calls = { apply: 0, batches: [] as TrainSequence[][], tokenCount: -1 };
    const policy: Policy = Object.assign(Object.create(Object.getPrototypeOf(inner)), inner, {
      computeGradients: (b: TrainSequence[]) => { calls.batches.push(b); return inner.computeGradients(b); },
      applyGradients: (g: Float32Array[], n: number, o: { learningRate: number; clipNorm: number }) => { calls.apply++; calls.tokenCount = n; return inner.applyGradients(g, n, o); },
    });
    const recipe = demoRecipe();
    const stage = { ...recipe.stages[0], rolloutsPerPrompt: 4, maxResponseLength: 6, temperature: 1.5, overlongFiltering: overlong };
    const before = inner.getWeights();
    const r = await grpoStep({ policy, codec, rewards: evenLengthRewards, recipe, stage, records, seed: 5, step: 1 });
    assert.equal(calls.apply, 1, 'exactly one optimizer step per rollout batch');
    assert.equal(r.rollouts.length, records.length * 4);
    const expected = grpoAdvantages(r.rollouts.map((x) => x.verdict.reward), r.rollouts.map((x) => x.record.id));
    assert.deepEqual(r.rollouts.map((x) => x.advantage), expected.advantages);
    assert.equal(r.metrics['frac_reward_zero_std'], expected.fracRewardZeroStd);
    assert.equal(r.metrics[VERIFIER_FAILED_RATIO], 0);
    const counted = r.rollouts.filter((x) => !(overlong && x.truncated));
    assert.equal(calls.tokenCount, Math.max(1, counted.reduce((a, x) => a + x.responseTokens, 0)));
    const sent = calls.batches.flat();
    assert.deepEqual(sent.map((q) => q.weight).sort(), counted.filter((x) => x.advantage !== 0 && x.responseTokens > 0).map((x) => x.advantage).sort());
    if (overlong) assert.ok(r.rollouts.some((x) => x.truncated), 'the test needs a truncated response');
    assert.equal(r.metrics['response_length/clip_ratio'], r.rollouts.filter((x) => x.truncated).length / r.rollouts.length);
    if (sent.length > 0) assert.notDeepEqual(inner.getWeights(), before);
    inner.dispose();
  });
}

test('the default recipe\'s update is exactly the recipe\'s formula: one Adam step on Σ −A·log π / token count', async () => {
  const recipe = demoRecipe();
  assert.equal(recipe.grpo.policyLoss, 'vanilla');
  assert.equal(recipe.grpo.lossAggregation, 'token-mean');
  assert.equal(recipe.grpo.updatesPerBatch, 1);
  const stage = { ...recipe.stages[0], rolloutsPerPrompt: 4, maxResponseLength: 6, temperature: 1.5 };
  const composed = await tinyPolicy();
  await grpoStep({ policy: composed, codec, rewards: evenLengthRewards, recipe, stage, records, seed: 5, step: 1 });

  // The formula written out by hand on an identical policy.
  const reference = await tinyPolicy();
  const prompts = records.map((r) => codec.promptIds(r));
  const sampled = await reference.sample(prompts.flatMap((p) => [p, p, p, p]), {
    maxNewTokens: 6, temperature: 1.5, topP: stage.topP, stopTokens: codec.stopTokens, seed: deriveSeed(5, 'rollout', 1),
  });
  const rewards = sampled.responses.map((ids) => (codec.responseText(ids).length % 2 === 0 ? 1 : 0));
  const adv = grpoAdvantages(rewards, rewards.map((_, i) => String(Math.floor(i / 4)))).advantages;
  const counted = sampled.truncated.map((t) => !(stage.overlongFiltering && t));
  const tokens = sampled.responses.reduce((a, r, i) => a + (counted[i] ? r.length : 0), 0);
  const batch = sampled.responses.flatMap((r, i) => (counted[i] && r.length && adv[i] !== 0 ? [{ tokens: [...prompts[Math.floor(i / 4)], ...r], promptLength: prompts[Math.floor(i / 4)].length, weight: adv[i] }] : []));
  assert.ok(batch.length > 0, 'the test needs a batch with signal');
  const g = await reference.computeGradients(batch);
  await reference.applyGradients(g.grads, Math.max(1, tokens), { learningRate: stage.learningRate, clipNorm: recipe.grpo.clipNorm });
  assert.deepEqual(composed.getWeights(), reference.getWeights());
  composed.dispose();
  reference.dispose();
});

// ---- a one-parameter policy: log p(token) = θ for every response token.
interface Scripted { responses: number[][]; truncated: boolean[] }
function linearPolicy(script: Scripted, opts: { nanGradient?: boolean } = {}) {
  const state = { theta: 0, applied: [] as { gradient: number; denominator: number }[], logProbCalls: 0, batches: [] as TrainSequence[][] };
  const tokenWeights = (s: TrainSequence) => s.tokenWeights ?? new Array(s.tokens.length - s.promptLength).fill(s.weight);
  const policy = {
    config: { vocabSize: tokenizer.vocabSize, contextLength: 64, layers: 1, heads: 1, width: 1, mlpRatio: 1, seed: 0 },
    variableNames: () => ['theta'],
    parameterCount: () => 1,
    sample: async (): Promise<SampleResult> => ({ responses: script.responses, truncated: script.truncated, entropy: script.responses.map(() => 1) }),
    // loss = Σ −w·log p = Σ −w·θ, so ∂loss/∂θ = −Σ w.
    computeGradients: async (batch: TrainSequence[]) => {
      state.batches.push(batch);
      const w = batch.flatMap(tokenWeights).reduce((a, b) => a + b, 0);
      return { grads: [new Float32Array([opts.nanGradient ? NaN : -w])], lossSum: -w * state.theta, tokenCount: batch.flatMap(tokenWeights).length };
    },
    logProbs: async (batch: TrainSequence[]) => { state.logProbCalls++; return batch.map((s) => new Array(s.tokens.length - s.promptLength).fill(state.theta)); },
    // Plain SGD with learning rate 1 on the aggregated gradient; float64 so hand values match.
    applyGradients: async (grads: Float32Array[], denominator: number) => {
      const gradient = grads[0][0] / denominator;
      state.applied.push({ gradient, denominator });
      state.theta -= gradient;
      return { gradNorm: Math.abs(gradient) };
    },
    getWeights: () => [new Float32Array([state.theta])],
    setWeights: () => {},
    save: async () => {},
    dispose: () => {},
  } as unknown as Policy;
  return { policy, state };
}

// Two prompts, G = 2: responses of 1 and 3 tokens (the 3-token one truncated), then 2 and 5 tokens.
const tok = tokenizer.encode('a')[0];
const ofLength = (n: number) => new Array(n).fill(tok);
const twoGroups: Scripted = { responses: [ofLength(1), ofLength(3), ofLength(2), ofLength(5)], truncated: [false, true, false, false] };
const a = 0.5 / (Math.SQRT1_2 + GRPO_EPSILON); // advantage magnitude in a group [1, 0] (unbiased std √0.5)
const fixedRewards = (vs: RewardVerdict[]) => ({ scoreAll: async () => vs });

test('every loss aggregation the recipe accepts is the one that runs, with the gradient aggregateLoss gives', async () => {
  // Rewards [1,0] and [0,1] → advantages [a, −a], [−a, a]; overlong filtering drops the truncated 3-token response.
  // Per-token loss −A·θ has ∂/∂θ = −A; counted: (1 token, a), (2 tokens, −a), (5 tokens, a).
  const byHand: Record<LossAggregation, number> = {
    'token-mean': -(1 * a - 2 * a + 5 * a) / 8,
    'seq-mean-token-mean': -(a - a + a) / 3,
    'seq-mean-token-sum': -(1 * a - 2 * a + 5 * a) / 3,
  };
  assert.deepEqual(Object.keys(byHand).sort(), [...LOSS_AGGREGATIONS].sort(), 'every registered mode has a hand-computed case');
  for (const mode of LOSS_AGGREGATIONS) {
    const { policy, state } = linearPolicy(twoGroups);
    const recipe = demoRecipe({ lossAggregation: mode });
    const stage = { ...recipe.stages[0], rolloutsPerPrompt: 2, overlongFiltering: true };
    const r = await grpoStep({ policy, codec, rewards: fixedRewards([verdict(1), verdict(0), verdict(0), verdict(1)]), recipe, stage, records: records.slice(0, 2), seed: 1, step: 1 });
    assert.equal(state.applied.length, 1);
    close(state.applied[0].gradient, byHand[mode]);
    const tokenGradients = r.rollouts.map((x) => new Array(x.responseTokens).fill(-x.advantage));
    close(state.applied[0].gradient, aggregateLoss(tokenGradients, mode, r.rollouts.map((x) => !x.truncated)));
  }
});

test('a failed verification is left out of its group\'s advantage and of the loss, and counted', async () => {
  // Group 0: [1, 0, timeout]; group 1: [0, 1, 1]. Lengths 1, 3, 4 | 2, 5, 6; no overlong filtering.
  const script: Scripted = { responses: [ofLength(1), ofLength(3), ofLength(4), ofLength(2), ofLength(5), ofLength(6)], truncated: new Array(6).fill(false) };
  const { policy, state } = linearPolicy(script);
  const recipe = demoRecipe();
  const stage = { ...recipe.stages[0], rolloutsPerPrompt: 3, overlongFiltering: false };
  const r = await grpoStep({ policy, codec, rewards: fixedRewards([verdict(1), verdict(0), verdict(0, true), verdict(0), verdict(1), verdict(1)]), recipe, stage, records: records.slice(0, 2), seed: 1, step: 1 });
  // Group 0 scored [1, 0]: ±a. Group 1 [0, 1, 1]: mean 2/3, std √(1/3).
  const s = Math.sqrt(1 / 3) + GRPO_EPSILON;
  const expected = [a, -a, 0, (-2 / 3) / s, (1 / 3) / s, (1 / 3) / s];
  r.rollouts.forEach((x, i) => close(x.advantage, expected[i]));
  assert.equal(r.rollouts[2].verdict.state, 'timeout');
  close(r.metrics[VERIFIER_FAILED_RATIO], 1 / 6);
  // Token-mean over the 1+3+2+5+6 = 17 scored tokens; the failed 4-token response is in neither sum.
  assert.equal(state.applied[0].denominator, 17);
  close(state.applied[0].gradient, -(1 * expected[0] + 3 * expected[1] + 2 * expected[3] + 5 * expected[4] + 6 * expected[5]) / 17);
  assert.ok(!state.batches.flat().some((q) => q.tokens.length - q.promptLength === 4));
  close(r.metrics['critic/score/mean'], 3 / 5, 1e-12);
});

test('ppo-clip with two updates per batch: ratios against the sampling policy, clipped tokens send no gradient', async () => {
  const { policy, state } = linearPolicy({ responses: [ofLength(1), ofLength(3), ofLength(2), ofLength(5)], truncated: new Array(4).fill(false) });
  const recipe = demoRecipe({ policyLoss: 'ppo-clip', updatesPerBatch: 2, clipRatioLow: 0.2, clipRatioHigh: 0.28 });
  const stage = { ...recipe.stages[0], rolloutsPerPrompt: 2, overlongFiltering: false };
  const r = await grpoStep({ policy, codec, rewards: fixedRewards([verdict(1), verdict(0), verdict(0), verdict(1)]), recipe, stage, records: records.slice(0, 2), seed: 1, step: 1 });
  assert.equal(state.applied.length, 2, 'one optimizer step per mini-batch');
  // Mini-batch 1 = group 0, on-policy (ratio 1): ∂/∂θ = −(1·a − 3·a)/4 = a/2; θ becomes −a/2.
  close(state.applied[0].gradient, a / 2);
  // Mini-batch 2 = group 1: ratio r = exp(θ − 0) = exp(−a/2) ≈ 0.702 < 1 − 0.2. The A = −a response is
  // clipped (no gradient); the A = +a one is not (A > 0 keeps pushing up): weight a·r on 5 tokens, over 7.
  const ratio = Math.exp(-a / 2);
  assert.ok(ratio < 0.8);
  close(state.applied[1].gradient, -(5 * a * ratio) / 7);
  assert.equal(state.logProbCalls, 2, 'old log-probs once before the first step, current ones for the off-policy mini-batch');
  close(r.metrics['actor/pg_clipfrac'], 2 / 11);
  close(r.metrics['actor/ppo_kl'], (7 * (a / 2)) / 11);
  // Loss values: mini-batch 1 −A per token; mini-batch 2 −A·clip(r) for the clipped, −A·r for the other.
  close(r.metrics['actor/pg_loss'], ((-a + 3 * a) / 4 + (2 * a * 0.8 - 5 * a * ratio) / 7) / 2);
  assert.throws(() => demoRecipe({ updatesPerBatch: 2 }), /policyLoss 'vanilla' has no importance ratio/);
});

test('a NaN gradient stops the step before the optimizer step, with a message saying what and where', async () => {
  const { policy, state } = linearPolicy(twoGroups, { nanGradient: true });
  const recipe = demoRecipe();
  const stage = { ...recipe.stages[0], rolloutsPerPrompt: 2 };
  await assert.rejects(
    grpoStep({ policy, codec, rewards: fixedRewards([verdict(1), verdict(0), verdict(0), verdict(1)]), recipe, stage, records: records.slice(0, 2), seed: 1, step: 7 }),
    (e: Error) => e instanceof NonFiniteUpdateError && /^step 7 \(stage math-24\): the gradient of theta is NaN at index 0; stopped before the optimizer step/.test(e.message),
  );
  assert.equal(state.applied.length, 0);
});

test('an infinite loss from the real model stops the step too', async () => {
  const inner = await tinyPolicy();
  const policy: Policy = Object.assign(Object.create(Object.getPrototypeOf(inner)), inner, {
    computeGradients: async (b: TrainSequence[]) => ({ ...(await inner.computeGradients(b)), lossSum: Infinity }),
  });
  const before = inner.getWeights();
  const recipe = demoRecipe();
  const stage = { ...recipe.stages[0], rolloutsPerPrompt: 4, maxResponseLength: 6, temperature: 1.5 };
  await assert.rejects(grpoStep({ policy, codec, rewards: evenLengthRewards, recipe, stage, records, seed: 5, step: 3 }), /step 3 \(stage math-24\): the policy loss is Infinity/);
  assert.deepEqual(inner.getWeights(), before);
  inner.dispose();
});
