// A run's life on the tiny recipe, in process: SFT writes sft-metrics.jsonl and checkpoints; a run
// stopped mid-SFT resumes to exactly the uninterrupted result; `--resume` of a folder with no
// checkpoint restarts it with a message; stage boundaries are kept; every evaluation covers every
// held-out domain (a code-only run too) with the change per stage; a failure marks the run crashed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { appendLabel } from '../../../src/core/labels/store';
import { defaultRunsDir, labelsFile } from '../../../src/core/runs/layout';
import { isUserError } from '../../../src/core/util/userError';
import type { RunContext } from '../../../src/trainer/context';
import { resolveRecipe } from '../../../src/trainer/rl/resolveRecipe';
import { runTraining } from '../../../src/trainer/run';
import { loadTaskData } from '../../../src/trainer/tasks/load';

const fixture = path.join(__dirname, 'fixtures', 'tiny-recipe.json');

function recipeFile(dir: string): string {
  const base = JSON.parse(fs.readFileSync(fixture, 'utf8'));
  base.sft.steps = 6; // SFT checkpoints every ceil(6 / 10) = 1 step
  const file = path.join(dir, 'recipe.json');
  fs.writeFileSync(file, JSON.stringify(base));
  return file;
}

const jsonl = (file: string) => fs.readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
const quiet = (stopAfterSft?: number): RunContext & { events: string[] } => {
  const events: string[] = [];
  let sftSteps = 0;
  return {
    events,
    emit: (m) => { if (m.type === 'progress' && m.stage === 'sft') sftSteps++; },
    log: (_level, message) => { events.push(message); },
    stopRequested: () => stopAfterSft !== undefined && sftSteps >= stopAfterSft,
  };
};
const withoutTimings = (lines: { step: number; data: Record<string, number> }[]) => lines.map((l) => ({
  step: l.step, data: Object.fromEntries(Object.entries(l.data).filter(([k]) => !k.startsWith('timing_s/') && !k.startsWith('perf/throughput') && k !== 'sft/throughput')),
}));
const finalWeights = (runDir: string) => {
  const ckpts = path.join(runDir, 'checkpoints');
  return fs.readFileSync(path.join(ckpts, fs.readdirSync(ckpts).filter((d) => /^\d+$/.test(d)).sort().pop()!, 'weights.bin'));
};

test('SFT: metrics per step, checkpoints, stop mid-SFT + resume = uninterrupted; no checkpoint → clean restart; kept boundaries; all domains evaluated', { timeout: 600_000 }, async () => {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'life-'));
  const recipe = recipeFile(ws);
  const runsDir = defaultRunsDir(ws);
  const req = (runId: string, extra: object = {}) => ({ runId, runsDir, workspaceDir: ws, recipe, phase: 'all' as const, ...extra });

  // A run killed before its first checkpoint left log lines and no checkpoint: --resume restarts it.
  const fullDir = path.join(runsDir, 'full');
  fs.mkdirSync(fullDir, { recursive: true });
  fs.writeFileSync(path.join(fullDir, 'sft-metrics.jsonl'), '{"step":1,"data":{"sft/loss":9}}\n{"step":2,"data":{"sft/loss":9}}\n');
  fs.writeFileSync(path.join(fullDir, 'metrics.jsonl'), '');
  const fullCtx = quiet();
  assert.equal(await runTraining(req('full', { resumeFrom: fullDir }), fullCtx), 'finished');
  assert.ok(fullCtx.events.some((e) => /no checkpoint in .*checkpoints yet .*restarting full from the start/.test(e)), fullCtx.events.join('\n'));

  // sft-metrics.jsonl: one line per SFT step, verl's file-logger shape, the keys the dashboard charts.
  const sft = jsonl(path.join(fullDir, 'sft-metrics.jsonl'));
  assert.deepEqual(sft.map((l) => l.step), [1, 2, 3, 4, 5, 6]);
  for (const l of sft) for (const k of ['sft/loss', 'sft/lr', 'sft/grad_norm', 'sft/throughput']) assert.equal(typeof l.data[k], 'number', `SFT step ${l.step} lacks ${k}`);
  assert.ok(sft[0].data['sft/loss'] > sft[5].data['sft/loss'], 'SFT loss falls');

  // Stage boundaries are kept whatever the retention (last 3 of checkpointEvery 1): before RL, after each stage.
  const ckpts = fs.readdirSync(path.join(fullDir, 'checkpoints')).filter((d) => /^\d+$/.test(d)).sort();
  for (const kept of ['000000', '000002', '000004', '000006']) assert.ok(ckpts.includes(kept), `checkpoint ${kept} kept (have ${ckpts.join(', ')})`);
  assert.ok(!ckpts.includes('000001') && !ckpts.includes('000003'), 'ordinary checkpoints are still pruned');

  // Every evaluation covers both held-out domains, and the after-stage ones carry the change.
  const metrics = jsonl(path.join(fullDir, 'metrics.jsonl'));
  const evals = metrics.filter((l) => Object.keys(l.data).some((k) => k.startsWith('val-core/')));
  assert.deepEqual(evals.map((l) => l.step), [0, 2, 4, 6]);
  for (let i = 1; i < evals.length; i++) {
    for (const source of ['builtin-math', 'builtin-code']) {
      const expected = evals[i].data[`val-core/${source}/acc/mean@2`] - evals[i - 1].data[`val-core/${source}/acc/mean@2`];
      assert.ok(Math.abs(evals[i].data[`val-aux/${source}/pass@1_change`] - expected) < 1e-12, `${source} change at step ${evals[i].step}`);
    }
  }
  const events = fs.readFileSync(path.join(fullDir, 'events.log'), 'utf8');
  for (let i = 1; i < evals.length; i++) {
    const drop = evals[i - 1].data['val-core/builtin-math/acc/mean@2'] - evals[i].data['val-core/builtin-math/acc/mean@2'];
    if (drop > 0.02 + 1e-9) assert.match(events, new RegExp(`WARN  held-out builtin-math pass@1 fell ${(100 * drop).toFixed(1)} points`));
  }

  // Stopped after 3 SFT steps: a checkpoint holds SFT step 3; resuming in place ends where the uninterrupted run ends.
  const cutDir = path.join(runsDir, 'cut');
  assert.equal(await runTraining(req('cut'), quiet(3)), 'stopped');
  const progress = JSON.parse(fs.readFileSync(path.join(cutDir, 'checkpoints', '000000', 'sft-progress.json'), 'utf8'));
  assert.equal(progress.step, 3);
  assert.equal(jsonl(path.join(cutDir, 'sft-metrics.jsonl')).length, 3);
  const resumed = quiet();
  assert.equal(await runTraining(req('cut', { resumeFrom: cutDir }), resumed), 'finished');
  assert.ok(resumed.events.some((e) => /SFT warm-up: continuing at step 3\/6/.test(e)), resumed.events.join('\n'));
  assert.deepEqual(withoutTimings(jsonl(path.join(cutDir, 'sft-metrics.jsonl'))), withoutTimings(sft));
  assert.deepEqual(withoutTimings(jsonl(path.join(cutDir, 'metrics.jsonl'))), withoutTimings(metrics));
  assert.ok(finalWeights(cutDir).equals(finalWeights(fullDir)), 'final weights differ from the uninterrupted run');

  // A code-only run from those weights still evaluates math (and says what code RL did to it).
  assert.equal(await runTraining(req('code-only', { phase: 'code', resumeFrom: fullDir }), quiet()), 'finished');
  const codeEvals = jsonl(path.join(runsDir, 'code-only', 'metrics.jsonl')).filter((l) => Object.keys(l.data).some((k) => k.startsWith('val-core/')));
  assert.deepEqual(codeEvals.map((l) => l.step), [0, 2]);
  for (const l of codeEvals) assert.equal(typeof l.data['val-core/builtin-math/acc/mean@2'], 'number', 'math evaluated in a code-only run');
  assert.equal(typeof codeEvals[1].data['val-aux/builtin-math/pass@1_change'], 'number');
  fs.rmSync(ws, { recursive: true, force: true });
});

test('a run that fails after it started is marked crashed with the error; input problems are UserErrors', { timeout: 300_000 }, async () => {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'crash-'));
  const recipe = recipeFile(ws);
  const runsDir = defaultRunsDir(ws);
  // Every math training prompt excluded: the first math step has nothing to sample.
  for (const r of (await loadTaskData(resolveRecipe(recipe))).math.train) appendLabel(labelsFile(ws), { id: r.id, decision: 'exclude', note: 'test' });
  await assert.rejects(runTraining({ runId: 'dies', runsDir, workspaceDir: ws, recipe, phase: 'all' }, quiet()), /no prompts left to sample/);
  const status = JSON.parse(fs.readFileSync(path.join(runsDir, 'dies', 'status.json'), 'utf8'));
  assert.equal(status.status, 'crashed');
  assert.match(status.detail, /no prompts left to sample/);
  assert.match(fs.readFileSync(path.join(runsDir, 'dies', 'events.log'), 'utf8'), /ERROR run crashed: no prompts left to sample/);

  // Input problems before anything runs: one-line UserErrors naming what is wrong.
  const bad = async (p: Promise<unknown>, re: RegExp) => {
    const e = await p.then(() => undefined, (x) => x);
    assert.ok(isUserError(e), `expected a UserError, got ${e}`);
    assert.match((e as Error).message, re);
    assert.ok(!(e as Error).message.includes('\n    at '), 'no stack in the message');
  };
  await bad(runTraining({ runId: 'x', runsDir, recipe: path.join(ws, 'nope.json'), phase: 'all' }, quiet()), /neither a preset .* nor an existing file/);
  await bad(runTraining({ runId: 'y', runsDir, recipe, phase: 'all', resumeFrom: path.join(runsDir, 'missing') }, quiet()), /cannot resume: .*missing does not exist/);
  fs.mkdirSync(path.join(runsDir, 'empty'), { recursive: true });
  await bad(runTraining({ runId: 'z', runsDir, recipe, phase: 'all', resumeFrom: path.join(runsDir, 'empty') }, quiet()), /cannot start from .*empty: it has no complete checkpoint/);
  // A prompt longer than the context: refused before training, and the run folder says crashed.
  const long = path.join(ws, 'long.jsonl');
  fs.writeFileSync(long, JSON.stringify({ id: 'p0', problem: 'What is '.repeat(40) + '1+1?', answer: '2' }) + '\n' + JSON.stringify({ id: 'p1', problem: '1+2=?', answer: '3' }) + '\n');
  await bad(runTraining({ runId: 'long', runsDir, recipe: 'demo', phase: 'math', dataset: long }, quiet()), /prompts in long\.jsonl do not fit recipe 'demo'/);
  assert.equal(JSON.parse(fs.readFileSync(path.join(runsDir, 'long', 'status.json'), 'utf8')).status, 'crashed');
  fs.rmSync(ws, { recursive: true, force: true });
});
