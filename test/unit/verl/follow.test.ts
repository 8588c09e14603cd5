import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { followCommand, followFile, followRolloutDir } from '../../../src/core/verl/follow';
import { sampleFromRollout } from '../../../src/core/verl/rollouts';

const fixture = path.join(__dirname, '..', '..', 'fixtures', 'verl-run');
const until = async (cond: () => boolean, ms = 10_000) => {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
};

test('followFile reads what is there, then each appended line once a newline completes it', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'follow-'));
  const file = path.join(dir, 'metrics.jsonl');
  fs.writeFileSync(file, '{"step":1,"data":{}}\n{"step":2,');
  const seen: number[] = [];
  const bad: string[] = [];
  const f = followFile(file, { line: (v) => seen.push((v as { step: number }).step), bad: (t) => bad.push(t) }, 20);
  await until(() => seen.length === 1);
  fs.appendFileSync(file, '"data":{}}\nnot json\n{"step":3,"data":{}}\n');
  await until(() => seen.length === 3);
  f.stop();
  assert.deepEqual(seen, [1, 2, 3]);
  assert.deepEqual(bad, ['not json']);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('followCommand follows a command\'s output (as with ssh host tail -F) and reports its exit', async () => {
  const seen: unknown[] = [];
  let ended = '';
  const f = followCommand(`cat ${JSON.stringify(path.join(fixture, 'metrics.jsonl'))}; exit 3`, { line: (v) => seen.push(v), end: (e) => { ended = e ?? ''; } });
  await until(() => ended !== '');
  f.stop();
  assert.equal(seen.length, 60);
  assert.match(ended, /code 3/);
});

test('followRolloutDir turns verl rollout dumps into samples with exact prompt ids', async () => {
  const samples: ReturnType<typeof sampleFromRollout>[] = [];
  const f = followRolloutDir(path.join(fixture, 'rollouts'), { line: (v) => samples.push(sampleFromRollout(v)) }, 20);
  await until(() => samples.length === 8);
  f.stop();
  assert.ok(samples.every((s) => s !== undefined));
  assert.deepEqual([...new Set(samples.map((s) => s!.step))], [10, 20]);
  assert.equal(samples[0]!.promptId, 'math-0');
  assert.equal(samples[0]!.domain, 'math');
  assert.deepEqual(samples.map((s) => s!.reward), [0, 1, 0, 1, 1, 0, 1, 0]);
  assert.equal(sampleFromRollout({ input: 'x', output: 'y', score: 'NaN', step: 1 }), undefined, 'an unscored row is dropped, not trusted');
  const code = sampleFromRollout({ input: 'p', output: 'o', score: 1, step: 3, gts: '{"inputs": ["1"], "outputs": ["2"]}' });
  assert.equal(code!.domain, 'code');
  assert.match(code!.promptId, /^verl:[0-9a-f]{8}$/, 'without our reward module the id is a stable hash of the prompt');
});

test('a verl watch mirrors a run into a run-shaped folder the dashboard follows', async () => {
  const { startVerlWatch } = await import('../../../src/core/verl/mirror');
  const { RunFeed } = await import('../../../src/core/runs/runFeed');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'verl-watch-'));
  const watch = startVerlWatch({
    name: 'cluster math-8k', mirrorRoot: root,
    metrics: { command: `cat ${JSON.stringify(path.join(fixture, 'metrics.jsonl'))}` },
    rollouts: { dir: path.join(fixture, 'rollouts') }, samplesPerStep: 3,
  });
  const feed = new RunFeed({ kind: 'run', runsDir: root, runId: watch.runId });
  let steps = 0;
  let samples = 0;
  await until(() => {
    const d = feed.poll();
    steps += d.metrics?.steps.length ?? 0;
    samples += d.samples.length;
    return steps === 60 && samples === 6;
  });
  const snap = feed.snapshot();
  assert.equal(snap.metrics[0].columns['critic/score/mean'].length, 60);
  assert.equal(snap.samples.filter((s) => s.step === 10).length, 3, 'samples per step are capped');
  watch.stop();
  assert.equal(JSON.parse(fs.readFileSync(path.join(watch.dir, 'status.json'), 'utf8')).status, 'stopped');
  fs.rmSync(root, { recursive: true, force: true });
});
