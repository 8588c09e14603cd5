// The dashboard page in headless Chromium, driven by protocol messages as the host would send them.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { HostToDashboard } from '../../src/core/protocol/dashboard';
import type { SampleRecord } from '../../src/core/protocol/trainer';
import { openDashboardPage, syntheticMetrics, type DashboardPage } from './dashboardPage';

const KEY = '/ws/.acereason/runs/run-a';
const OTHER = '/ws/.acereason/runs/run-b';

function reset(runs: { key: string; label: string; role: 'primary' | 'compare' }[] = [{ key: KEY, label: 'run-a', role: 'primary' }]): HostToDashboard {
  return { type: 'reset', runs, state: { source: { kind: 'run', runsDir: '/ws/.acereason/runs', runId: 'run-a' } } };
}

function sample(over: Partial<SampleRecord>): SampleRecord {
  return {
    step: 1, stage: 'math-8k', promptId: 'p1', domain: 'math', prompt: 'What is 1+1?', response: '<think>…</think> \\boxed{2}',
    reward: 1, extracted: '2', verdict: 'equivalent', ...over,
  };
}

const attrOf = (d: DashboardPage, chart: string, name: string) =>
  d.page.$eval(`section.chart[data-chart="${chart}"]`, (e, n) => e.getAttribute(n), name);

async function waitRows(d: DashboardPage, chart: string, rows: number): Promise<void> {
  await d.page.waitForFunction(([c, r]) => document.querySelector(`section.chart[data-chart="${c}"]`)?.getAttribute('data-rows') === String(r), [chart, rows] as const);
}

describe('dashboard webview', () => {
  let d: DashboardPage;
  before(async () => { d = await openDashboardPage(); });
  after(async () => { await d?.close(); });

  test('charts gain points as steps arrive, on every chart', async () => {
    await d.post(reset());
    assert.equal(await attrOf(d, 'reward', 'data-points'), '0');
    assert.deepEqual(await d.page.$$eval('#filter-stage option', (os) => os.map((o) => o.textContent)), ['All stages']);
    await d.post({ type: 'metrics', key: KEY, metrics: syntheticMetrics(20) });
    await waitRows(d, 'reward', 20);
    for (const chart of ['reward', 'heldout', 'length', 'entropy', 'gradnorm', 'throughput']) {
      assert.ok(Number(await attrOf(d, chart, 'data-points')) > 0, `${chart} has points`);
    }
    await d.post({ type: 'metrics', key: KEY, metrics: syntheticMetrics(1, 20) });
    await waitRows(d, 'reward', 21);
    assert.equal(await attrOf(d, 'reward', 'data-points'), '21');
    const legend = await d.page.$eval('section.chart[data-chart="heldout"] .u-legend', (e) => e.textContent ?? '');
    assert.match(legend, /math500 \(avg@4\)/);
  });

  test('the reward chart has no min/max band (always 0–1 with 0/1 rewards); the legend shows the smoothed mean only', async () => {
    const labels = await d.page.$$eval('section.chart[data-chart="reward"] .u-legend .u-series', (es) =>
      es.filter((e) => getComputedStyle(e).display !== 'none').map((e) => e.querySelector('.u-label')?.textContent));
    assert.deepEqual(labels.slice(1), ['score mean']);
  });

  test('stage boundaries are drawn on every chart', async () => {
    await d.post({ type: 'stages', key: KEY, stages: [{ name: 'math-8k', startStep: 0 }, { name: 'math-16k', startStep: 12 }] });
    await d.page.waitForFunction(() => document.querySelector('section.chart[data-chart="reward"]')?.getAttribute('data-stage-lines') === '2');
    for (const chart of ['reward', 'heldout', 'length', 'entropy', 'gradnorm', 'throughput']) {
      assert.equal(await attrOf(d, chart, 'data-stage-lines'), '2', chart);
    }
    // The line is really on the canvas: the pixel column at step 12 differs from the plain background above the plot's data.
    const stroked = await d.page.$eval('section.chart[data-chart="entropy"] canvas', (c) => {
      const canvas = c as HTMLCanvasElement;
      const ctx = canvas.getContext('2d')!;
      return ctx.getImageData(0, 0, canvas.width, canvas.height).data.some((v, i) => i % 4 === 3 && v > 0);
    });
    assert.ok(stroked);
  });

  test('a response with HTML and script renders as text: no element created, no dialog', async () => {
    const evil = '<img src=x onerror=alert(1)><script>alert(2)</script><b id="bold">bold</b>';
    await d.post({
      type: 'samples', key: KEY, samples: [sample({
        promptId: `<img src=x onerror=alert(3)>`, stage: '<script>alert(4)</script>', prompt: evil, response: evil,
        verdict: `<img src=y onerror=alert(5)>`, extracted: '<svg onload=alert(6)>', source: '<i>src</i>',
      })],
    });
    await d.page.waitForSelector('article.sample');
    await d.page.$$eval('article.sample details', (ds) => ds.forEach((x) => ((x as HTMLDetailsElement).open = true)));
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(await d.page.$$eval('img', (e) => e.length), 0);
    assert.equal(await d.page.$$eval('svg', (e) => e.length), 0);
    assert.equal(await d.page.$$eval('#bold, i', (e) => e.length), 0);
    assert.equal(await d.page.$$eval('script', (e) => e.length), 1, 'only the nonce\'d bundle');
    assert.deepEqual(d.dialogs, []);
    const text = await d.page.$eval('article.sample', (e) => e.textContent ?? '');
    assert.ok(text.includes('<img src=x onerror=alert(1)>'));
    assert.ok(text.includes('<script>alert(2)</script>'));
    assert.ok(text.includes('<svg onload=alert(6)>'));
    const stageOptions = await d.page.$$eval('#filter-stage option', (os) => os.map((o) => o.textContent));
    assert.ok(stageOptions.includes('<script>alert(4)</script>'));
    assert.equal(stageOptions[0], 'All stages');
  });

  test('samples filter by stage and by right/wrong', async () => {
    await d.post({
      type: 'samples', key: KEY, replace: true, samples: [
        sample({ step: 1, stage: 'math-8k', promptId: 'a', reward: 1 }),
        sample({ step: 2, stage: 'math-8k', promptId: 'b', reward: 0, extracted: '3', verdict: 'not equivalent' }),
        sample({ step: 3, stage: 'math-16k', promptId: 'c', reward: 0 }),
        sample({ step: 4, stage: 'code-24k', promptId: 'd', domain: 'code', reward: 1, extracted: null, verdict: 'all tests passed', tests: [{ status: 'pass' }, { status: 'pass' }] }),
      ],
    });
    const ids = () => d.page.$$eval('article.sample .prompt-id', (es) => es.map((e) => e.textContent));
    assert.deepEqual(await ids(), ['d', 'c', 'b', 'a']);
    await d.page.selectOption('#filter-outcome', 'wrong');
    assert.deepEqual(await ids(), ['c', 'b']);
    await d.page.selectOption('#filter-stage', 'math-8k');
    assert.deepEqual(await ids(), ['b']);
    await d.page.selectOption('#filter-outcome', 'right');
    assert.deepEqual(await ids(), ['a']);
    await d.page.selectOption('#filter-stage', '');
    await d.page.selectOption('#filter-outcome', 'all');
    assert.match(await d.page.$eval('article.sample', (e) => e.textContent ?? ''), /2\/2 tests passed/);
    fs.mkdirSync('test-results', { recursive: true });
    await d.page.screenshot({ path: 'test-results/dashboard-webview.png', fullPage: true });
  });

  test('open in editor and exclude/flag post validated requests to the host', async () => {
    const card = d.page.locator('article.sample').filter({ hasText: 'step 3' });
    await card.locator('button[data-action="open"]').click();
    await card.locator('button[data-action="exclude"]').click();
    assert.equal((await d.posted()).filter((m) => m.type === 'label').length, 0, 'nothing is excluded before the confirmation');
    await card.locator('button[data-action="confirm-exclude"]').click();
    const posted = await d.posted();
    const open = posted.find((m) => m.type === 'openSample');
    assert.ok(open && open.type === 'openSample');
    assert.equal(open.sample.promptId, 'c');
    const label = posted.find((m) => m.type === 'label');
    assert.ok(label && label.type === 'label');
    assert.equal(label.promptId, 'c');
    assert.equal(label.decision, 'exclude');
    await d.post({ type: 'labelResult', requestId: label.requestId, ok: true, message: 'Excluded <b>c</b>' });
    assert.equal(await d.page.$eval('#notice', (e) => e.textContent), 'Excluded <b>c</b>');
  });

  test('an invalid message is dropped', async () => {
    const before = await attrOf(d, 'reward', 'data-rows');
    await d.post({ type: 'metrics', key: KEY, metrics: { steps: [50], columns: { 'critic/score/mean': [1, 2] } } } as HostToDashboard);
    await d.post({ type: 'nonsense' } as unknown as HostToDashboard);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(await attrOf(d, 'reward', 'data-rows'), before);
  });

  test('compare runs overlays the curves of a second run', async () => {
    await d.post(reset([{ key: KEY, label: 'run-a', role: 'primary' }, { key: OTHER, label: 'run-b', role: 'compare' }]));
    await d.post({ type: 'metrics', key: KEY, metrics: syntheticMetrics(30) });
    await d.post({ type: 'metrics', key: OTHER, metrics: syntheticMetrics(50) });
    await waitRows(d, 'reward', 80);
    const labels = await d.page.$$eval('section.chart[data-chart="reward"] .u-legend .u-label', (es) => es.map((e) => e.textContent));
    assert.ok(labels.includes('run-a · score mean') && labels.includes('run-b · score mean'), labels.join(','));
    assert.match(await d.page.$eval('#compare-list', (e) => e.textContent ?? ''), /run-b/);
    await d.page.click('#compare-list button[data-key]');
    const posted = await d.posted();
    assert.ok(posted.some((m) => m.type === 'removeCompare' && m.key === OTHER));
  });

  test('100,000 steps load, draw decimated, and zoom by dragging on any chart', async () => {
    await d.post(reset());
    const all = syntheticMetrics(100_000);
    for (let from = 0; from < all.steps.length; from += 25_000) {
      const columns = Object.fromEntries(Object.entries(all.columns).map(([k, v]) => [k, v.slice(from, from + 25_000)]));
      await d.post({ type: 'metrics', key: KEY, metrics: { steps: all.steps.slice(from, from + 25_000), columns } });
    }
    await waitRows(d, 'reward', 100_000);
    const points = Number(await attrOf(d, 'reward', 'data-points'));
    assert.ok(points > 100 && points < 5000, `reward draws ${points} points for 100,000 rows`);
    const over = await d.page.locator('section.chart[data-chart="entropy"] .u-over').boundingBox();
    assert.ok(over);
    await d.page.mouse.move(over.x + over.width * 0.25, over.y + over.height / 2);
    await d.page.mouse.down();
    await d.page.mouse.move(over.x + over.width * 0.5, over.y + over.height / 2, { steps: 5 });
    await d.page.mouse.up();
    await d.page.waitForFunction(() => Number(document.querySelector('section.chart[data-chart="reward"]')?.getAttribute('data-rows')) < 100_000);
    const zoomedRows = Number(await attrOf(d, 'reward', 'data-rows'));
    assert.ok(zoomedRows > 15_000 && zoomedRows < 35_000, `zoomed to ${zoomedRows} rows`);
    assert.match(await d.page.$eval('#zoom-label', (e) => e.textContent ?? ''), /^steps \d+–\d+$/);
    await d.page.click('#reset-zoom');
    await waitRows(d, 'reward', 100_000);
    assert.deepEqual(d.dialogs, []);
    assert.deepEqual(d.consoleErrors, []);
  });
});
