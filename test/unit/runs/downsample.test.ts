import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { lowerBound, lttbIndices, minMaxIndices, upperBound, visibleRange } from '../../../src/core/runs/downsample';

describe('downsample', () => {
  test('lowerBound / upperBound on sorted steps', () => {
    const xs = [0, 2, 2, 5, 9];
    assert.equal(lowerBound(xs, 2), 1);
    assert.equal(upperBound(xs, 2), 3);
    assert.equal(lowerBound(xs, 10), 5);
    assert.equal(upperBound(xs, -1), 0);
  });

  test('visibleRange keeps one row beyond each edge so lines reach the plot border', () => {
    const xs = [0, 10, 20, 30, 40, 50];
    assert.deepEqual(visibleRange(xs, 15, 35), [1, 5]);
    assert.deepEqual(visibleRange(xs, 20, 30), [1, 5]);
    assert.deepEqual(visibleRange(xs, -100, 100), [0, 6]);
    assert.deepEqual(visibleRange(xs, 60, 70), [5, 6]);
  });

  test('min-max keeps every row of a short range', () => {
    const y = Float64Array.from([3, 1, 2]);
    assert.deepEqual([...minMaxIndices([y], 0, 3, 10)], [0, 1, 2]);
  });

  test('min-max keeps each bucket\'s extremes, so a one-step spike survives 100,000 rows', () => {
    const n = 100_000;
    const y = new Float64Array(n).fill(0.5);
    y[54_321] = 9;
    y[77_777] = -9;
    const idx = minMaxIndices([y], 0, n, 500);
    assert.ok(idx.length <= 500 * 4, `${idx.length} rows`);
    assert.ok(idx.includes(54_321) && idx.includes(77_777));
    assert.equal(idx[0], 0);
    assert.equal(idx[idx.length - 1], n - 1);
    for (let i = 1; i < idx.length; i++) assert.ok(idx[i] > idx[i - 1], 'ascending and unique');
  });

  test('min-max skips NaN (a metric not logged at that step) and works on a sub-range', () => {
    const n = 1000;
    const y = new Float64Array(n).fill(NaN);
    for (let i = 0; i < n; i += 100) y[i] = i;
    const idx = minMaxIndices([y], 200, 800, 10);
    assert.deepEqual([...idx], [200, 300, 400, 500, 600, 700]);
  });

  test('min-max unions the picks of several series', () => {
    const n = 400;
    const a = new Float64Array(n).fill(0);
    const b = new Float64Array(n).fill(0);
    a[10] = 1;
    b[390] = 1;
    const idx = [...minMaxIndices([a, b], 0, n, 2)];
    assert.ok(idx.includes(10) && idx.includes(390));
  });

  test('min-max rejects zero buckets', () => {
    assert.throws(() => minMaxIndices([new Float64Array(10)], 0, 10, 0), /buckets/);
  });

  test('LTTB keeps the endpoints and the peak of a triangle', () => {
    const n = 1001;
    const xs = Float64Array.from({ length: n }, (_, i) => i);
    const ys = Float64Array.from({ length: n }, (_, i) => (i <= 500 ? i : 1000 - i));
    const idx = lttbIndices(xs, ys, 21);
    assert.equal(idx.length, 21);
    assert.equal(idx[0], 0);
    assert.equal(idx[20], 1000);
    assert.ok([...idx].some((i) => Math.abs(i - 500) <= 25), 'a point near the peak');
  });
});
