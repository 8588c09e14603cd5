import { test } from 'node:test';
import assert from 'node:assert/strict';
import { grpoAdvantages, groupMeanStd, GRPO_EPSILON } from '../../../src/core/rl/advantages';

const close = (a: number, b: number, tol = 1e-9) => assert.ok(Math.abs(a - b) <= tol, `${a} ≉ ${b}`);

test('group of [1,0,0,0]: unbiased std (torch.std) — mean 0.25, std 0.5', () => {
  const { mean, std } = groupMeanStd([1, 0, 0, 0]);
  close(mean, 0.25);
  close(std, 0.5); // sqrt(((0.75)^2 + 3*(0.25)^2) / 3) = sqrt(0.75/3) = 0.5; population std would be 0.4330
  const r = grpoAdvantages([1, 0, 0, 0], ['a', 'a', 'a', 'a']);
  close(r.advantages[0], 0.75 / (0.5 + GRPO_EPSILON));
  for (const i of [1, 2, 3]) close(r.advantages[i], -0.25 / (0.5 + GRPO_EPSILON));
  assert.equal(r.zeroStdGroups, 0);
});

test('all-equal groups get zero advantage and are counted in frac_reward_zero_std', () => {
  const r = grpoAdvantages([1, 1, 0, 0, 1, 0], ['a', 'a', 'b', 'b', 'c', 'c']);
  assert.deepEqual(r.advantages.slice(0, 4), [0, 0, 0, 0]);
  assert.equal(r.groupCount, 3);
  assert.equal(r.zeroStdGroups, 2);
  close(r.fracRewardZeroStd, 2 / 3);
  // group c = [1, 0]: mean 0.5, unbiased std sqrt(0.5) = 0.70711
  close(r.advantages[4], 0.5 / (Math.SQRT1_2 + GRPO_EPSILON));
  close(r.advantages[5], -0.5 / (Math.SQRT1_2 + GRPO_EPSILON));
});

test('groups need not be adjacent; advantages of a group sum to zero', () => {
  const rewards = [1, 0, 0, 1, 1, 0.5];
  const ids = ['x', 'y', 'x', 'y', 'x', 'y'];
  const r = grpoAdvantages(rewards, ids);
  close(r.advantages[0] + r.advantages[2] + r.advantages[4], 0, 1e-9);
  close(r.advantages[1] + r.advantages[3] + r.advantages[5], 0, 1e-9);
  // x = [1,0,1]: mean 2/3, std sqrt(((1/3)^2*2 + (2/3)^2)/2) = sqrt(1/3)
  close(r.advantages[2], (-2 / 3) / (Math.sqrt(1 / 3) + GRPO_EPSILON));
});

test('a group of one response: mean 0, std 1 (verl special case)', () => {
  const r = grpoAdvantages([0.7], ['only']);
  close(r.advantages[0], 0.7 / (1 + GRPO_EPSILON));
  assert.equal(r.zeroStdGroups, 0);
});

test('normalizeByStd false (Dr.GRPO style) gives r − mean', () => {
  const r = grpoAdvantages([1, 0, 0, 0], ['a', 'a', 'a', 'a'], { normalizeByStd: false });
  assert.deepEqual(r.advantages, [0.75, -0.25, -0.25, -0.25]);
});

test('bad input is rejected with a clear message', () => {
  assert.throws(() => grpoAdvantages([1, 0], ['a']), /2 rewards but 1 group ids/);
  assert.throws(() => grpoAdvantages([NaN], ['a']), /reward 0 is not finite/);
});

test('failed verifications are left out of their group\'s mean and std and get advantage 0', () => {
  // group a = [1, 0, (failed), 0]: scored [1, 0, 0] → mean 1/3, unbiased std sqrt(((2/3)^2 + 2(1/3)^2)/2) = sqrt(1/3)
  const r = grpoAdvantages([1, 0, 0, 0], ['a', 'a', 'a', 'a'], { include: [true, true, false, true] });
  close(r.advantages[0], (2 / 3) / (Math.sqrt(1 / 3) + GRPO_EPSILON));
  close(r.advantages[1], (-1 / 3) / (Math.sqrt(1 / 3) + GRPO_EPSILON));
  assert.equal(r.advantages[2], 0);
  close(r.advantages[3], r.advantages[1]);
  // Without the flag the failure would be a 0 and change everyone's advantage.
  const silent = grpoAdvantages([1, 0, 0, 0], ['a', 'a', 'a', 'a']);
  assert.notEqual(silent.advantages[0], r.advantages[0]);
});

test('a group reduced to one scored response, or to none, carries no signal', () => {
  const r = grpoAdvantages([1, 0, 1, 0], ['a', 'a', 'b', 'b'], { include: [true, false, false, false] });
  assert.deepEqual(r.advantages, [0, 0, 0, 0]);
  assert.equal(r.zeroStdGroups, 1);
  assert.equal(r.unscoredGroups, 1);
  assert.throws(() => grpoAdvantages([1], ['a'], { include: [] }), /1 rewards but 0 include flags/);
  // A failed response's reward is never read, so it may be anything.
  assert.deepEqual(grpoAdvantages([NaN, 1, 0], ['a', 'a', 'a'], { include: [false, true, true] }).advantages[0], 0);
});
