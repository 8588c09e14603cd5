// The whole loop on the tiny recipe, in process: files written in verl's shapes, protocol messages
// valid, labels.jsonl exclusions honoured at every step, reports written and escaped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseTrainerMessage, SampleRecord, type TrainerMessage } from '../../../src/core/protocol/trainer';
import { defaultRunsDir, labelsFile } from '../../../src/core/runs/layout';
import { appendLabel } from '../../../src/core/labels/store';
import { resolveRecipe } from '../../../src/trainer/rl/resolveRecipe';
import { loadTaskData } from '../../../src/trainer/tasks/load';
import { runTraining } from '../../../src/trainer/run';
import { buildReport } from '../../../src/trainer/report/report';
import { planStages } from '../../../src/core/rl/schedule';

const recipePath = path.join(__dirname, 'fixtures', 'tiny-recipe.json');

test('tiny run: metrics.jsonl in verl shape, samples, progress, stages, evals, labels honoured, reports', { timeout: 180_000 }, async () => {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'run-'));
  const recipe = resolveRecipe(recipePath);
  const data = await loadTaskData(recipe);
  // Exclude every math training prompt but three: only those may ever be sampled.
  const allowed = new Set(data.math.train.slice(0, 3).map((r) => r.id));
  for (const r of data.math.train.slice(3)) appendLabel(labelsFile(ws), { id: r.id, decision: 'exclude', note: 'test' });
  fs.appendFileSync(labelsFile(ws), '{"id": "torn'); // a torn last line is ignored

  const messages: TrainerMessage[] = [];
  const outcome = await runTraining(
    { runId: 'r1', runsDir: defaultRunsDir(ws), workspaceDir: ws, recipe: recipePath, phase: 'all' },
    { emit: (m) => { const p = parseTrainerMessage(m); assert.ok(p.ok, `invalid message ${JSON.stringify(m)}: ${!p.ok && p.error}`); messages.push(m); }, log: () => {}, stopRequested: () => false },
  );
  assert.equal(outcome, 'finished');
  const dir = path.join(defaultRunsDir(ws), 'r1');
  const lines = fs.readFileSync(path.join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const train = lines.filter((l) => 'critic/score/mean' in l.data);
  assert.deepEqual(train.map((l) => l.step), [1, 2, 3, 4, 5, 6]);
  for (const l of train) {
    assert.deepEqual(Object.keys(l).sort(), ['data', 'step']);
    for (const k of ['critic/score/mean', 'response_length/mean', 'response_length/clip_ratio', 'actor/entropy', 'actor/pg_loss', 'actor/grad_norm', 'frac_reward_zero_std', 'timing_s/gen', 'timing_s/update_actor', 'perf/throughput']) {
      assert.equal(typeof l.data[k], 'number', `step ${l.step} lacks ${k}`);
    }
    assert.ok(l.data['response_length/max'] <= recipe.stages[l.data['training/stage']].maxResponseLength);
  }
  const evals = lines.filter((l) => Object.keys(l.data).some((k) => k.startsWith('val-core/')));
  assert.deepEqual(evals.map((l) => l.step), [0, 2, 4, 6]); // before RL and after each stage
  assert.ok(evals.every((l) => typeof l.data['val-core/builtin-math/acc/mean@2'] === 'number' && typeof l.data['val-core/builtin-code/acc/mean@2'] === 'number'));

  const samples = fs.readFileSync(path.join(dir, 'samples.jsonl'), 'utf8').trim().split('\n').map((l) => SampleRecord.parse(JSON.parse(l)));
  const mathRl = samples.filter((s) => s.stage.startsWith('math-'));
  assert.ok(mathRl.length > 0);
  for (const s of mathRl) assert.ok(allowed.has(s.promptId), `excluded prompt ${s.promptId} was sampled`);
  assert.equal(lines.filter((l) => 'prompts/excluded' in l.data && l.data['training/stage'] < 2).every((l) => l.data['prompts/excluded'] === data.math.train.length - 3), true);

  // The run's prompts are in its folder, so a sampled solution's problem and tests can be found by id.
  const written = (d: string) => fs.readFileSync(path.join(dir, 'data', `${d}.jsonl`), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const codeById = new Map(written('code').map((r: { id: string }) => [r.id, r]));
  assert.equal(written('math').length, data.math.train.length + data.math.heldOut.length);
  for (const s of samples.filter((x) => x.domain === 'code')) {
    const rec = codeById.get(s.promptId) as { tests: unknown[] } | undefined;
    assert.ok(rec && rec.tests.length > 0, `code sample ${s.promptId} has its tests in data/code.jsonl`);
  }

  // Difficulty: every RL stage leaves per-prompt pass rates for the curator (loaded with buckets).
  const { loadPassRates, passRatesFile } = await import('../../../src/core/curate/passRates');
  const rateFile = passRatesFile(ws); // the run has a workspace: the store is the workspace's
  const rates = loadPassRates(rateFile).rates;
  assert.ok(rates.size > 0, 'pass rates were recorded');
  for (const s of mathRl) assert.ok(rates.has(s.promptId), `pass rate of sampled prompt ${s.promptId}`);

  assert.ok(messages.some((m) => m.type === 'progress' && m.stage === 'math-b'));
  assert.deepEqual(messages.filter((m) => m.type === 'stage').map((m) => m.type === 'stage' && m.stage), ['math-a', 'math-b', 'code-a']);
  assert.match(fs.readFileSync(path.join(dir, 'events.log'), 'utf8'), /eval after-code-a/);
  assert.equal(JSON.parse(fs.readFileSync(path.join(dir, 'status.json'), 'utf8')).status, 'finished');
  const html = fs.readFileSync(path.join(dir, 'report.html'), 'utf8');
  assert.match(html, /<svg/);
  assert.doesNotMatch(html, /<script/i);
  assert.match(fs.readFileSync(path.join(dir, 'report.md'), 'utf8'), /\| before RL \| 0 \|/);
  fs.rmSync(ws, { recursive: true, force: true });
});

test('report escapes untrusted text (responses, prompts, verdicts) in HTML and Markdown', () => {
  const recipe = resolveRecipe(recipePath);
  const plan = planStages(recipe);
  const evil = '<script>alert(1)</script><img src=x onerror=alert(2)>|`x`';
  const { html, md } = buildReport(
    [{ step: 0, data: { 'val-core/src<b>/acc/mean@2': 0.5 } }, { step: 1, data: { 'critic/score/mean': 0.25, 'response_length/mean': 10 } }],
    [{ step: 1, stage: 'math-a', promptId: evil, domain: 'math', prompt: evil, response: evil, reward: 0, verdict: evil }],
    { recipe: { ...recipe, description: evil }, runId: 'r', phase: 'all', plan, wallSeconds: 1, parameters: 10, backend: 'wasm' },
  );
  assert.doesNotMatch(html, /<script|<img|src<b>/);
  assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.doesNotMatch(md, /<script|<b>/);
  assert.match(md, /src&lt;b&gt;/);
});
