// Policy losses against hand-computed values (verl's compute_policy_loss "vanilla" PPO formula).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_POLICY_LOSS_OPTIONS, POLICY_LOSSES, policyLoss } from '../../../src/core/rl/policyLoss';

const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} ≉ ${b}`);
const opts = { clipRatioLow: 0.2, clipRatioHigh: 0.28, clipRatioC: 3 };

test('vanilla: weight −A on log p whatever the log-probs (importance ratio 1), loss −A·log p', () => {
  const t = policyLoss('vanilla').terms([-1, -2], [-5, 0], [0.5, -2], opts);
  assert.deepEqual(t.logpWeights, [-0.5, 2]);
  assert.deepEqual(t.losses, [-0.5 * -1, 2 * -2]);
  assert.deepEqual(t.clipped, [false, false]);
});

test('ppo-clip on-policy (ratio 1) equals vanilla\'s weights; loss −A', () => {
  const t = POLICY_LOSSES['ppo-clip'].terms([-0.7, -3], [-0.7, -3], [1.5, -0.5], opts);
  assert.deepEqual(t.logpWeights, [-1.5, 0.5]);
  assert.deepEqual(t.losses, [-1.5, 0.5]);
  assert.deepEqual(t.clipped, [false, false]);
});

test('ppo-clip by hand: inside the range −A·r; above 1+εhigh with A>0 clipped; below 1−εlow with A<0 clipped', () => {
  const ln = Math.log;
  // ratios 1.1 (inside), 1.5 (A>0: clipped at 1.28), 1.5 (A<0: not clipped, pushes down), 0.5 (A>0: not clipped),
  // 0.5 (A<0: clipped at 0.8), 4 (A<0: dual clip caps the loss at −A·3).
  const ratios = [1.1, 1.5, 1.5, 0.5, 0.5, 4];
  const adv = [2, 2, -1, 1, -1, -1];
  const old = [-1, -1, -1, -1, -1, -1];
  const logp = ratios.map((r, t) => old[t] + ln(r));
  const t = policyLoss('ppo-clip').terms(logp, old, adv, opts);
  const expectedLoss = [-2 * 1.1, -2 * 1.28, 1.5, -0.5, 0.8, 3];
  const expectedWeight = [-2 * 1.1, 0, 1.5, -0.5, 0, 0];
  expectedLoss.forEach((l, i) => close(t.losses[i], l));
  expectedWeight.forEach((w, i) => close(t.logpWeights[i], w));
  assert.deepEqual(t.clipped, [false, true, false, false, true, false]);
  assert.deepEqual(t.clippedLower, [false, false, false, false, false, true]);
});

test('ppo-clip: a log-ratio beyond ±20 is clamped and sends no gradient', () => {
  const t = POLICY_LOSSES['ppo-clip'].terms([0], [-50], [-1], { ...DEFAULT_POLICY_LOSS_OPTIONS, clipRatioC: 1e12 });
  close(t.losses[0], Math.exp(20), 1e-3);
  assert.equal(t.logpWeights[0], 0);
});

test('unknown loss names fail naming the known ones', () => {
  assert.throws(() => policyLoss('grpo-magic' as never), /unknown policy loss 'grpo-magic' \(known: vanilla, ppo-clip\)/);
});
