// Dashboard redraw time with 100,000 steps of history, in headless Chromium: the frame a live step
// costs (all six charts redrawn), with min-max decimation vs drawing every row (the baseline),
// measured in the same run. Reads the page's 'acereason-dashboard-draw' performance measures.
import { openDashboardPage, syntheticMetrics, type DashboardPage } from '../test/webview/dashboardPage';

const HISTORY = 100_000;
const FRAMES = 20;
const KEY = '/bench/.acereason/runs/bench';

async function drawTimes(d: DashboardPage): Promise<number[]> {
  return d.page.evaluate(() => performance.getEntriesByName('acereason-dashboard-draw').map((e) => e.duration));
}

async function measure(decimate: boolean): Promise<{ median: number; p95: number; points: number; loadMs: number }> {
  const d = await openDashboardPage({ decimate });
  try {
    await d.post({ type: 'reset', runs: [{ key: KEY, label: 'bench', role: 'primary' }], state: { source: { kind: 'metricsFile', file: '/bench/metrics.jsonl' } } });
    const all = syntheticMetrics(HISTORY + FRAMES);
    const chunk = 25_000;
    const t0 = Date.now();
    for (let from = 0; from < HISTORY; from += chunk) {
      const to = Math.min(HISTORY, from + chunk);
      const columns = Object.fromEntries(Object.entries(all.columns).map(([k, v]) => [k, v.slice(from, to)]));
      await d.post({ type: 'metrics', key: KEY, metrics: { steps: all.steps.slice(from, to), columns } });
    }
    await d.page.waitForFunction((n) => document.querySelector('section.chart[data-chart="reward"]')?.getAttribute('data-rows') === String(n), HISTORY, { timeout: 300_000 });
    const loadMs = Date.now() - t0;
    const before = (await drawTimes(d)).length;
    for (let i = 0; i < FRAMES; i++) {
      const step = HISTORY + i;
      const columns = Object.fromEntries(Object.entries(all.columns).map(([k, v]) => [k, [v[step]]]));
      await d.post({ type: 'metrics', key: KEY, metrics: { steps: [step], columns } });
      await d.page.waitForFunction((n) => performance.getEntriesByName('acereason-dashboard-draw').length >= n, before + i + 1, { timeout: 120_000 });
    }
    const times = (await drawTimes(d)).slice(before).sort((a, b) => a - b);
    const points = Number(await d.page.$eval('section.chart[data-chart="reward"]', (e) => e.getAttribute('data-points')));
    return { median: times[Math.floor(times.length / 2)], p95: times[Math.min(times.length - 1, Math.floor(times.length * 0.95))], points, loadMs };
  } finally {
    await d.close();
  }
}

export async function run(): Promise<void> {
  const fast = await measure(true);
  const slow = await measure(false);
  const row = (name: string, r: typeof fast) =>
    console.log(`${name.padEnd(28)} redraw median ${r.median.toFixed(1).padStart(7)} ms   p95 ${r.p95.toFixed(1).padStart(7)} ms   reward points drawn ${String(r.points).padStart(7)}   load ${r.loadMs} ms`);
  console.log(`dashboard redraw with ${HISTORY.toLocaleString('en')} steps (6 charts, ${FRAMES} live steps), headless Chromium`);
  row('min-max decimation', fast);
  row('baseline: every row', slow);
  console.log(`speed-up: ${(slow.median / fast.median).toFixed(1)}× (median), ${(slow.p95 / fast.p95).toFixed(1)}× (p95)`);
}
