import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MetricsTable } from '../../../src/core/runs/metricsTable';
import { isChartedMetric, seriesFor, CHARTS, valCoreLabel } from '../../../src/core/runs/charts';
import { linesToColumnar } from '../../../src/core/runs/runFeed';

describe('MetricsTable', () => {
  test('appends rows, NaN where a key was not logged, and grows past its initial capacity', () => {
    const t = new MetricsTable();
    for (let s = 0; s < 1000; s++) t.append({ step: s, data: s % 2 ? { a: s } : { a: s, b: -s } });
    assert.equal(t.length, 1000);
    assert.equal(t.column('a')![999], 999);
    assert.ok(Number.isNaN(t.column('b')![999]));
    assert.equal(t.column('b')![998], -998);
    assert.equal(t.lastValue('b'), -998);
    assert.equal(t.lastStep(), 999);
  });

  test('a key first logged late is NaN for the earlier rows', () => {
    const t = new MetricsTable();
    t.append({ step: 1, data: { a: 1 } });
    t.append({ step: 2, data: { a: 2, late: 7 } });
    assert.deepEqual([...t.column('late')!].map((v) => (Number.isNaN(v) ? null : v)), [null, 7]);
  });

  test('re-logged steps after a resume replace the rows from that step on', () => {
    const t = new MetricsTable();
    for (const step of [1, 2, 3, 4, 5]) t.append({ step, data: { a: step } });
    t.append({ step: 3, data: { a: 30 } });
    assert.deepEqual([...t.steps], [1, 2, 3]);
    assert.deepEqual([...t.column('a')!], [1, 2, 30]);
  });

  test('keeps only the keys the filter accepts', () => {
    const t = new MetricsTable(isChartedMetric);
    t.append({ step: 0, data: { 'critic/score/mean': 0.5, 'timing_s/gen': 3, 'val-core/aime24/acc/mean@16': 0.2 } });
    assert.deepEqual(t.keys().sort(), ['critic/score/mean', 'val-core/aime24/acc/mean@16']);
  });

  test('columnar round trip, including a row range', () => {
    const t = new MetricsTable();
    t.append({ step: 0, data: { a: 1 } });
    t.append({ step: 5, data: { b: 2 } });
    t.append({ step: 6, data: { a: 3, b: 4 } });
    assert.deepEqual(t.toColumnar(), { steps: [0, 5, 6], columns: { a: [1, null, 3], b: [null, 2, 4] } });
    assert.deepEqual(t.toColumnar(1, 2), { steps: [5], columns: { a: [null], b: [2] } });
    const copy = new MetricsTable();
    copy.appendColumnar(t.toColumnar());
    assert.deepEqual(copy.toColumnar(), t.toColumnar());
    assert.deepEqual(linesToColumnar([{ step: 0, data: { a: 1 } }, { step: 5, data: { b: 2 } }, { step: 6, data: { a: 3, b: 4 } }]), t.toColumnar());
  });
});

describe('chart specs', () => {
  test('held-out chart gets one series per val-core source', () => {
    const heldout = CHARTS.find((c) => c.id === 'heldout')!;
    const series = seriesFor(heldout, ['critic/score/mean', 'val-core/math500/acc/mean@4', 'val-core/aime24/acc/mean@16']);
    assert.deepEqual(series.map((s) => s.label), ['aime24 (avg@16)', 'math500 (avg@4)']);
    assert.equal(valCoreLabel('val-core/lcb/reward/mean@8'), 'lcb (avg@8)');
  });
});
