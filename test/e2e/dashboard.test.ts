// The dashboard in a real VS Code (code-server): "AceReason: Start Math RL" on the defaults (demo
// tasks, demo preset) opens the dashboard; its reward chart gains points and a sample appears; "Stop
// Training" stops the run and the Runs view shows it as stopped; "Resume Run" continues it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Frame } from 'playwright-core';
import { preset } from '../../src/core/rl/presets';
import { RESULTS_DIR, Studio } from './harness';

const TRAINING_TIMEOUT_MS = 240_000;

/**
 * The demo preset with a short SFT warm-up: on a busy 2-core machine the preset's 250 warm-up steps
 * take minutes before the first RL step. Configured as `acereason.trainer.recipe`, so the recipe
 * quick pick offers it first and Enter takes it, as it takes "demo" by default.
 */
function quickDemoRecipe(): string {
  const demo = preset('demo');
  return JSON.stringify({ ...demo, name: 'demo-quick', sft: { ...demo.sft, steps: 10 } }, null, 2);
}

async function dashboardFrame(studio: Studio, timeoutMs = 60_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of studio.page.frames()) {
      if (await frame.locator('#charts section.chart[data-chart="reward"]').count().catch(() => 0)) return frame;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no dashboard webview within ${timeoutMs} ms`);
}

function runsDir(studio: Studio): string {
  return path.join(studio.workspaceDir, '.acereason', 'runs');
}

function readStatus(studio: Studio, runId: string): string | undefined {
  try {
    return (JSON.parse(fs.readFileSync(path.join(runsDir(studio), runId, 'status.json'), 'utf8')) as { status?: string }).status;
  } catch {
    return undefined;
  }
}

async function until<T>(what: string, timeoutMs: number, probe: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('dashboard and Runs view in code-server', { timeout: 600_000 }, () => {
  let studio: Studio;
  let runId = '';

  before(async () => {
    studio = await Studio.launch({ name: 'dashboard', workspaceFiles: { 'README.md': '# dashboard e2e\n', 'demo-quick.json': quickDemoRecipe() } });
    const settingsFile = path.join(studio.workspaceDir, '.vscode', 'settings.json');
    fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
    fs.writeFileSync(settingsFile, JSON.stringify({ 'acereason.trainer.recipe': path.join(studio.workspaceDir, 'demo-quick.json') }));
  });
  after(async () => {
    await studio?.close();
  });

  test('Start Math RL on the defaults: the reward chart gains points and a sample appears', async () => {
    await studio.capture('start-and-watch', async () => {
      // Opening the Runs view activates the extension, so the command's quick picks appear at once
      // (the harness gives a quick pick 1.5 s to show up before it stops pressing Enter).
      await studio.openActivityBarView('AceReason');
      await studio.waitForOutput('AceReason', /AceReason Studio activated/, 60_000);
      await studio.runCommand('AceReason: Start Math RL');
      runId = (await studio.waitForOutput('AceReason', /\[host\] started math run (\S+)/, 90_000))[1];
      const frame = await dashboardFrame(studio);
      await frame.locator('section.chart[data-chart="reward"]:not([data-points="0"])').waitFor({ state: 'attached', timeout: TRAINING_TIMEOUT_MS });
      const first = Number(await frame.locator('section.chart[data-chart="reward"]').getAttribute('data-rows'));
      await until('a second reward point', TRAINING_TIMEOUT_MS, async () =>
        Number(await frame.locator('section.chart[data-chart="reward"]').getAttribute('data-rows')) > first || undefined);
      await frame.locator('article.sample').first().waitFor({ state: 'visible', timeout: TRAINING_TIMEOUT_MS });
      assert.match((await frame.locator('#run-title').textContent()) ?? '', new RegExp(runId));
      assert.equal(await frame.locator('img').count(), 0);
      await studio.page.waitForTimeout(500);
      fs.mkdirSync(RESULTS_DIR, { recursive: true });
      await studio.page.screenshot({ path: path.join(RESULTS_DIR, 'dashboard-e2e.png') });
      await frame.locator('#samples-pane').scrollIntoViewIfNeeded();
      await studio.page.screenshot({ path: path.join(RESULTS_DIR, 'dashboard-e2e-samples.png') });
      await frame.locator('#charts').scrollIntoViewIfNeeded();
    });
  });

  test('Stop Training stops the run; the Runs view shows it as stopped; Resume Run continues it', async () => {
    assert.ok(runId, 'the previous test started a run');
    await studio.capture('stop-and-resume', async () => {
      await studio.runCommand('AceReason: Stop Training');
      await until('status.json to say stopped', TRAINING_TIMEOUT_MS, () => readStatus(studio, runId) === 'stopped' || undefined);
      await studio.openActivityBarView('AceReason');
      const row = studio.page.locator('.part.sidebar .monaco-list-row', { hasText: runId }).first();
      await row.waitFor({ state: 'visible', timeout: 30_000 });
      await until('the Runs view to show the run as stopped', 30_000, async () => /stopped/.test((await row.textContent()) ?? '') || undefined);
      await studio.screenshot('runs-view-stopped');

      await studio.runCommand('AceReason: Resume Run');
      await studio.waitForOutput('AceReason', new RegExp(`\\[host\\] started math run ${runId} from `), 90_000);
      await until('the resumed run to be running', 60_000, () => readStatus(studio, runId) === 'running' || undefined);
      await until('the Runs view to show the run as running', 30_000, async () => /running/.test((await row.textContent()) ?? '') || undefined);
      await studio.runCommand('AceReason: Stop Training');
      await until('the resumed run to stop', TRAINING_TIMEOUT_MS, () => readStatus(studio, runId) === 'stopped' || undefined);
    });
  });

  test('after a window reload the dashboard reopens with the run rebuilt from its folder', async () => {
    assert.ok(runId, 'the first test started a run');
    await studio.capture('reload', async () => {
      const metricsLines = fs.readFileSync(path.join(runsDir(studio), runId, 'metrics.jsonl'), 'utf8').trim().split('\n').length;
      await studio.page.reload();
      const frame = await dashboardFrame(studio, 90_000);
      await frame.locator(`section.chart[data-chart="reward"][data-rows="${metricsLines}"]`).waitFor({ state: 'attached', timeout: 60_000 });
      assert.match((await frame.locator('#run-title').textContent()) ?? '', new RegExp(runId));
      await frame.locator('article.sample').first().waitFor({ state: 'visible', timeout: 30_000 });
      await studio.page.waitForTimeout(500);
      await studio.page.screenshot({ path: path.join(RESULTS_DIR, 'dashboard-e2e-reloaded.png') });
    });
  });
});
