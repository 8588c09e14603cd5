// The note under the held-out pass@1 chart, in headless Chromium: one line per held-out set whose
// `val-aux/<source>/pass@1_change` (logged by the trainer after each stage) is below −2 points,
// naming the stage that ended there; names from the run folder stay text.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { HostToDashboard } from '../../src/core/protocol/dashboard';
import { openDashboardPage, type DashboardPage } from './dashboardPage';

const KEY = '/ws/.acereason/runs/run-a';

function reset(key = KEY): HostToDashboard {
  return { type: 'reset', runs: [{ key, label: key.split('/').pop()!, role: 'primary' }], state: { source: { kind: 'run', runsDir: '/ws/.acereason/runs', runId: 'run-a' } } };
}

/** Steps 0–8: held-out math and code at 0, 4 (after math-8k) and 8 (after code-64), with the changes. */
function metrics(mathChange: [number, number], codeChange: [number, number], mathSource = 'math'): HostToDashboard {
  const steps = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const at = (values: Record<number, number>) => steps.map((s) => values[s] ?? null);
  return {
    type: 'metrics', key: KEY, metrics: {
      steps,
      columns: {
        'critic/score/mean': steps.map((s) => (s === 0 ? null : 0.5)),
        [`val-core/${mathSource}/acc/mean@4`]: at({ 0: 0.372, 4: 0.372 + mathChange[0], 8: 0.372 + mathChange[0] + mathChange[1] }),
        'val-core/code/acc/mean@4': at({ 0: 0.1, 4: 0.1 + codeChange[0], 8: 0.1 + codeChange[0] + codeChange[1] }),
        [`val-aux/${mathSource}/pass@1_change`]: at({ 4: mathChange[0], 8: mathChange[1] }),
        'val-aux/code/pass@1_change': at({ 4: codeChange[0], 8: codeChange[1] }),
      },
    },
  };
}

const STAGES: HostToDashboard = { type: 'stages', key: KEY, stages: [{ name: 'math-8k', startStep: 1 }, { name: 'code-64', startStep: 5 }] };

async function notes(d: DashboardPage): Promise<{ hidden: boolean; lines: string[] }> {
  return d.page.$eval('section.chart[data-chart="heldout"] .held-out-notes', (e) => ({
    hidden: (e as HTMLElement).hidden || getComputedStyle(e).display === 'none',
    lines: [...e.querySelectorAll('.held-out-drop')].map((p) => p.textContent ?? ''),
  }));
}

describe('dashboard: held-out drop note', () => {
  let d: DashboardPage;
  before(async () => { d = await openDashboardPage(); });
  after(async () => { await d?.close(); });

  test('a −12.1 point change gets one visible note under the held-out chart; +1 and +0.5 get none', async () => {
    await d.post(reset());
    await d.post(STAGES);
    await d.post(metrics([0.005, -0.121], [0.01, 0.01]));
    await d.page.waitForFunction(() => document.querySelectorAll('section.chart[data-chart="heldout"] .held-out-drop').length > 0);
    const n = await notes(d);
    assert.equal(n.hidden, false);
    assert.deepEqual(n.lines, ['⚠ math pass@1 fell 12.1 points during code-64 (step 8)']);
    // Under the plot, inside the held-out chart's box, and really on screen.
    const box = await d.page.$eval('section.chart[data-chart="heldout"]', (chart) => {
      const plot = chart.querySelector('.plot')!.getBoundingClientRect();
      const note = chart.querySelector('.held-out-drop')!.getBoundingClientRect();
      return { below: note.top >= plot.bottom - 1, height: note.height, width: note.width };
    });
    assert.ok(box.below, 'the note sits below the plot');
    assert.ok(box.height > 5 && box.width > 50, `the note is visible (${box.width}×${box.height})`);
    assert.deepEqual(d.consoleErrors, []);
  });

  test('a fall of exactly 2 points is not a drop; a new run without drops hides the note', async () => {
    await d.post(reset());
    await d.post(STAGES);
    await d.post(metrics([0.01, -0.02], [0.01, -0.015]));
    await d.page.waitForFunction(() => document.querySelector('section.chart[data-chart="heldout"]')?.getAttribute('data-rows') === '9');
    const n = await notes(d);
    assert.equal(n.hidden, true);
    assert.deepEqual(n.lines, []);
  });

  test('a source name with markup is shown as text: no element created, no dialog', async () => {
    const evil = '<img src=x onerror=alert(1)>';
    await d.post(reset());
    await d.post({ type: 'stages', key: KEY, stages: [{ name: '<b>stage</b>', startStep: 1 }] });
    await d.post(metrics([0, -0.3], [0, 0], evil));
    await d.page.waitForFunction(() => document.querySelectorAll('section.chart[data-chart="heldout"] .held-out-drop').length > 0);
    const n = await notes(d);
    assert.deepEqual(n.lines, [`⚠ ${evil} pass@1 fell 30.0 points during <b>stage</b> (step 8)`]);
    assert.equal(await d.page.$$eval('.held-out-notes img, .held-out-notes b', (es) => es.length), 0);
    assert.deepEqual(d.dialogs, []);
  });
});
