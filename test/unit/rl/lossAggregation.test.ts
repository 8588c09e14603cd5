// Loss aggregation modes against hand-computed values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aggregateLoss, aggregationPlan, LOSS_AGGREGATIONS } from '../../../src/core/rl/lossAggregation';
import { overlongMask } from '../../../src/core/rl/overlong';

test('token-mean weighs every token equally across the batch (DAPO / AceReason)', () => {
  const losses = [[1, 1, 1, 1], [4]];
  assert.equal(aggregateLoss(losses, 'token-mean'), 8 / 5);
  assert.equal(aggregateLoss(losses, 'seq-mean-token-mean'), (1 + 4) / 2);
  assert.equal(aggregateLoss(losses, 'seq-mean-token-sum'), (4 + 4) / 2);
});

test('plans: per-sequence scales and one denominator, by hand', () => {
  assert.deepEqual(aggregationPlan('token-mean', [4, 1, 0]), { sequenceScales: [1, 1, 1], denominator: 5 });
  assert.deepEqual(aggregationPlan('seq-mean-token-mean', [4, 1, 0]), { sequenceScales: [0.25, 1, 0], denominator: 2 });
  assert.deepEqual(aggregationPlan('seq-mean-token-sum', [4, 1, 0]), { sequenceScales: [1, 1, 1], denominator: 2 });
  for (const mode of LOSS_AGGREGATIONS) assert.equal(aggregationPlan(mode, []).denominator, 1, `${mode}: an empty batch divides by 1`);
  assert.throws(() => aggregationPlan('nope' as never, [1]), /unknown loss aggregation 'nope' \(known: token-mean, seq-mean-token-mean, seq-mean-token-sum\)/);
});

test('masked (overlong) sequences drop out of numerator and denominator', () => {
  const losses = [[1, 1, 1, 1], [4], [10, 10]];
  assert.equal(aggregateLoss(losses, 'token-mean', [true, true, false]), 8 / 5);
  assert.equal(aggregateLoss(losses, 'seq-mean-token-mean', [true, false, true]), (1 + 10) / 2);
  assert.equal(aggregateLoss(losses, 'token-mean', [false, false, false]), 0);
});

test('an empty sequence counts in no seq-mean denominator', () => {
  assert.equal(aggregateLoss([[2, 4], []], 'seq-mean-token-sum'), 6);
  assert.equal(aggregateLoss([[2, 4], []], 'seq-mean-token-mean'), 3);
});

test('overlong mask only drops truncated responses when enabled', () => {
  assert.deepEqual(overlongMask([true, false], true), [false, true]);
  assert.deepEqual(overlongMask([true, false], false), [true, true]);
});
