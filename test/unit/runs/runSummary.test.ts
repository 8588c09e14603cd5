import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { deriveRunStatus, RECENT_WRITE_MS } from '../../../src/core/runs/runStatus';
import { listRunIds, RunSummaries } from '../../../src/core/runs/runSummary';
import { runPaths } from '../../../src/core/runs/layout';
import { appendJsonLine, writeJsonAtomic } from '../../../src/core/util/atomic';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'acereason-run-summary-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('deriveRunStatus', () => {
  const ok = (status: 'running' | 'stopped' | 'finished' | 'crashed' | 'starting') => ({ kind: 'ok' as const, value: { status } });
  test('the run the extension is training is running whatever the file says', () => {
    assert.equal(deriveRunStatus({ statusFile: ok('stopped'), activeHere: true }), 'running');
  });
  test('final states come from status.json', () => {
    assert.equal(deriveRunStatus({ statusFile: ok('stopped'), activeHere: false }), 'stopped');
    assert.equal(deriveRunStatus({ statusFile: ok('finished'), activeHere: false }), 'finished');
    assert.equal(deriveRunStatus({ statusFile: ok('crashed'), activeHere: false }), 'crashed');
  });
  test('"running" on disk with a dead pid is a crash; with a live pid or fresh writes it is running', () => {
    assert.equal(deriveRunStatus({ statusFile: ok('running'), activeHere: false, pidAlive: false }), 'crashed');
    assert.equal(deriveRunStatus({ statusFile: ok('running'), activeHere: false, pidAlive: true }), 'running');
    assert.equal(deriveRunStatus({ statusFile: ok('starting'), activeHere: false, metricsAgeMs: 1000 }), 'running');
  });
  test('no status.json: running while metrics are fresh (a CLI run), else crashed', () => {
    assert.equal(deriveRunStatus({ statusFile: { kind: 'missing' }, activeHere: false, metricsAgeMs: 10 }), 'running');
    assert.equal(deriveRunStatus({ statusFile: { kind: 'missing' }, activeHere: false, metricsAgeMs: RECENT_WRITE_MS + 1 }), 'crashed');
  });
});

describe('RunSummaries', () => {
  test('summarises each run: status, stage, last step, best held-out pass@1, checkpoint', () => {
    const runsDir = path.join(tmp, 'runs');
    const a = runPaths(runsDir, '20260101-000000-math-aaaa');
    const b = runPaths(runsDir, '20260102-000000-math-bbbb');
    appendJsonLine(a.metrics, { step: 0, data: { 'critic/score/mean': 0.1, 'val-core/x/acc/mean@4': 0.2, 'val-core/y/acc/mean@4': 0.4 } });
    appendJsonLine(a.metrics, { step: 10, data: { 'critic/score/mean': 0.5, 'val-core/x/acc/mean@4': 0.6, 'val-core/y/acc/mean@4': 0.2 } });
    appendJsonLine(a.metrics, { step: 20, data: { 'critic/score/mean': 0.4, 'val-core/x/acc/mean@4': 0.5 } });
    appendJsonLine(a.samples, { step: 20, stage: 'math-16k', promptId: 'p', domain: 'math', prompt: 'q', response: 'r', reward: 0, verdict: 'no' });
    writeJsonAtomic(a.status, { status: 'stopped', time: '2026-01-01T00:00:00Z' });
    fs.mkdirSync(path.join(a.checkpoints, '20'), { recursive: true });
    fs.mkdirSync(b.dir, { recursive: true });
    fs.writeFileSync(b.status, '{"status": "exploded"}');
    fs.mkdirSync(path.join(runsDir, 'x.tmp-123'));

    assert.deepEqual(listRunIds(runsDir), [path.basename(b.dir), path.basename(a.dir)]);
    const summaries = new RunSummaries();
    const [sb, sa] = summaries.summarizeAll(runsDir, undefined);
    assert.equal(sa.status, 'stopped');
    assert.equal(sa.stage, 'math-16k');
    assert.equal(sa.lastStep, 20);
    assert.equal(sa.lastReward, 0.4);
    assert.equal(sa.best?.step, 20);
    assert.equal(sa.best?.value, 0.5);
    assert.equal(sa.hasCheckpoint, true);
    assert.equal(sb.status, 'crashed');
    assert.equal(sb.hasCheckpoint, false);
    assert.match(sb.problems[0], /status\.json: status/);

    appendJsonLine(a.metrics, { step: 30, data: { 'val-core/x/acc/mean@4': 0.9, 'val-core/y/acc/mean@4': 0.9 } });
    const again = summaries.summarize(runsDir, path.basename(a.dir), path.basename(a.dir));
    assert.equal(again.status, 'running', 'the active run');
    assert.equal(again.lastStep, 30);
    assert.ok(Math.abs(again.best!.value - 0.9) < 1e-12);
  });
});

test('listRunIds leaves out seed-group and ablation report folders (group.json) and temp folders', () => {
  const runsDir = fs.mkdtempSync(path.join(tmp, 'list-'));
  for (const d of ['20261201-a', '20261201-b', 'demo-seeds-0-1-2', 'x.tmp-123']) fs.mkdirSync(path.join(runsDir, d));
  fs.writeFileSync(path.join(runsDir, 'demo-seeds-0-1-2', 'group.json'), '{}');
  assert.deepEqual(listRunIds(runsDir), ['20261201-b', '20261201-a']);
});
