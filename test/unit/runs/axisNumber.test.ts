import { test } from 'node:test';
import assert from 'node:assert/strict';
import { axisNumber } from '../../../src/core/runs/axisNumber';

test('y-axis numbers carry the decimals their tick spacing needs', () => {
  assert.deepEqual([0, 0.25, 0.5, 0.75, 1].map((v) => axisNumber(v, 0.25)), ['0.00', '0.25', '0.50', '0.75', '1.00']);
  assert.deepEqual([0, 0.5, 1].map((v) => axisNumber(v, 0.5)), ['0.0', '0.5', '1.0']);
  assert.deepEqual([0, 2000, 4000, 6000].map((v) => axisNumber(v, 2000)), ['0', '2,000', '4,000', '6,000']);
  assert.deepEqual([-0.2, -0.1, 0].map((v) => axisNumber(v, 0.1)), ['-0.2', '-0.1', '0.0']);
  assert.equal(axisNumber(0.002, 0.001), '0.002');
});

test('a learning rate of 2e-4 is not "0": small spacings are written in exponent form', () => {
  assert.deepEqual([1e-4, 1.5e-4, 2e-4].map((v) => axisNumber(v, 5e-5)), ['1.0e-4', '1.5e-4', '2.0e-4']);
  assert.equal(axisNumber(0, 5e-5), '0');
  assert.equal(axisNumber(NaN, 1), '');
});
