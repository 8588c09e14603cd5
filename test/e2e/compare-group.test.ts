// "Compare runs…" in a real VS Code (code-server): an ablation written by `acereason ablate` (a
// group.json beside its member runs) is one item of the pick, and choosing it overlays all its
// runs on the open dashboard.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Studio } from './harness';

const GROUP = '20261201-120000-ablate-demo';
const MEMBERS = [`${GROUP}-default-seed0`, `${GROUP}-no-curriculum-seed0`];
const OTHER = '20261201-110000-math-dddd';

function recordedRun(runId: string, recipe: string, steps: number): Record<string, string> {
  const dir = `.acereason/runs/${runId}`;
  const metrics = Array.from({ length: steps }, (_, i) => JSON.stringify({ step: i + 1, data: { 'critic/score/mean': 0.2 + 0.6 * (i / steps) } })).join('\n');
  return {
    [`${dir}/config.json`]: JSON.stringify({ recipe: { name: recipe, seed: 0, model: { layers: 2, width: 96, heads: 4 } }, phase: 'all', seed: 0, runId }),
    [`${dir}/status.json`]: JSON.stringify({ status: 'finished', step: steps, time: new Date().toISOString() }),
    [`${dir}/metrics.jsonl`]: `${metrics}\n`,
  };
}


describe('Compare runs… opens an ablation\'s variants together', { timeout: 300_000 }, () => {
  let studio: Studio;

  before(async () => {
    studio = await Studio.launch({
      name: 'compare-group', viewport: { width: 1400, height: 900 },
      workspaceFiles: {
        ...recordedRun(OTHER, 'demo', 12),
        ...recordedRun(MEMBERS[0], 'demo', 20),
        ...recordedRun(MEMBERS[1], 'demo-no-curriculum', 16),
        [`.acereason/runs/${GROUP}/group.json`]: JSON.stringify({
          kind: 'ablation', outcome: 'finished', winner: 'no-curriculum', skipped: [],
          runs: [{ variant: 'default', seed: 0, runId: MEMBERS[0], wallSeconds: 60 }, { variant: 'no-curriculum', seed: 0, runId: MEMBERS[1], wallSeconds: 50 }],
        }),
      },
    });
  });
  after(async () => {
    await studio?.close();
  });

  test('the ablation is one item; picking it adds both variants to the dashboard', async () => {
    await studio.capture('compare-group', async () => {
      await studio.openActivityBarView('AceReason');
      // The group folder is not listed as a run in the Runs view.
      await studio.page.locator('.part.sidebar .monaco-list-row', { hasText: OTHER }).first().click({ timeout: 60_000 });
      assert.ok(!(await studio.treeRows()).some((r) => r.includes(GROUP) && !r.includes('seed0')), (await studio.treeRows()).join(' | '));
      const frame = await studio.dashboardFrame();
      await frame.locator('section.chart[data-chart="reward"][data-rows="12"]').waitFor({ state: 'attached', timeout: 30_000 });
      await frame.locator('#compare').click();
      const labels = await studio.quickPickLabels();
      const groupLabel = labels.find((l) => l.includes(GROUP) && !l.includes('seed0'));
      assert.ok(groupLabel, `the pick lists the ablation: ${labels.join(' | ')}`);
      const widget = studio.page.locator('.quick-input-widget');
      await widget.locator('.quick-input-list .monaco-list-row', { hasText: 'opens its 2 runs together' }).first().click();
      await studio.screenshot('compare-group-picked');
      await studio.page.keyboard.press('Enter');
      const chips = frame.locator('#compare-list button[data-key]');
      await chips.nth(1).waitFor({ state: 'attached', timeout: 30_000 });
      const keys = await chips.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.key ?? ''));
      assert.equal(keys.length, 2, keys.join(' | '));
      for (const m of MEMBERS) assert.ok(keys.some((k) => k.endsWith(m)), `${m} is compared: ${keys.join(' | ')}`);
      await studio.screenshot('compare-group-overlaid');
    });
  });
});
