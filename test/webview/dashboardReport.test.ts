// report.html as a reader opens it (Chromium, its own CSP): legends with colour swatches in their own
// row, stage names that overlap neither each other nor the legend, whole-number step ticks on a
// titled axis, and LaTeX in the samples typeset (MathML) with the raw text one click away.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import type { MetricsLine } from '../../src/core/protocol/metrics';
import { preset } from '../../src/core/rl/presets';
import { planStages } from '../../src/core/rl/schedule';
import { buildReport } from '../../src/trainer/report/report';

const SHOTS = process.env.H4A_SHOTS ?? path.join('test-results', 'dashboard-research');
let browser: Browser;
before(async () => { browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] }); });
after(async () => { await browser?.close(); });

test('report.html: swatches, non-overlapping stage names, integer steps, typeset math with raw text', async () => {
  const recipe = preset('demo');
  const plan = planStages(recipe);
  const last = plan[plan.length - 1].lastStep;
  const metrics: MetricsLine[] = [];
  for (let step = 1; step <= last; step++) {
    metrics.push({ step, data: { 'critic/score/mean': 0.2 + 0.6 * step / last, 'response_length/mean': 40 + step, 'response_length/max': 64, frac_reward_zero_std: 0.3 } });
  }
  metrics.push({ step: 0, data: { 'val-core/demo-math/acc/mean@4': 0.1 } });
  const samples = [{
    step: last, stage: plan[0].spec.name, promptId: 'frac-1', domain: 'math' as const, prompt: 'Compute $\\frac{1}{2}+\\frac{1}{3}$.',
    response: '</think> The answer is \\boxed{\\frac{5}{6}} <script>alert(1)</script> $\\href{javascript:alert(2)}{x}$ $<img src=x onerror=alert(3)>$', reward: 1, extracted: '\\frac{5}{6}', verdict: 'exactly equal',
  }];
  const { html } = buildReport(metrics, samples, { recipe, runId: 'r1', phase: 'all', plan, wallSeconds: 60, parameters: 1000, backend: 'cpu' });
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const dialogs: string[] = [];
  page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
  await page.setContent(html);
  // A string, not a function: tsx would wrap inner closures in a `__name` helper the page lacks.
  const figures = await page.evaluate(`[...document.querySelectorAll('figure.chart svg')].map((svg) => {
    const box = (e) => { const b = e.getBBox(); return [b.x, b.y, b.width, b.height]; };
    return {
      swatches: svg.querySelectorAll('rect.swatch').length,
      legend: [...svg.querySelectorAll('rect.swatch')].map((r) => box(r.nextElementSibling)),
      stages: [...svg.querySelectorAll('text.stage')].map(box),
      ticks: [...svg.querySelectorAll('text.tick')].map((t) => t.textContent || ''),
      xTitle: svg.querySelector('text.xtitle')?.textContent,
    };
  })`) as { swatches: number; legend: number[][]; stages: number[][]; ticks: string[]; xTitle: string }[];
  assert.ok(figures.length >= 3);
  type B = number[];
  const overlap = (a: B, b: B) => a[0] < b[0] + b[2] && b[0] < a[0] + a[2] && a[1] < b[1] + b[3] && b[1] < a[1] + a[3];
  for (const f of figures) {
    assert.ok(f.swatches >= 1);
    const all = [...f.legend, ...f.stages];
    for (let i = 0; i < all.length; i++) for (let j = i + 1; j < all.length; j++) assert.ok(!overlap(all[i], all[j]), `labels ${i} and ${j} overlap`);
    assert.equal(f.xTitle, 'step');
    assert.ok(f.ticks.length >= 2);
    for (const t of f.ticks) assert.match(t, /^\d+$/);
  }
  assert.ok(figures.some((f) => f.stages.length >= 2), 'stage names are written');
  assert.ok(await page.$$eval('.typeset math', (m) => m.length) >= 2, 'MathML for the prompt and the boxed answer');
  assert.equal(await page.$$eval('script', (s) => s.length), 0);
  assert.equal(await page.$$eval('img, a[href]', (s) => s.length), 0, 'formulas make no links or images (KaTeX trust: false)');
  assert.deepEqual(dialogs, []);
  await page.click('details.raw summary');
  assert.equal(await page.locator('details.raw pre').first().textContent(), 'Compute $\\frac{1}{2}+\\frac{1}{3}$.');
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, 'report.png'), fullPage: true });
  await page.close();
});
