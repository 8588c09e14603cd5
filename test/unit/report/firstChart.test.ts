// The first chart of report.html and of the seeds report is the one that shows whether the run
// learned: held-out pass@1 at every evaluation (before RL and after each stage), in percent, one
// point per evaluation with its value written beside it. Built from a hand-made metrics.jsonl
// (report.html) and hand-made run summaries (seeds), with every expected number worked out here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { preset } from '../../../src/core/rl/presets';
import type { PlannedStage } from '../../../src/core/rl/schedule';
import { runPaths } from '../../../src/core/runs/layout';
import { buildReport, HELD_OUT_CHART_ID, stageHeldOutChanges, writeReports } from '../../../src/trainer/report/report';
import { buildSeedsReport, SEEDS_HELD_OUT_CHART_ID } from '../../../src/trainer/ablate/seedsReport';
import type { EvalRow, RunSummary } from '../../../src/trainer/ablate/runSummary';

const recipe = preset('demo');
const plan: PlannedStage[] = [
  { index: 0, spec: { ...recipe.stages[0], name: 'math-8k', domain: 'math' }, firstStep: 1, lastStep: 4 },
  { index: 1, spec: { ...recipe.stages[0], name: 'code-64', domain: 'code' }, firstStep: 5, lastStep: 8 },
];

interface Point { cx: number; cy: number; title: string }

function firstFigure(html: string): string {
  const start = html.indexOf('<figure');
  assert.ok(start >= 0, 'the page has a figure');
  return html.slice(start, html.indexOf('</figure>', start) + '</figure>'.length);
}

function points(figure: string): Point[] {
  return [...figure.matchAll(/<circle cx="([\d.]+)" cy="([\d.]+)"[^>]*><title>([^<]*)<\/title><\/circle>/g)]
    .map((m) => ({ cx: Number(m[1]), cy: Number(m[2]), title: m[3] }));
}

function texts(figure: string, cls: string): string[] {
  return [...figure.matchAll(new RegExp(`<text [^>]*class="${cls}"[^>]*>([^<]*)</text>`, 'g'))].map((m) => m[1]);
}

test('report.html: the first figure is held-out pass@1 with one point per evaluation, in percent, values written', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'report-first-chart-'));
  try {
    const paths = runPaths(dir, 'r1');
    fs.mkdirSync(paths.dir, { recursive: true });
    // Evaluations before RL (step 0), after math-8k (4), after code-64 (8); training lines between.
    // pass@1 (avg@4): math 0.25 → 0.5 → 0.625, code 0.5 → 0.5 → 0.75.
    const lines = [
      { step: 0, data: { 'val-core/builtin-math/acc/mean@4': 0.25, 'val-aux/builtin-math/pass@4': 0.5, 'val-core/builtin-code/acc/mean@4': 0.5, 'val-aux/builtin-code/pass@4': 0.75 } },
      ...[1, 2, 3, 4].map((step) => ({ step, data: { 'critic/score/mean': 0.1 * step, 'response_length/mean': 10 } })),
      { step: 4, data: { 'val-core/builtin-math/acc/mean@4': 0.5, 'val-aux/builtin-math/pass@4': 0.75, 'val-core/builtin-code/acc/mean@4': 0.5, 'val-aux/builtin-code/pass@4': 0.75 } },
      ...[5, 6, 7, 8].map((step) => ({ step, data: { 'critic/score/mean': 0.5, 'response_length/mean': 20 } })),
      { step: 8, data: { 'val-core/builtin-math/acc/mean@4': 0.625, 'val-aux/builtin-math/pass@4': 0.75, 'val-core/builtin-code/acc/mean@4': 0.75, 'val-aux/builtin-code/pass@4': 1 } },
    ];
    fs.writeFileSync(paths.metrics, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    writeReports(paths, { recipe: { ...recipe, eval: { ...recipe.eval, k: 4 } }, runId: 'r1', phase: 'all', plan, wallSeconds: 60, parameters: 1000, backend: 'cpu' });
    const html = fs.readFileSync(paths.reportHtml, 'utf8');
    const fig = firstFigure(html);
    assert.match(fig, new RegExp(`^<figure class="chart" id="${HELD_OUT_CHART_ID}">`));
    assert.match(fig, /aria-label="Held-out pass@1 \(avg@4\) before RL and after each stage"/);

    const pts = points(fig);
    const math = pts.filter((p) => p.title.startsWith('builtin-math pass@1'));
    const code = pts.filter((p) => p.title.startsWith('builtin-code pass@1'));
    assert.equal(pts.length, 6, 'two held-out sets × three evaluations, nothing else');
    assert.deepEqual(math.map((p) => p.title), ['builtin-math pass@1 at step 0: 25.0', 'builtin-math pass@1 at step 4: 50.0', 'builtin-math pass@1 at step 8: 62.5']);
    assert.deepEqual(code.map((p) => p.title), ['builtin-code pass@1 at step 0: 50.0', 'builtin-code pass@1 at step 4: 50.0', 'builtin-code pass@1 at step 8: 75.0']);
    // Steps 0, 4, 8 are evenly spaced, and so are the points; the y axis is linear in percent:
    // math 25 → 50 rises as far on the page as code 50 → 75.
    assert.ok(Math.abs((math[1].cx - math[0].cx) - (math[2].cx - math[1].cx)) < 0.2);
    assert.equal(math[1].cx, code[1].cx);
    assert.ok(Math.abs((math[0].cy - math[1].cy) - (code[1].cy - code[2].cy)) < 0.2);
    assert.equal(math[1].cy, code[1].cy, 'both at 50 %');
    assert.ok(math[0].cy > math[1].cy, 'higher pass@1 is drawn higher');

    // Each value written beside its point; the y axis reads 0–100 in whole numbers.
    assert.deepEqual(texts(fig, 'val').sort(), ['25.0', '50.0', '50.0', '50.0', '62.5', '75.0']);
    const yAxis = [...fig.matchAll(/<text x="[\d.]+" y="[\d.]+" class="a" text-anchor="end">([^<]*)<\/text>/g)].map((m) => m[1]);
    assert.deepEqual(yAxis, ['0', '25', '50', '75', '100']);
    assert.deepEqual(texts(fig, 'a stage'), ['math-8k', 'code-64']);

    // The held-out table and the training charts follow it.
    assert.ok(html.indexOf('<table>') > html.indexOf(`id="${HELD_OUT_CHART_ID}"`));
    assert.ok(html.indexOf('aria-label="Training reward (mean over rollouts)"') > html.indexOf(`id="${HELD_OUT_CHART_ID}"`));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

function row(label: string, step: number, math: number, code: number): EvalRow {
  return { label, step, byDomain: { math: { pass1: math, passK: math + 0.1, k: 16 }, code: { pass1: code, passK: code + 0.1, k: 16 } } };
}

function summary(seed: number, math: [number, number, number], code: [number, number, number]): RunSummary {
  const stages = [row('before RL', 0, math[0], code[0]), row('after math-8k', 4, math[1], code[1]), row('after code-64', 8, math[2], code[2])];
  return {
    runId: `g-seed${seed}`, dir: `/runs/g-seed${seed}`, recipe, plan,
    blocks: [stages[0], { ...stages[1], label: 'after math RL' }, { ...stages[2], label: 'after code RL' }],
    stages, reward: [1, 2, 3, 4, 5, 6, 7, 8].map((x) => ({ x, y: 0.5 })),
  };
}

test('seeds report: the first figure is held-out pass@1 mean ± sd at every evaluation', () => {
  // math before RL 0.30, 0.40, 0.50 → mean 40.0, sd 10.0 (deviations −10, 0, +10: sqrt(200 / 2));
  // math after math-8k 0.50, 0.60, 0.70 → 60.0 ± 10.0; after code-64 0.60 ×3 → 60.0 ± 0.0;
  // code 0.50 ×3 → 50.0 ± 0.0, then 0.50 ×3, then 0.60, 0.70, 0.80 → 70.0 ± 10.0.
  const infos = [
    { summary: summary(0, [0.3, 0.5, 0.6], [0.5, 0.5, 0.6]), seed: 0, wallSeconds: 60 },
    { summary: summary(1, [0.4, 0.6, 0.6], [0.5, 0.5, 0.7]), seed: 1, wallSeconds: 60 },
    { summary: summary(2, [0.5, 0.7, 0.6], [0.5, 0.5, 0.8]), seed: 2, wallSeconds: 60 },
  ];
  const { html } = buildSeedsReport(infos, 'demo: 3 seeds');
  const fig = firstFigure(html);
  assert.match(fig, new RegExp(`^<figure class="chart" id="${SEEDS_HELD_OUT_CHART_ID}">`));
  const pts = points(fig);
  assert.deepEqual(pts.map((p) => p.title), [
    'math pass@1 (mean ± sd) at step 0: 40.0 ± 10.0', 'math pass@1 (mean ± sd) at step 4: 60.0 ± 10.0', 'math pass@1 (mean ± sd) at step 8: 60.0',
    'code pass@1 (mean ± sd) at step 0: 50.0', 'code pass@1 (mean ± sd) at step 4: 50.0', 'code pass@1 (mean ± sd) at step 8: 70.0 ± 10.0',
  ]);
  // A whisker per point with a spread, from mean − sd to mean + sd: 20 points tall, as far on the
  // page as math's rise from 40 to 60.
  const whiskers = [...fig.matchAll(/<path d="M([\d.]+) ([\d.]+)V([\d.]+)[^"]*"[^>]*class="sd"\/>/g)].map((m) => ({ x: Number(m[1]), hi: Number(m[2]), lo: Number(m[3]) }));
  assert.equal(whiskers.length, 3);
  const twentyPoints = pts[0].cy - pts[1].cy;
  for (const w of whiskers) assert.ok(Math.abs((w.lo - w.hi) - twentyPoints) < 0.2, `whisker ${w.lo - w.hi} px vs ${twentyPoints}`);
  assert.ok(Math.abs(whiskers[0].hi - (pts[0].cy - twentyPoints / 2)) < 0.2, 'centred on the mean');
  // The claims and the tables come after it.
  assert.ok(html.indexOf("<h2>The paper's claims</h2>") > html.indexOf(`id="${SEEDS_HELD_OUT_CHART_ID}"`));
});

test('an evaluation logged twice at one step (a resumed run) is one point with the later numbers, and one stage change', () => {
  const ev = (step: number, math: number) => ({ step, data: { 'val-core/builtin-math/acc/mean@4': math } });
  // Before RL 0.25; after math-8k logged as 0.5, then again as 0.75 after a resume; after code-64 0.75.
  const metrics = [ev(0, 0.25), ev(4, 0.5), ev(4, 0.75), ev(8, 0.75)];
  const pts = points(firstFigure(buildReport(metrics, [], { recipe, runId: 'r', phase: 'all', plan, wallSeconds: 1, parameters: 1, backend: 'cpu' }).html));
  assert.deepEqual(pts.map((p) => p.title), ['builtin-math pass@1 at step 0: 25.0', 'builtin-math pass@1 at step 4: 75.0', 'builtin-math pass@1 at step 8: 75.0']);
  // math-8k: 25 → 75 (+50 points); code-64: 75 → 75 (0).
  const changes = stageHeldOutChanges(metrics, plan).map((s) => [s.stage, s.changes.map((c) => Math.round(1000 * c.delta) / 10)]);
  assert.deepEqual(changes, [['math-8k', [50]], ['code-64', [0]]]);
});
