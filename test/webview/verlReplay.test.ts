// A recorded verl run (file-logger JSONL + rollout dumps) replayed into the dashboard in headless
// Chromium, through the same path the "Follow verl Run…" command uses: the verl watch mirrors it into
// a run-shaped folder, the host's RunFeed reads it, and its snapshot becomes protocol messages.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RunFeed } from '../../src/core/runs/runFeed';
import { startVerlWatch } from '../../src/core/verl/mirror';
import { openDashboardPage, type DashboardPage } from './dashboardPage';

const fixture = path.join(__dirname, '..', 'fixtures', 'verl-run');
let d: DashboardPage;
let root = '';

before(async () => {
  d = await openDashboardPage();
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'verl-replay-'));
});
after(async () => {
  await d?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

test('charts and samples of a verl run appear in the dashboard', async () => {
  const watch = startVerlWatch({
    name: 'math-8k', mirrorRoot: root,
    metrics: { file: path.join(fixture, 'metrics.jsonl') }, rollouts: { dir: path.join(fixture, 'rollouts') },
  });
  const feed = new RunFeed({ kind: 'run', runsDir: root, runId: watch.runId });
  const t0 = Date.now();
  let rows = 0;
  let samples = 0;
  while ((rows < 60 || samples < 8) && Date.now() - t0 < 10_000) {
    const delta = feed.poll();
    rows += delta.metrics?.steps.length ?? 0;
    samples += delta.samples.length;
    if (rows < 60 || samples < 8) await new Promise((r) => setTimeout(r, 50));
  }
  watch.stop();
  const snap = feed.snapshot();
  await d.post({ type: 'reset', runs: [feed.info('primary')], state: { source: feed.source } });
  for (const m of snap.metrics) await d.post({ type: 'metrics', key: feed.key, metrics: m });
  await d.post({ type: 'samples', key: feed.key, samples: snap.samples, replace: true });

  await d.page.waitForFunction(() => document.querySelector('section.chart[data-chart="reward"]')?.getAttribute('data-rows') === '60');
  for (const chart of ['reward', 'length', 'entropy', 'gradnorm', 'throughput']) {
    const points = await d.page.$eval(`section.chart[data-chart="${chart}"]`, (e) => Number(e.getAttribute('data-points')));
    assert.ok(points > 0, `${chart} has points`);
  }
  const legend = await d.page.$eval('section.chart[data-chart="heldout"] .u-legend', (e) => e.textContent ?? '');
  assert.match(legend, /aime24/, 'val-core/aime24/acc/mean@16 is drawn as held-out pass@1');
  await d.page.waitForSelector('article.sample');
  assert.equal(await d.page.$$eval('article.sample', (es) => es.length), 8);
  const ids = await d.page.$$eval('article.sample .prompt-id', (es) => es.map((e) => e.textContent ?? ''));
  assert.ok(ids.some((t) => t.includes('math-0')), 'prompt ids come from the rollout dumps');
  assert.equal(await d.page.$$eval('article.sample img', (es) => es.length), 0, 'HTML in a response renders as text');
  const first = await d.page.$eval('article.sample', (e) => e.textContent ?? '');
  assert.match(first, /Extracted:\s*2[0-9]/, 'the boxed answer is extracted as for our own runs');
  assert.equal(await d.page.$eval('section.chart[data-chart="reward"]', (e) => e.getAttribute('data-stage-lines')), '1');
  const shot = path.join('test-results', 'dashboard-verl-replay.png');
  fs.mkdirSync('test-results', { recursive: true });
  await d.page.screenshot({ path: shot, fullPage: true });
});
