// Rewards by name: the recipe picks one registered reward per domain. The math reward is core's
// verifier with the budget `acereason serve` uses (so a verl run and the embedded trainer reward an
// answer alike), and every verdict says its state; verifier failures are flagged, never a silent 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRecipe, PRESET_INPUTS } from '../../../src/core/rl/index';
import { CodeSandbox } from '../../../src/core/reward/code/sandbox';
import { MathVerifierPool } from '../../../src/core/reward/math';
import { startRewardService } from '../../../src/core/reward/service';
import { checkRewardNames, registeredReward, Rewards } from '../../../src/trainer/rewards';
import { REWARDS } from '../../../src/trainer/rl/rewards/index';

const math = (answer: string) => ({ id: 'm', source: 's', domain: 'math' as const, problem: 'p', answer });
// Σ_{k=1}^{5000} k³ = (5000·5001/2)²: exact, and about 0.4 s of big-integer work to confirm — over
// the 200 ms the trainer's old private budget allowed, well within serve's.
const slowGold = '\\sum_{k=1}^{5000} k^3';
const slowResponse = `<think>add the cubes</think> The total is \\boxed{${((5000n * 5001n) / 2n) ** 2n}}.`;

test('math-verify grades as acereason serve does, including an answer that takes longer than 200 ms to check', { timeout: 60_000 }, async () => {
  const rewards = new Rewards({ mathWorkers: 1 });
  const sandbox = new CodeSandbox();
  const pool = new MathVerifierPool({ size: 1 });
  const service = await startRewardService({ port: 0, sandbox, math: pool });
  try {
    const cases = [
      { gold: slowGold, response: slowResponse },
      { gold: '\\frac{1}{2}', response: '</think> so \\boxed{0.5}' },
      { gold: '7', response: '<think>maybe \\boxed{7}</think> I am not sure' },
      { gold: '7', response: '</think> the answer is 7' },
      { gold: '\\frac{1}{', response: '</think> \\boxed{3}' },
    ];
    const res = await fetch(`${service.url}/verify/math`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(cases.map((c) => ({ ...c, extract: ['boxed'] }))) });
    const served = (await res.json()) as { correct: boolean; state: string; extracted: string | null }[];
    const ours = await rewards.scoreAll(cases.map((c) => ({ record: math(c.gold), response: c.response })));
    assert.deepEqual(ours.map((v) => [v.reward, v.state, v.extracted]), served.map((v) => [v.correct ? 1 : 0, v.state, v.extracted]));
    assert.deepEqual(ours.map((v) => v.state), ['correct', 'correct', 'no-answer', 'no-answer', 'gold-unparseable']);
    assert.deepEqual(ours.map((v) => v.verifierFailed), [false, false, false, false, true]);
  } finally {
    await service.close();
    await pool.close();
    sandbox.close();
    await rewards.close();
  }
});

test('code-tests: a request the sandbox cannot run is a verifier failure (state error), not a wrong program', async () => {
  const rewards = new Rewards();
  try {
    const record = { id: 'c', source: 's', domain: 'code' as const, problem: 'p', format: 'functional' as const, fnName: 'not an identifier', tests: [{ input: '1', output: '1' }] };
    const v = await rewards.score(record, '</think>\n```python\ndef f(x):\n    return x\n```');
    assert.equal(v.state, 'error');
    assert.equal(v.verifierFailed, true);
    assert.equal(v.reward, 0);
    assert.match(v.verdict, /^sandbox error: fn_name must be an identifier/);
  } finally {
    await rewards.close();
  }
});

test('rewards are chosen by name per domain; a wrong name fails naming the recipe field and the choices', () => {
  const recipe = parseRecipe(structuredClone(PRESET_INPUTS.demo));
  assert.deepEqual(recipe.rewards, { math: 'math-verify', code: 'code-tests' });
  checkRewardNames(recipe);
  assert.equal(registeredReward('math', 'math-verify'), REWARDS['math-verify']);
  assert.throws(() => checkRewardNames({ rewards: { math: 'math-format', code: 'code-tests' } }), /^Error: recipe field rewards\.math: no reward named 'math-format' \(registered math rewards: math-verify\)$/);
  assert.throws(() => new Rewards({ select: { code: 'math-verify' } }), /recipe field rewards\.code: 'math-verify' is a math reward \(registered code rewards: code-tests\)/);
  assert.throws(() => registeredReward('math', 'toString'), /no reward named 'toString'/);
  for (const [name, reward] of Object.entries(REWARDS)) assert.ok(reward.description.length > 10, `${name} describes itself`);
});
