import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aggregateLoss, combineTokenMean, overlongMask } from '../../../src/core/rl/loss';

test('token-mean weighs every token equally across the batch (DAPO / AceReason)', () => {
  const losses = [[1, 1, 1, 1], [4]];
  assert.equal(aggregateLoss(losses, 'token-mean'), 8 / 5);
  assert.equal(aggregateLoss(losses, 'seq-mean-token-mean'), (1 + 4) / 2);
  assert.equal(aggregateLoss(losses, 'seq-mean-token-sum'), (4 + 4) / 2);
});

test('masked (overlong) sequences drop out of numerator and denominator', () => {
  const losses = [[1, 1, 1, 1], [4], [10, 10]];
  assert.equal(aggregateLoss(losses, 'token-mean', [true, true, false]), 8 / 5);
  assert.equal(aggregateLoss(losses, 'token-mean', [false, false, false]), 0);
});

test('combining shards equals the token-mean of the whole batch', () => {
  const a = [[0.5, -1], [2]];
  const b = [[3, 3, 3]];
  const shard = (xs: number[][]) => ({ lossSum: xs.flat().reduce((s, v) => s + v, 0), tokenCount: xs.flat().length });
  assert.equal(combineTokenMean([shard(a), shard(b)]), aggregateLoss([...a, ...b], 'token-mean'));
});

test('overlong mask only drops truncated responses when enabled', () => {
  assert.deepEqual(overlongMask([true, false], true), [false, true]);
  assert.deepEqual(overlongMask([true, false], false), [true, true]);
});
