import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDashboardState, parseDashboardToHost, parseHostToDashboard } from '../../../src/core/protocol/dashboard';

describe('dashboard protocol', () => {
  test('accepts a reset and a columnar metrics chunk', () => {
    const reset = parseHostToDashboard({
      type: 'reset', runs: [{ key: '/w/runs/a', label: 'a', role: 'primary', status: 'running' }],
      state: { source: { kind: 'run', runsDir: '/w/runs', runId: 'a' } },
    });
    assert.ok(reset.ok);
    const metrics = parseHostToDashboard({ type: 'metrics', key: '/w/runs/a', metrics: { steps: [1, 2], columns: { x: [0.5, null] } } });
    assert.ok(metrics.ok);
  });

  test('rejects a column whose length differs from the steps, and non-finite values', () => {
    const short = parseHostToDashboard({ type: 'metrics', key: 'k', metrics: { steps: [1, 2], columns: { x: [0.5] } } });
    assert.ok(!short.ok && /one value per step/.test(short.error));
    const nan = parseHostToDashboard({ type: 'metrics', key: 'k', metrics: { steps: [1], columns: { x: [Number.POSITIVE_INFINITY] } } });
    assert.ok(!nan.ok);
  });

  test('names the bad field of a webview request', () => {
    const r = parseDashboardToHost({ type: 'label', requestId: 1, key: 'k', promptId: '', decision: 'exclude' });
    assert.ok(!r.ok && /promptId/.test(r.error));
    const unknown = parseDashboardToHost({ type: 'runShell', command: 'rm -rf /' });
    assert.ok(!unknown.ok);
    assert.ok(parseDashboardToHost({ type: 'label', requestId: 1, key: 'k', promptId: 'p', decision: 'flag' }).ok);
  });

  test('persisted state: a run or a metrics file, with compared sources', () => {
    assert.ok(parseDashboardState({ source: { kind: 'metricsFile', file: '/x/m.jsonl' }, compare: [{ kind: 'run', runsDir: '/r', runId: 'b' }] }).ok);
    assert.ok(!parseDashboardState({ source: { kind: 'run', runsDir: '/r' } }).ok);
    assert.ok(!parseDashboardState(undefined).ok);
  });
});
