// Held-out evaluations are measurements a few steps apart, not a noisy per-step curve: the
// smoothing slider leaves the held-out chart as logged (an EMA across evaluations would draw a
// score the model never had), while the reward chart beside it is smoothed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunInfo } from '../../src/core/protocol/dashboard';
import { openDashboardPage, type DashboardPage } from './dashboardPage';

const RUNS = '/ws/.acereason/runs';
const KEY = `${RUNS}/20261201-101500-all-a1b2`;
const run: RunInfo = { key: KEY, label: 'demo · all · 2L×96 · seed 1', role: 'primary', status: 'finished' };
let d: DashboardPage;
before(async () => { d = await openDashboardPage({ width: 1400, height: 1000 }); });
after(async () => { await d?.close(); });

test('smoothing 0.9: the held-out chart shows the logged pass@1, the reward chart its EMA', async () => {
  // Evaluations at steps 0, 40, 80: math 0.389 → 0.395 → 0.612; reward 0 then 1 at every step.
  const steps = Array.from({ length: 81 }, (_, i) => i);
  const heldOut = steps.map((s) => (s === 0 ? 0.389 : s === 40 ? 0.395 : s === 80 ? 0.612 : null));
  const reward = steps.map((s) => (s === 0 ? null : s < 40 ? 0 : 1));
  await d.post({ type: 'reset', runs: [run], state: { source: { kind: 'run', runsDir: RUNS, runId: '20261201-101500-all-a1b2' } } });
  await d.post({ type: 'metrics', key: KEY, metrics: { steps, columns: { 'critic/score/mean': reward, 'val-core/builtin-math/acc/mean@16': heldOut } } });
  await d.page.locator('#smoothing').fill('0.9');
  await d.page.waitForFunction(() => document.querySelector('#smoothing-value')?.textContent === '0.90');
  await d.page.waitForTimeout(150);
  const last = async (chart: string) => JSON.parse((await d.page.$eval(`section.chart[data-chart="${chart}"]`, (e) => e.getAttribute('data-last-values')))!) as number[];
  // One series, no faint raw copy under it, ending at the last evaluation as logged.
  assert.deepEqual(await last('heldout'), [0.612]);
  // The reward: [raw, smoothed]; 41 ones after 39 zeros under a debiased EMA of weight 0.9 end
  // at (1 − 0.9^41) / (1 − 0.9^80), worked out by hand from the EMA's closed form.
  const [raw, smooth] = await last('reward');
  assert.equal(raw, 1);
  assert.ok(Math.abs(smooth - (1 - 0.9 ** 41) / (1 - 0.9 ** 80)) < 1e-9, String(smooth));
  assert.deepEqual(d.consoleErrors, []);
});
