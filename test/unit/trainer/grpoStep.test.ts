// One GRPO step against a real (tiny) policy, observed through a recording wrapper: exactly one
// optimizer step; the gradient batch carries the group advantages; the token-mean denominator counts
// every response token of the batch (zero-advantage ones too) except overlong-filtered ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { grpoAdvantages } from '../../../src/core/rl/advantages';
import { parseRecipe } from '../../../src/core/rl/recipe';
import { PRESET_INPUTS } from '../../../src/core/rl/presets';
import { CharTokenizer, createPolicy } from '../../../src/trainer/model/index';
import type { Policy, TrainSequence } from '../../../src/trainer/model/policy';
import { PromptCodec } from '../../../src/trainer/rl/codec';
import { grpoStep } from '../../../src/trainer/rl/grpoStep';
import type { Rewards } from '../../../src/trainer/rewards';

const records = ['1+1=?', '2+2=?', '3+1=?'].map((p, i) => ({ id: `q${i}`, source: 't', domain: 'math' as const, problem: p, answer: '2' }));

async function setup(overlong: boolean) {
  const tokenizer = CharTokenizer.fromCorpus(records.map((r) => r.problem), { extraChars: ' 0123456789<>/\\{}=+-*?abcdefghijklmnopqrstuvwxyz\n' });
  const inner = await createPolicy({ vocabSize: tokenizer.vocabSize, contextLength: 32, layers: 1, heads: 2, width: 16, mlpRatio: 2, seed: 1 });
  const calls = { apply: 0, batches: [] as TrainSequence[][], tokenCount: -1 };
  const policy: Policy = Object.assign(Object.create(Object.getPrototypeOf(inner)), inner, {
    computeGradients: (b: TrainSequence[]) => { calls.batches.push(b); return inner.computeGradients(b); },
    applyGradients: (g: Float32Array[], n: number, o: { learningRate: number; clipNorm: number }) => { calls.apply++; calls.tokenCount = n; return inner.applyGradients(g, n, o); },
  });
  // Reward: 1 for responses of even length — arbitrary but deterministic, so groups are mixed.
  const rewards = { scoreAll: async (items: { response: string }[]) => items.map((it) => ({ reward: it.response.length % 2 === 0 ? 1 : 0, extracted: null, verdict: 'test' })) } as unknown as Rewards;
  const base = parseRecipe(structuredClone(PRESET_INPUTS.demo));
  const stage = { ...base.stages[0], rolloutsPerPrompt: 4, maxResponseLength: 6, temperature: 1.5, overlongFiltering: overlong };
  return { tokenizer, inner, policy, calls, rewards, recipe: base, stage, codec: new PromptCodec(tokenizer, true) };
}

for (const overlong of [false, true]) {
  test(`GRPO step (overlong filtering ${overlong ? 'on' : 'off'}): one update, advantages as weights, token-mean denominator`, async () => {
    const s = await setup(overlong);
    const before = s.inner.getWeights();
    const r = await grpoStep({ policy: s.policy, codec: s.codec, rewards: s.rewards, recipe: s.recipe, stage: s.stage, records, seed: 5, step: 1 });
    assert.equal(s.calls.apply, 1, 'exactly one optimizer step per rollout batch');
    assert.equal(r.rollouts.length, records.length * 4);
    const expected = grpoAdvantages(r.rollouts.map((x) => x.verdict.reward), r.rollouts.map((x) => x.record.id));
    assert.deepEqual(r.rollouts.map((x) => x.advantage), expected.advantages);
    assert.equal(r.metrics['frac_reward_zero_std'], expected.fracRewardZeroStd);
    const counted = r.rollouts.filter((x) => !(overlong && x.truncated));
    assert.equal(s.calls.tokenCount, Math.max(1, counted.reduce((a, x) => a + x.responseTokens, 0)));
    const sent = s.calls.batches.flat();
    assert.deepEqual(sent.map((q) => q.weight).sort(), counted.filter((x) => x.advantage !== 0 && x.responseTokens > 0).map((x) => x.advantage).sort());
    if (overlong) assert.ok(r.rollouts.some((x) => x.truncated), 'the test needs a truncated response');
    assert.equal(r.metrics['response_length/clip_ratio'], r.rollouts.filter((x) => x.truncated).length / r.rollouts.length);
    if (sent.length > 0) assert.notDeepEqual(s.inner.getWeights(), before);
    s.inner.dispose();
  });
}
