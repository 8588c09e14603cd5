// The dashboard in a real VS Code (code-server): "AceReason: Start Math RL" on the defaults (demo
// tasks, demo preset) opens the dashboard; its reward chart gains points and a sample appears; "Stop
// Training" stops the run and the Runs view shows it as stopped; "Resume Run" continues it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
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

/** A recorded run folder as the trainer writes it: config, status, metrics, samples. */
function recordedRun(runId: string, steps: number, status: Record<string, unknown>): Record<string, string> {
  const dir = `.acereason/runs/${runId}`;
  const metrics = Array.from({ length: steps }, (_, i) => JSON.stringify({ step: i + 1, data: { 'critic/score/mean': 0.2 + 0.6 * (i / steps), 'actor/entropy': 1.5 - i / steps } })).join('\n');
  const samples = Array.from({ length: 3 }, (_, i) => JSON.stringify({
    step: steps - i, stage: 'math-24', promptId: `${runId.slice(-4)}-p${i}`, domain: 'math', prompt: `Problem ${i} of ${runId}: what is $${i} + 1$?`,
    response: `</think> \\boxed{${i + 1}}`, reward: 1, extracted: String(i + 1), reference: String(i + 1), verdict: 'exactly equal', verdictState: 'correct',
  })).join('\n');
  return {
    [`${dir}/config.json`]: JSON.stringify({ recipe: { name: 'demo', seed: 0, model: { layers: 2, width: 96, heads: 4 } }, phase: 'math', seed: 0, runId }),
    [`${dir}/status.json`]: JSON.stringify({ time: new Date().toISOString(), ...status }),
    ...(steps > 0 ? { [`${dir}/metrics.jsonl`]: `${metrics}\n`, [`${dir}/samples.jsonl`]: `${samples}\n` } : {}),
  };
}

describe('dashboard in code-server: zoom per run, excluding a sample while the run is live', { timeout: 300_000 }, () => {
  const FINISHED = '20261201-090000-math-aaaa';
  const LIVE = '20261201-100000-math-bbbb';
  const CRASHED = '20261201-080000-math-cccc';
  let studio: Studio;
  let writer: NodeJS.Timeout | undefined;

  before(async () => {
    studio = await Studio.launch({
      name: 'dashboard-live', viewport: { width: 1500, height: 1000 },
      workspaceFiles: {
        ...recordedRun(FINISHED, 36, { status: 'finished', step: 36 }),
        // "Live": status.json names this test's own (alive) process, and lines keep arriving below.
        ...recordedRun(LIVE, 18, { status: 'running', step: 18, stage: 'math-24', totalSteps: 400, pid: process.pid }),
        ...recordedRun(CRASHED, 0, { status: 'crashed', detail: 'prompt 0 has 380 tokens; the context is 128' }),
        [`.acereason/runs/${CRASHED}/events.log`]: '2026-12-01T08:00:00.000Z INFO  run 20261201-080000-math-cccc started\n2026-12-01T08:00:01.000Z ERROR run crashed: prompt 0 has 380 tokens; the context is 128\n',
      },
    });
  });
  after(async () => {
    if (writer) clearInterval(writer);
    await studio?.close();
  });

  test('a zoom made on one run is gone when another run is opened', async () => {
    await studio.capture('zoom-per-run', async () => {
      await studio.openActivityBarView('AceReason');
      await studio.page.locator('.part.sidebar .monaco-list-row', { hasText: LIVE }).first().click({ timeout: 60_000 });
      const frame = await studio.dashboardFrame();
      await frame.locator('section.chart[data-chart="reward"][data-rows="18"]').waitFor({ state: 'attached', timeout: 30_000 });
      assert.match((await frame.locator('#run-detail').textContent()) ?? '', new RegExp(LIVE));
      assert.equal(await frame.locator('#run-title').textContent(), 'demo · math · 2L×96 · seed 0');
      const over = (await frame.locator('section.chart[data-chart="reward"] .u-over').boundingBox())!;
      await studio.page.mouse.move(over.x + over.width * 0.55, over.y + over.height / 2);
      await studio.page.mouse.down();
      await studio.page.mouse.move(over.x + over.width * 0.95, over.y + over.height / 2, { steps: 6 });
      await studio.page.mouse.up();
      await until('the zoom label to show a step range', 10_000, async () => /^steps \d+–\d+$/.test((await frame.locator('#zoom-label').textContent()) ?? '') || undefined);
      await studio.screenshot('dashboard-zoomed');
      // Open the other run from the Runs view.
      await studio.page.locator('.part.sidebar .monaco-list-row', { hasText: FINISHED }).first().click();
      await frame.locator('section.chart[data-chart="reward"][data-rows="36"]').waitFor({ state: 'attached', timeout: 30_000 });
      assert.equal(await frame.locator('#zoom-label').textContent(), 'all steps');
      assert.match((await frame.locator('#run-detail').textContent()) ?? '', new RegExp(FINISHED));
      await studio.screenshot('dashboard-other-run-unzoomed');
    });
  });

  test('Exclude on a card while steps keep arriving excludes that card\'s prompt, after naming it', async () => {
    await studio.capture('exclude-while-live', async () => {
      await studio.page.locator('.part.sidebar .monaco-list-row', { hasText: LIVE }).first().click();
      const frame = await studio.dashboardFrame();
      await frame.locator('article.sample', { hasText: 'bbbb-p1' }).waitFor({ state: 'visible', timeout: 30_000 });
      const root = path.join(runsDir(studio), LIVE);
      let step = 18;
      writer = setInterval(() => {
        step++;
        fs.appendFileSync(path.join(root, 'metrics.jsonl'), JSON.stringify({ step, data: { 'critic/score/mean': 0.7, 'actor/entropy': 0.5 } }) + '\n');
        fs.appendFileSync(path.join(root, 'samples.jsonl'), JSON.stringify({
          step, stage: 'math-24', promptId: `live-${step}`, domain: 'math', prompt: `New problem at step ${step}`, response: '\\boxed{1}',
          reward: 0, extracted: '1', reference: '2', verdict: '2 ≠ 1', verdictState: 'wrong',
        }) + '\n');
      }, 400);
      await frame.locator('article.sample', { hasText: 'live-' }).first().waitFor({ state: 'visible', timeout: 30_000 });
      const card = frame.locator('article.sample', { hasText: 'Problem 1 of' });
      await card.getByRole('button', { name: 'Exclude prompt…' }).click();
      const confirm = card.locator('.confirm');
      await confirm.waitFor({ state: 'visible' });
      assert.equal(await confirm.locator('.confirm-id').textContent(), 'bbbb-p1');
      assert.match((await confirm.locator('.confirm-text').textContent()) ?? '', /Problem 1 of 20261201-100000-math-bbbb/);
      // Steps keep arriving while the question is open; the card stays where it is.
      const before = await card.boundingBox();
      await studio.page.waitForTimeout(1500);
      assert.deepEqual(await card.boundingBox(), before, 'the card did not move under the pointer');
      await frame.locator('#samples-waiting:not([hidden])').waitFor({ state: 'visible', timeout: 10_000 });
      await studio.screenshot('dashboard-exclude-confirm');
      await confirm.locator('button[data-action="confirm-exclude"]').click();
      const labels = path.join(studio.workspaceDir, '.acereason', 'labels.jsonl');
      await until('labels.jsonl to get the decision', 15_000, () => (fs.existsSync(labels) && fs.readFileSync(labels, 'utf8').trim()) || undefined);
      const decisions = fs.readFileSync(labels, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string; decision: string });
      assert.deepEqual(decisions.map((x) => [x.id, x.decision]), [['bbbb-p1', 'exclude']]);
      await card.locator('.label-status.ok').waitFor({ state: 'visible', timeout: 10_000 });
      assert.match((await card.locator('.label-status').textContent()) ?? '', /Excluded prompt bbbb-p1/);
      clearInterval(writer);
      writer = undefined;
    });
  });

  test('a crashed run opens with a banner: the error and the end of its log, not "running / No data yet"', async () => {
    await studio.capture('crashed-run', async () => {
      await studio.page.locator('.part.sidebar .monaco-list-row', { hasText: CRASHED }).first().click();
      const frame = await studio.dashboardFrame();
      await frame.locator('#crash-banner:not([hidden])').waitFor({ state: 'visible', timeout: 15_000 });
      assert.equal(await frame.locator('#crash-detail').textContent(), 'prompt 0 has 380 tokens; the context is 128');
      assert.match((await frame.locator('#crash-log').textContent()) ?? '', /ERROR run crashed: prompt 0 has 380 tokens/);
      assert.match((await frame.locator('#run-status').textContent()) ?? '', /^crashed/);
      assert.doesNotMatch((await frame.locator('#charts').textContent()) ?? '', /No data yet/);
      await studio.screenshot('dashboard-crashed-run');
    });
  });
});

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
      const frame = await studio.dashboardFrame();
      await frame.locator('section.chart[data-chart="reward"]:not([data-points="0"])').waitFor({ state: 'attached', timeout: TRAINING_TIMEOUT_MS });
      const first = Number(await frame.locator('section.chart[data-chart="reward"]').getAttribute('data-rows'));
      await until('a second reward point', TRAINING_TIMEOUT_MS, async () =>
        Number(await frame.locator('section.chart[data-chart="reward"]').getAttribute('data-rows')) > first || undefined);
      await frame.locator('article.sample').first().waitFor({ state: 'visible', timeout: TRAINING_TIMEOUT_MS });
      // The header names the run by recipe · phase · model · seed, with its id beside it.
      assert.match((await frame.locator('#run-title').textContent()) ?? '', / · seed \d+/);
      assert.match((await frame.locator('#run-detail').textContent()) ?? '', new RegExp(runId));
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
      const frame = await studio.dashboardFrame(90_000);
      await frame.locator(`section.chart[data-chart="reward"][data-rows="${metricsLines}"]`).waitFor({ state: 'attached', timeout: 60_000 });
      // The header names the run by recipe · phase · model · seed, with its id beside it.
      assert.match((await frame.locator('#run-title').textContent()) ?? '', / · seed \d+/);
      assert.match((await frame.locator('#run-detail').textContent()) ?? '', new RegExp(runId));
      await frame.locator('article.sample').first().waitFor({ state: 'visible', timeout: 30_000 });
      await studio.page.waitForTimeout(500);
      await studio.page.screenshot({ path: path.join(RESULTS_DIR, 'dashboard-e2e-reloaded.png') });
    });
  });
});
