import { test } from 'node:test';
import assert from 'node:assert/strict';
import { avgAtK, passAtK, summarizeEval } from '../../../src/core/rl/passAtK';

const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} ≉ ${b}`);

test('unbiased pass@k = 1 − C(n−c,k)/C(n,k), hand-computed', () => {
  close(passAtK(4, 1, 1), 0.25);
  close(passAtK(4, 1, 2), 1 - 3 / 6); // C(3,2)/C(4,2)
  close(passAtK(5, 2, 3), 1 - 1 / 10); // C(3,3)/C(5,3)
  close(passAtK(10, 0, 5), 0);
  close(passAtK(10, 6, 5), 1); // n − c < k
  close(passAtK(16, 3, 4), 1 - 715 / 1820); // C(13,4)=715, C(16,4)=1820
});

test('pass@1 equals avg@n', () => {
  for (let c = 0; c <= 8; c++) close(passAtK(8, c, 1), avgAtK(Array.from({ length: 8 }, (_, i) => i < c)));
});

test('summarizeEval averages over problems', () => {
  const s = summarizeEval([[true, false, false, false], [true, true, true, true], [false, false, false, false]]);
  close(s.meanAtK, (0.25 + 1 + 0) / 3);
  close(s.passAtK, (1 + 1 + 0) / 3);
  assert.equal(s.samplesPerProblem, 4);
});

test('invalid arguments are rejected', () => {
  assert.throws(() => passAtK(4, 5, 1), /0 ≤ c ≤ n/);
  assert.throws(() => passAtK(4, 1, 5), /1 ≤ k ≤ n/);
  assert.throws(() => summarizeEval([[true], [true, false]]), /problem 1 has 2 samples/);
});
