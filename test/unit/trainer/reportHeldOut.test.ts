// The report's "Held-out changes after each stage" section, from hand-made metrics lines whose
// changes are worked out by hand: math 37.2 → 37.7 (+0.5) during math-8k, then 37.7 → 25.6 (−12.1)
// during code-64; code 10.0 → 11.0 → 12.0 (+1.0 each).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MetricsLine } from '../../../src/core/protocol/metrics';
import { preset } from '../../../src/core/rl/presets';
import type { PlannedStage } from '../../../src/core/rl/schedule';
import { buildReport, stageHeldOutChanges } from '../../../src/trainer/report/report';

const recipe = preset('demo');
const plan: PlannedStage[] = [
  { index: 0, spec: { ...recipe.stages[0], name: 'math-8k', domain: 'math' }, firstStep: 1, lastStep: 4 },
  { index: 1, spec: { ...recipe.stages[0], name: 'code-64', domain: 'code' }, firstStep: 5, lastStep: 8 },
];
const info = { recipe, runId: 'r1', phase: 'all', plan, wallSeconds: 60, parameters: 1000, backend: 'cpu' };

function evalLine(step: number, bySource: Record<string, number>): MetricsLine {
  return { step, data: Object.fromEntries(Object.entries(bySource).map(([s, v]) => [`val-core/${s}/acc/mean@4`, v])) };
}

function runMetrics(math: [number, number, number], code: [number, number, number], mathSource = 'builtin-math'): MetricsLine[] {
  const train = (step: number): MetricsLine => ({ step, data: { 'critic/score/mean': 0.5, 'response_length/mean': 20 } });
  return [
    evalLine(0, { [mathSource]: math[0], 'builtin-code': code[0] }),
    train(1), train(2), train(3), train(4),
    evalLine(4, { [mathSource]: math[1], 'builtin-code': code[1] }),
    train(5), train(6), train(7), train(8),
    evalLine(8, { [mathSource]: math[2], 'builtin-code': code[2] }),
  ];
}

test('each stage is compared with the evaluation before it; only the fall of more than 2 points gets a comment', () => {
  const stages = stageHeldOutChanges(runMetrics([0.372, 0.377, 0.256], [0.1, 0.11, 0.12]), plan);
  assert.deepEqual(stages.map((s) => [s.stage, s.step]), [['math-8k', 4], ['code-64', 8]]);
  const delta = (stage: number, source: string) => stages[stage].changes.find((c) => c.source === source)!.delta;
  assert.ok(Math.abs(delta(0, 'builtin-math') - 0.005) < 1e-12);
  assert.ok(Math.abs(delta(1, 'builtin-math') + 0.121) < 1e-12);
  assert.ok(Math.abs(delta(1, 'builtin-code') - 0.01) < 1e-12);
  const comments = stages.flatMap((s) => s.changes.flatMap((c) => (c.comment ? [c.comment] : [])));
  assert.deepEqual(comments, ['held-out builtin-math pass@1 fell 12.1 points during code-64 (37.7 → 25.6)']);
});

test('report.html and report.md list the changes per stage and mark the one drop', () => {
  const { html, md } = buildReport(runMetrics([0.372, 0.377, 0.256], [0.1, 0.11, 0.12]), [], info);
  const section = html.slice(html.indexOf('<h2>Held-out changes after each stage'), html.indexOf('<h2>Training</h2>'));
  assert.match(section, /<tr><td>math-8k<\/td><td>4<\/td><td>\+1\.0<\/td><td>\+0\.5<\/td><\/tr>/);
  assert.match(section, /<tr><td>code-64<\/td><td>8<\/td><td>\+1\.0<\/td><td class="bad">−12\.1<\/td><\/tr>/);
  assert.equal(section.match(/<b>Drop:<\/b>/g)?.length, 1);
  assert.ok(section.includes('<b>Drop:</b> held-out builtin-math pass@1 fell 12.1 points during code-64 (37.7 → 25.6)'));

  const mdSection = md.slice(md.indexOf('## Held-out changes after each stage'), md.indexOf('## Stages'));
  assert.ok(mdSection.includes('| code-64 | 8 | +1.0 | −12.1 |'), mdSection);
  assert.ok(mdSection.includes('| math-8k | 4 | +1.0 | +0.5 |'), mdSection);
  assert.equal(mdSection.match(/\*\*Drop:\*\*/g)?.length, 1);
  assert.ok(mdSection.includes('> **Drop:** held-out builtin-math pass@1 fell 12.1 points during code-64 (37.7 → 25.6)'));
});

test('no drop: the section says so; a fall of exactly 2 points is not a drop', () => {
  const { html, md } = buildReport(runMetrics([0.3, 0.3, 0.28], [0.1, 0.11, 0.12]), [], info);
  assert.ok(html.includes('No held-out set fell by more than 2 points during any stage.'));
  assert.ok(!html.includes('<b>Drop:</b>'));
  assert.ok(md.includes('| code-64 | 8 | +1.0 | −2.0 |'));
  assert.ok(!md.includes('**Drop:**'));
});

test('a source name with markup or a pipe is escaped in both reports', () => {
  const evil = '<img src=x onerror=alert(1)>|x';
  const { html, md } = buildReport(runMetrics([0.5, 0.5, 0.2], [0.1, 0.1, 0.1], evil), [], info);
  assert.ok(!html.includes('<img src=x'));
  assert.ok(html.includes('<b>Drop:</b> held-out &lt;img src=x onerror=alert(1)&gt;|x pass@1 fell 30.0 points during code-64 (50.0 → 20.0)'));
  assert.ok(md.includes('> **Drop:** held-out &lt;img src=x onerror=alert(1)&gt;\\|x pass@1 fell 30.0 points'));
});

test('a run with no evaluation after a stage says there is nothing to compare', () => {
  const { html, md } = buildReport([evalLine(0, { m: 0.5 })], [], info);
  assert.ok(html.includes('No stage has a held-out evaluation both before and after it.'));
  assert.ok(md.includes('No stage has a held-out evaluation both before and after it.'));
});
