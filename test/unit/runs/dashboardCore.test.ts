// The pure parts behind the dashboard: live appends carry the snapshot's keys, the run folder's state
// (status.json, pid, events.log) drives the header and the crash banner, SFT metrics have their own
// file, runs are named by recipe/model/seed, smoothing is TensorBoard's EMA, stage names never overlap.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { runPaths } from '../../../src/core/runs/layout';
import { RunFeed } from '../../../src/core/runs/runFeed';
import { runLabel } from '../../../src/core/runs/runLabel';
import { emaSmooth } from '../../../src/core/runs/smoothing';
import { layoutStageLabels } from '../../../src/core/runs/stageLabels';
import { stageMarksOfSamples } from '../../../src/core/runs/stages';
import { appendJsonLine, writeJsonAtomic } from '../../../src/core/util/atomic';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dashboard-core-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function newRun(id: string) {
  const p = runPaths(tmp, id);
  fs.mkdirSync(p.dir, { recursive: true });
  return p;
}

describe('RunFeed reads the run folder', () => {
  test('a live append has the very keys of a snapshot (only charted ones), not every logged key', () => {
    const p = newRun('keys');
    appendJsonLine(p.metrics, { step: 1, data: { 'critic/score/mean': 0.5, 'timing_s/gen': 3, 'prompts/active': 40 } });
    const feed = new RunFeed({ kind: 'run', runsDir: tmp, runId: 'keys' });
    const live = feed.poll().metrics!;
    const snap = feed.snapshot().metrics[0];
    assert.deepEqual(live, snap);
    assert.deepEqual(Object.keys(live.columns), ['critic/score/mean']);
    // A resumed run re-logs step 1: the append starts at the cut, as the snapshot now would.
    appendJsonLine(p.metrics, { step: 2, data: { 'critic/score/mean': 0.6 } });
    feed.poll();
    appendJsonLine(p.metrics, { step: 2, data: { 'critic/score/mean': 0.9 } });
    const again = feed.poll().metrics!;
    assert.deepEqual(again, { steps: [2], columns: { 'critic/score/mean': [0.9] } });
    assert.deepEqual(feed.snapshot().metrics[0].steps, [1, 2]);
  });

  test('SFT metrics come from sft-metrics.jsonl, on their own step axis', () => {
    const p = newRun('sft');
    for (let s = 1; s <= 3; s++) appendJsonLine(p.sftMetrics, { step: s, data: { 'sft/loss': 3 - s / 2, 'sft/lr': 1e-3 } });
    const feed = new RunFeed({ kind: 'run', runsDir: tmp, runId: 'sft' });
    const d = feed.poll();
    assert.equal(d.metrics, undefined);
    assert.deepEqual(d.sftMetrics, { steps: [1, 2, 3], columns: { 'sft/loss': [2.5, 2, 1.5], 'sft/lr': [1e-3, 1e-3, 1e-3] } });
    assert.deepEqual(feed.snapshot().sftMetrics, [d.sftMetrics]);
  });

  test('status.json drives the header: step, stage, total and ETA; a crash carries its error and the log tail', () => {
    const p = newRun('crash');
    writeJsonAtomic(p.status, { status: 'running', pid: process.pid, step: 3, stage: 'math-8k', totalSteps: 18, etaSeconds: 42 });
    const feed = new RunFeed({ kind: 'run', runsDir: tmp, runId: 'crash' });
    assert.deepEqual(feed.poll().progress, { status: 'running', stage: 'math-8k', step: 3, totalSteps: 18, etaSeconds: 42 });
    assert.equal(feed.poll().progress, undefined, 'unchanged: nothing to send');
    const log = Array.from({ length: 30 }, (_, i) => `2026-12-01T10:00:${String(i).padStart(2, '0')}Z INFO  line ${i}`);
    fs.writeFileSync(p.events, `${log.join('\n')}\n2026-12-01T10:01:00Z ERROR prompt 0 has 380 tokens; the context is 128\n`);
    writeJsonAtomic(p.status, { status: 'crashed', detail: 'prompt 0 has 380 tokens; the context is 128', pid: process.pid });
    const crashed = feed.poll().progress!;
    assert.equal(crashed.status, 'crashed');
    assert.equal(crashed.detail, 'prompt 0 has 380 tokens; the context is 128');
    assert.equal(crashed.logTail!.length, 20);
    assert.match(crashed.logTail!.at(-1)!, /ERROR prompt 0 has 380 tokens/);
    assert.equal(feed.info('primary').status, 'crashed');
    assert.deepEqual(feed.snapshot().progress, crashed, 'a reloaded page gets the banner too');
  });

  test('a run whose pid is gone while status.json says running is crashed at the next poll', () => {
    const p = newRun('killed');
    const dead = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
    writeJsonAtomic(p.status, { status: 'running', pid: dead, step: 2 });
    const feed = new RunFeed({ kind: 'run', runsDir: tmp, runId: 'killed' });
    const progress = feed.poll().progress!;
    assert.equal(progress.status, 'crashed');
    assert.match(progress.detail!, new RegExp(`pid ${dead}\\) is gone`));
  });

  test('no status.json yet is "unknown", never "crashed"; eval sample labels are not stages', () => {
    newRun('fresh');
    const feed = new RunFeed({ kind: 'run', runsDir: tmp, runId: 'fresh' });
    assert.deepEqual(feed.poll().progress, { status: 'unknown' });
    assert.equal(feed.info('primary', true).status, 'starting');
    assert.deepEqual(stageMarksOfSamples([{ stage: 'before-rl', step: 0 }, { stage: 'math-8k', step: 1 }, { stage: 'after-math-8k', step: 9 }]), [{ name: 'math-8k', startStep: 1 }]);
  });

  test('runs are named by recipe, phase, model and seed once config.json is there', () => {
    const p = newRun('20261201-101500-math-ab12');
    const feed = new RunFeed({ kind: 'run', runsDir: tmp, runId: '20261201-101500-math-ab12' });
    assert.equal(feed.label, '20261201-101500-math-ab12');
    writeJsonAtomic(p.config, { recipe: { name: 'demo', seed: 3, model: { layers: 2, width: 64, heads: 4 } }, phase: 'math', seed: 3 });
    assert.deepEqual(feed.info('primary'), { key: p.dir, label: 'demo · math · 2L×64 · seed 3', detail: '20261201-101500-math-ab12', role: 'primary', status: 'unknown' });
    assert.equal(runLabel({ recipe: 'acereason', phase: 'all', seed: 0 }), 'acereason · seed 0');
    assert.equal(runLabel({ nothing: true }), undefined);
  });
});

test('smoothing is TensorBoard\'s debiased EMA (hand-computed), NaN steps stay empty', () => {
  const out = emaSmooth([1, NaN, 0, 1], 0.5);
  // last: 0.5 → /0.5 = 1; skip; 0.25 → /0.75 = 1/3; 0.625 → /0.875 = 5/7.
  assert.equal(out[0], 1);
  assert.ok(Number.isNaN(out[1]));
  assert.ok(Math.abs(out[2] - 1 / 3) < 1e-12);
  assert.ok(Math.abs(out[3] - 5 / 7) < 1e-12);
  assert.deepEqual([...emaSmooth([2, 4], 0)], [2, 4]);
  assert.throws(() => emaSmooth([1], 1), /\[0, 1\)/);
});

describe('stage names', () => {
  const measure = (t: string) => t.length * 6;
  const box = (l: { left: number; width: number; lane: number }) => [l.left, l.left + l.width, l.lane] as const;

  test('names a step apart go to separate rows, never overlapping, never past the plot edges', () => {
    const placed = layoutStageLabels(
      [{ x: 0, text: 'math-8k' }, { x: 10, text: 'math-16k' }, { x: 20, text: 'math-24k' }, { x: 300, text: 'code-32k-final' }],
      { left: 0, right: 320, lanes: 2, measure, gap: 3 },
    );
    for (let i = 0; i < placed.length; i++) {
      const [a0, a1, al] = box(placed[i]);
      assert.ok(a0 >= 0 && a1 <= 320, `${placed[i].text} inside`);
      for (let j = i + 1; j < placed.length; j++) {
        const [b0, b1, bl] = box(placed[j]);
        assert.ok(al !== bl || a1 <= b0 || b1 <= a0, `${placed[i].text} / ${placed[j].text} overlap`);
      }
    }
    assert.deepEqual(placed.map((p) => [p.text, p.lane]), [['math-8k', 0], ['math-16k', 1], ['code-32k-final', 0]], 'math-24k fits no row');
    // The last stage near the right edge is written left of its line (84 px wide, ends 3 px before x=300).
    assert.equal(placed[2].left, 300 - 3 - 84);
  });

  test('a name wider than its room is shortened with an ellipsis', () => {
    const [p] = layoutStageLabels([{ x: 0, text: 'a-very-long-stage-name' }], { left: 0, right: 60, lanes: 1, measure, gap: 3 });
    assert.equal(p.text, 'a-very-l…');
    assert.ok(p.left + p.width <= 60);
  });
});
