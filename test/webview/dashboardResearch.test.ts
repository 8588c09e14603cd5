// The dashboard as a researcher reads it (issue 16, items 1 and 3–7), in headless Chromium with the
// real bundle, CSP and KaTeX assets: titled axes with whole-number steps, a smoothing slider whose
// curve is TensorBoard's debiased EMA, stage names that never overlap, an SFT chart, a crash banner,
// a sample list that does not move under the pointer, exclusion confirmed by id and text, reference
// vs extracted answers, verdict tags, LaTeX with its raw text one click away, and compare colours.
// Screenshots go to $H4A_SHOTS (default test-results/dashboard-research/) for a person to look at.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { HostToDashboard, RunInfo } from '../../src/core/protocol/dashboard';
import type { SampleRecord } from '../../src/core/protocol/trainer';
import { openDashboardPage, syntheticMetrics, syntheticSft, type DashboardPage } from './dashboardPage';

const SHOTS = process.env.H4A_SHOTS ?? path.join('test-results', 'dashboard-research');
const RUNS = '/ws/.acereason/runs';
const A = `${RUNS}/20261201-101500-math-a1b2`;
const B = `${RUNS}/20261201-111500-math-c3d4`;

function reset(runs: RunInfo[]): HostToDashboard {
  return { type: 'reset', runs, state: { source: { kind: 'run', runsDir: RUNS, runId: path.basename(runs[0].key) } } };
}
const runA: RunInfo = { key: A, label: 'demo · math · 2L×64 · seed 0', detail: path.basename(A), role: 'primary', status: 'running' };
const runB: RunInfo = { key: B, label: 'demo · math · 2L×64 · seed 1', detail: path.basename(B), role: 'compare', status: 'finished' };

function sample(over: Partial<SampleRecord>): SampleRecord {
  return {
    step: 1, stage: 'math-8k', promptId: 'p1', domain: 'math', prompt: 'What is 1+1?', response: '<think>…</think> \\boxed{2}',
    reward: 1, extracted: '2', verdict: 'equivalent', ...over,
  };
}

/** TensorBoard's smoothing, written out independently of src/core/runs/smoothing.ts. */
function tensorboardEma(values: number[], weight: number): number[] {
  const out: number[] = [];
  let last = 0;
  values.forEach((v, i) => {
    last = last * weight + (1 - weight) * v;
    out.push(last / (1 - Math.pow(weight, i + 1)));
  });
  return out;
}

const data = (d: DashboardPage, chart: string, name: string) =>
  d.page.$eval(`section.chart[data-chart="${chart}"]`, (e, n) => e.getAttribute(n), name);

async function shot(d: DashboardPage, name: string, selector?: string): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true });
  await d.page.waitForTimeout(150);
  const file = path.join(SHOTS, `${name}.png`);
  if (selector) await d.page.locator(selector).first().screenshot({ path: file });
  else await d.page.screenshot({ path: file, fullPage: true });
}

type Box = [number, number, number, number];
const overlaps = (a: Box, b: Box) => a[0] < b[0] + b[2] && b[0] < a[0] + a[2] && a[1] < b[1] + b[3] && b[1] < a[1] + a[3];

describe('dashboard: charts a researcher trusts', () => {
  let d: DashboardPage;
  before(async () => { d = await openDashboardPage({ width: 1400, height: 1000 }); });
  after(async () => { await d?.close(); });

  test('every chart has titled axes and whole-number step ticks', async () => {
    await d.post(reset([runA]));
    await d.post({ type: 'metrics', key: A, metrics: syntheticMetrics(18) });
    await d.page.waitForFunction(() => document.querySelector('section.chart[data-chart="reward"]')?.getAttribute('data-rows') === '18');
    for (const chart of ['reward', 'heldout', 'length', 'zerostd', 'pgloss', 'entropy', 'gradnorm', 'lr', 'throughput']) {
      const titles = JSON.parse((await data(d, chart, 'data-axis-titles'))!) as string[];
      assert.equal(titles[0], 'step', chart);
      assert.ok(titles[1].length > 0, `${chart} has a y axis title`);
      const ticks = JSON.parse((await data(d, chart, 'data-x-ticks'))!) as string[];
      assert.ok(ticks.length >= 2, `${chart} has ticks`);
      for (const t of ticks) assert.match(t, /^\d[\d,]*$/, `${chart}: tick ${t} is a whole step`);
    }
    assert.deepEqual(JSON.parse((await data(d, 'length', 'data-axis-titles'))!), ['step', 'tokens', 'clip ratio']);
    assert.deepEqual(d.consoleErrors, []);
    await shot(d, 'charts-18-steps', '#charts');
  });

  test('the smoothing slider draws TensorBoard\'s debiased EMA over the raw curve; 0 draws the raw values', async () => {
    const metrics = syntheticMetrics(18);
    const raw = metrics.columns['critic/score/mean'] as number[];
    await d.page.locator('#smoothing').fill('0.9');
    await d.page.waitForFunction(() => document.querySelector('#smoothing-value')?.textContent === '0.90');
    await d.page.waitForTimeout(100);
    // [raw, smoothed] for the single reward series.
    const [lastRaw, lastSmooth] = JSON.parse((await data(d, 'reward', 'data-last-values'))!) as number[];
    assert.ok(Math.abs(lastRaw - raw[17]) < 1e-12);
    assert.ok(Math.abs(lastSmooth - tensorboardEma(raw, 0.9)[17]) < 1e-9, `${lastSmooth} vs ${tensorboardEma(raw, 0.9)[17]}`);
    await shot(d, 'smoothing-0.9', 'section.chart[data-chart="reward"]');
    await d.page.locator('#smoothing').fill('0');
    await d.page.waitForFunction(() => document.querySelector('#smoothing-value')?.textContent === '0.00');
    await d.page.waitForTimeout(100);
    assert.deepEqual(JSON.parse((await data(d, 'reward', 'data-last-values'))!), [raw[17]]);
    await d.page.locator('#smoothing').fill('0.6');
  });

  test('stage names a step apart never overlap each other, and stay inside the plot area (off the axis values)', async () => {
    await d.post({
      type: 'stages', key: A, stages: [
        { name: 'math-8k-warmup', startStep: 0 }, { name: 'math-16k-long-context', startStep: 1 }, { name: 'math-24k', startStep: 2 },
        { name: 'code-24k', startStep: 9 }, { name: 'code-32k-final-stage', startStep: 17 },
      ],
    });
    await d.page.waitForFunction(() => document.querySelector('section.chart[data-chart="reward"]')?.getAttribute('data-stage-lines') === '5');
    for (const chart of ['reward', 'entropy', 'length']) {
      const boxes = JSON.parse((await data(d, chart, 'data-stage-label-boxes'))!) as Box[];
      const plot = JSON.parse((await data(d, chart, 'data-plot-box'))!) as Box;
      assert.ok(boxes.length >= 3, `${chart}: ${boxes.length} names drawn`);
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) assert.ok(!overlaps(boxes[i], boxes[j]), `${chart}: names ${i} and ${j} overlap`);
        assert.ok(boxes[i][0] >= plot[0] - 0.5 && boxes[i][0] + boxes[i][2] <= plot[0] + plot[2] + 0.5, `${chart}: name ${i} leaves the plot area`);
      }
    }
    await shot(d, 'stage-labels', 'section.chart[data-chart="reward"]');
  });

  test('the SFT warm-up has its own live chart with an SFT step axis', async () => {
    assert.equal(await data(d, 'sft', 'data-points'), '0');
    await d.post({ type: 'metrics', key: A, table: 'sft', metrics: syntheticSft(40) });
    await d.page.waitForFunction(() => document.querySelector('section.chart[data-chart="sft"]')?.getAttribute('data-rows') === '40');
    assert.deepEqual(JSON.parse((await data(d, 'sft', 'data-axis-titles'))!), ['SFT step', 'cross-entropy', 'learning rate']);
    assert.equal(await data(d, 'reward', 'data-rows'), '18', 'SFT steps do not land on the RL step axis');
    await shot(d, 'sft-chart', 'section.chart[data-chart="sft"]');
  });

  test('zoom resets when another run is shown', async () => {
    await d.post(reset([runA]));
    await d.post({ type: 'metrics', key: A, metrics: syntheticMetrics(36) });
    await d.page.waitForFunction(() => document.querySelector('section.chart[data-chart="reward"]')?.getAttribute('data-rows') === '36');
    const over = (await d.page.locator('section.chart[data-chart="reward"] .u-over').boundingBox())!;
    await d.page.mouse.move(over.x + over.width * 0.5, over.y + over.height / 2);
    await d.page.mouse.down();
    await d.page.mouse.move(over.x + over.width * 0.95, over.y + over.height / 2, { steps: 4 });
    await d.page.mouse.up();
    await d.page.waitForFunction(() => /^steps /.test(document.querySelector('#zoom-label')?.textContent ?? ''));
    await d.post(reset([{ ...runA, key: B, label: 'a new 18-step run' }]));
    await d.post({ type: 'metrics', key: B, metrics: syntheticMetrics(18) });
    await d.page.waitForFunction(() => document.querySelector('section.chart[data-chart="reward"]')?.getAttribute('data-rows') === '18');
    assert.equal(await d.page.$eval('#zoom-label', (e) => e.textContent), 'all steps');
  });

  test('a crashed run shows a banner with the error and the end of its log, at once', async () => {
    await d.post(reset([{ ...runA, status: 'running' }]));
    assert.equal(await d.page.$eval('#crash-banner', (e) => (e as HTMLElement).hidden), true);
    await d.post({
      type: 'progress', key: A, status: 'crashed', detail: 'prompt 0 has 380 tokens; the context is 128 <b>x</b>',
      logTail: ['2026-12-01T10:15:00Z INFO  run started', '2026-12-01T10:15:01Z ERROR prompt 0 has 380 tokens; the context is 128'],
    });
    await d.page.waitForSelector('#crash-banner:not([hidden])');
    assert.match(await d.page.$eval('#crash-detail', (e) => e.textContent ?? ''), /prompt 0 has 380 tokens; the context is 128 <b>x<\/b>/);
    assert.match(await d.page.$eval('#crash-log', (e) => e.textContent ?? ''), /ERROR prompt 0 has 380 tokens/);
    assert.match(await d.page.$eval('#run-status', (e) => e.textContent ?? ''), /^crashed/);
    assert.equal(await d.page.$$eval('#crash-banner b', (e) => e.length), 0);
    await d.page.waitForFunction(() => /the run crashed/.test(document.querySelector('section.chart[data-chart="reward"] .empty')?.textContent ?? ''));
    assert.doesNotMatch(await d.page.$eval('#charts', (e) => e.textContent ?? ''), /No data yet/, 'a crashed run never says "No data yet"');
    await shot(d, 'crash-banner', 'body');
  });
});

describe('dashboard: the live sample list', () => {
  let d: DashboardPage;
  before(async () => { d = await openDashboardPage({ width: 1400, height: 1000 }); });
  after(async () => { await d?.close(); });
  const ids = () => d.page.$$eval('article.sample .prompt-id', (es) => es.map((e) => e.textContent));

  test('answers say which is the reference and which was extracted; verdict states are tags', async () => {
    await d.post(reset([runA]));
    await d.post({
      type: 'samples', key: A, samples: [
        sample({ step: 1, promptId: 'gsm-7', reward: 0, extracted: '5', reference: '4', verdict: '4 ≠ 5', verdictState: 'wrong' }),
        sample({ step: 1, promptId: 'gsm-9', reward: 0, extracted: '\\sqrt{2}', reference: '\\frac{1}{2}', verdict: 'timed out', verdictState: 'timeout', verifierFailed: true }),
      ],
    });
    const card = d.page.locator('article.sample', { hasText: 'gsm-7' });
    assert.equal(await card.locator('.extracted code').textContent(), '5');
    assert.equal(await card.locator('.reference code').textContent(), '4');
    assert.match((await card.locator('.reason').textContent()) ?? '', /4 ≠ 5 \(reference ≠ extracted\)/);
    assert.equal(await card.locator('.tag.state-wrong').textContent(), 'wrong');
    const failed = d.page.locator('article.sample', { hasText: 'gsm-9' });
    assert.equal(await failed.locator('.tag.verifier-failed').textContent(), 'verifier failed');
    assert.equal(await failed.locator('.tag.state-timeout').textContent(), 'timeout');
  });

  test('LaTeX renders with KaTeX under the CSP, the raw text one click away', async () => {
    await d.post({
      type: 'samples', key: A, samples: [sample({
        step: 2, promptId: 'frac-1', prompt: 'Compute $\\frac{1}{2} + \\frac{1}{3}$ and give $x^2$ for $x = 3$. It costs $5.',
        response: '<think>\\[ \\sum_{k=1}^{n} k = \\frac{n(n+1)}{2} \\]</think> So the answer is \\boxed{\\frac{5}{6}}.',
        extracted: '\\frac{5}{6}', reference: '\\frac{5}{6}', verdict: 'exactly equal', verdictState: 'correct',
      })],
    });
    const card = d.page.locator('article.sample', { hasText: 'frac-1' });
    await card.locator('details.prompt summary').click();
    await card.locator('details.response summary').click();
    await card.locator('details.prompt .katex').first().waitFor();
    assert.equal(await card.locator('details.prompt .math-block').getAttribute('data-formulas'), '3', 'two formulas and x = 3; "$5." stays text');
    assert.equal(await card.locator('details.response .katex-display').count(), 1);
    assert.equal(await card.locator('details.response .katex').count(), 2, 'the display sum and the bare \\boxed{}');
    assert.match((await card.locator('details.prompt .rendered').textContent()) ?? '', /It costs \$5\./);
    // KaTeX's stylesheet and fonts came from the extension's files, and nothing broke the CSP.
    await d.page.evaluate(() => document.fonts.ready);
    assert.ok(await d.page.evaluate(() => document.fonts.check('16px KaTeX_Main')), 'KaTeX_Main is loaded');
    assert.deepEqual(d.missing, []);
    assert.deepEqual(d.consoleErrors, []);
    await shot(d, 'latex-rendered', 'article.sample:has-text("frac-1")');
    await card.locator('details.prompt button[data-math-toggle]').click();
    assert.equal(await card.locator('details.prompt pre.raw').textContent(), 'Compute $\\frac{1}{2} + \\frac{1}{3}$ and give $x^2$ for $x = 3$. It costs $5.');
    assert.equal(await card.locator('details.prompt pre.raw').isVisible(), true);
    // A formula cannot smuggle markup: \href and \includegraphics make no link or image.
    await d.page.mouse.move(5, 5); // (with the pointer on the list, a new sample would wait)
    await d.post({ type: 'samples', key: A, samples: [sample({ step: 3, promptId: 'evil-tex', prompt: '$\\href{javascript:alert(1)}{click}$ $\\includegraphics{x.png}$ $<img src=x onerror=alert(2)>$' })] });
    const evil = d.page.locator('article.sample', { hasText: 'evil-tex' });
    await evil.locator('details.prompt summary').click();
    await evil.locator('details.prompt .rendered').waitFor();
    assert.equal(await d.page.$$eval('article.sample a, article.sample img', (e) => e.length), 0);
    assert.deepEqual(d.dialogs, []);
    await shot(d, 'latex-raw', 'article.sample:has-text("frac-1")');
    await card.locator('details.prompt button[data-math-toggle]').click();
    assert.equal(await card.locator('details.prompt .rendered').isVisible(), true);
  });

  test('new samples wait while the pointer is on the list; the card and its open sections stay put', async () => {
    await d.post(reset([runA]));
    await d.post({ type: 'samples', key: A, samples: [sample({ step: 1, promptId: 'a' }), sample({ step: 2, promptId: 'b', prompt: 'Prompt of b' })] });
    assert.deepEqual(await ids(), ['b', 'a']);
    const cardB = d.page.locator('article.sample', { hasText: 'Prompt of b' });
    await cardB.locator('details.prompt summary').click();
    const before = await cardB.boundingBox();
    await cardB.hover();
    await d.post({ type: 'samples', key: A, samples: [sample({ step: 3, promptId: 'c' })] });
    await d.page.waitForSelector('#samples-waiting:not([hidden])');
    assert.equal(await d.page.$eval('#samples-waiting', (e) => e.textContent), '1 new sample — show');
    assert.deepEqual(await ids(), ['b', 'a'], 'the list did not move');
    assert.deepEqual(await cardB.boundingBox(), before);
    await shot(d, 'samples-held', '#samples-pane');
    await d.page.mouse.move(5, 5);
    await d.page.waitForFunction(() => document.querySelectorAll('article.sample').length === 3);
    assert.deepEqual(await ids(), ['c', 'b', 'a']);
    assert.equal(await cardB.locator('details.prompt').getAttribute('open'), '', 'the open section survived the new step');
    assert.equal(await d.page.$eval('#samples-waiting', (e) => (e as HTMLElement).hidden), true);
  });

  test('Pause keeps the list still until Resume', async () => {
    await d.page.click('#samples-pause');
    await d.page.mouse.move(5, 5);
    await d.post({ type: 'samples', key: A, samples: [sample({ step: 4, promptId: 'd' })] });
    await d.page.waitForSelector('#samples-waiting:not([hidden])');
    assert.deepEqual(await ids(), ['c', 'b', 'a']);
    await d.page.click('#samples-pause');
    await d.page.waitForFunction(() => document.querySelectorAll('article.sample').length === 4);
    assert.deepEqual(await ids(), ['d', 'c', 'b', 'a']);
  });

  test('Exclude asks first with the prompt\'s id and text, and excludes that card\'s prompt even if steps arrive meanwhile', async () => {
    const card = d.page.locator('article.sample', { hasText: 'Prompt of b' });
    await card.locator('button[data-action="exclude"]').click();
    const confirm = card.locator('.confirm');
    assert.equal(await confirm.locator('.confirm-id').textContent(), 'b');
    assert.equal(await confirm.locator('.confirm-text').textContent(), 'Prompt of b');
    await shot(d, 'exclude-confirm', 'article.sample:has-text("Prompt of b")');
    // A new step arrives while the question is open: the list holds still.
    await d.page.mouse.move(5, 5);
    await d.post({ type: 'samples', key: A, samples: [sample({ step: 5, promptId: 'e' }), sample({ step: 5, promptId: 'f' })] });
    await d.page.waitForSelector('#samples-waiting:not([hidden])');
    assert.deepEqual(await ids(), ['d', 'c', 'b', 'a']);
    assert.equal((await d.posted()).filter((m) => m.type === 'label').length, 0);
    await confirm.locator('button[data-action="confirm-exclude"]').click();
    const label = (await d.posted()).filter((m) => m.type === 'label');
    assert.equal(label.length, 1);
    assert.ok(label[0].type === 'label');
    assert.equal(label[0].promptId, 'b');
    assert.equal(label[0].decision, 'exclude');
    await d.post({ type: 'labelResult', requestId: label[0].requestId, ok: true, message: 'Excluded prompt b (/ws/.acereason/labels.jsonl).' });
    assert.deepEqual(await ids(), ['d', 'c', 'b', 'a'], 'still held: the pointer is on the card');
    await d.page.mouse.move(5, 5);
    await d.page.waitForFunction(() => document.querySelectorAll('article.sample').length === 6);
    assert.equal(await card.locator('.label-status').textContent(), 'Excluded prompt b (/ws/.acereason/labels.jsonl).');
  });
});

describe('dashboard: compare mode', () => {
  let d: DashboardPage;
  before(async () => { d = await openDashboardPage({ width: 1400, height: 1000 }); });
  after(async () => { await d?.close(); });

  test('each run has one colour in every chart and on its samples, none of them the stage colour; runs are named by recipe, model and seed', async () => {
    await d.post(reset([runA, runB]));
    await d.post({ type: 'metrics', key: A, metrics: syntheticMetrics(30) });
    await d.post({ type: 'metrics', key: B, metrics: syntheticMetrics(40) });
    await d.post({ type: 'stages', key: A, stages: [{ name: 'math-8k', startStep: 0 }, { name: 'math-16k', startStep: 15 }] });
    await d.post({ type: 'samples', key: A, samples: [sample({ step: 29, promptId: 'from-a' })] });
    await d.post({ type: 'samples', key: B, samples: [sample({ step: 39, promptId: 'from-b' })] });
    await d.page.waitForFunction(() => document.querySelector('section.chart[data-chart="reward"]')?.getAttribute('data-rows') === '70');
    const colorsOf = async (chart: string) => JSON.parse((await data(d, chart, 'data-series-colors'))!) as string[];
    const reward = await colorsOf('reward');
    assert.equal(reward.length, 2);
    assert.notEqual(reward[0], reward[1]);
    for (const chart of ['entropy', 'gradnorm', 'pgloss']) assert.deepEqual(await colorsOf(chart), reward, chart);
    const length = await colorsOf('length');
    assert.deepEqual([...new Set(length)], reward, 'all series of a run share its colour');
    for (const c of reward) assert.notEqual(c.toLowerCase(), '#cca700', 'the stage colour is no run\'s colour');
    const chipColor = (id: string) => d.page.locator('article.sample', { hasText: id }).locator('.run-chip').evaluate((e) => getComputedStyle(e).getPropertyValue('--run-color').trim());
    assert.equal(await chipColor('from-a'), reward[0]);
    assert.equal(await chipColor('from-b'), reward[1]);
    assert.equal(await d.page.locator('article.sample', { hasText: 'from-b' }).locator('.run-chip').textContent(), 'demo · math · 2L×64 · seed 1');
    assert.equal(await d.page.$eval('#run-title', (e) => e.textContent), 'demo · math · 2L×64 · seed 0');
    assert.equal(await d.page.$eval('#run-detail', (e) => e.textContent), path.basename(A));
    assert.deepEqual(d.consoleErrors, []);
    await shot(d, 'compare');
  });
});
