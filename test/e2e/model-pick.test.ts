// Issue 11 item 5 / issue 12 item 6 in a real VS Code (code-server): Start Math RL's model step
// (built-in tiny model, "Choose model folder…" refusing a folder that is not a model, then LoRA or
// full fine-tuning, carried in the start request); the dashboard header naming a run's model from
// its config.json; and "Export as Hugging Face Model…" on a run, showing the CLI's one-line error.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Frame } from 'playwright-core';
import { preset } from '../../src/core/rl/presets';
import { Studio } from './harness';

const RUN_ID = '20261201-math-qwen-lora';
const QWEN_CONFIG = JSON.stringify({ architectures: ['Qwen2ForCausalLM'], model_type: 'qwen2', num_hidden_layers: 24, hidden_size: 896, vocab_size: 151936 });
const MODEL_RECORD = {
  label: 'Qwen2.5-0.5B-Instruct', source: 'pretrained', path: '/models/Qwen2.5-0.5B-Instruct', architecture: 'Qwen2ForCausalLM',
  parameters: 494_032_768, trainableParameters: 8_798_208,
  lora: { rank: 16, alpha: 32, targets: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'] },
  memoryEstimateBytes: 6.5 * 1024 ** 3,
};

/** A finished LoRA run as the trainer leaves it: config.json with its model record, metrics, status, one checkpoint folder. */
function loraRunFiles(): Record<string, string> {
  const dir = `.acereason/runs/${RUN_ID}`;
  const recipe = { ...preset('demo'), model: { source: 'pretrained', path: MODEL_RECORD.path, contextLength: 4096, lora: { ...MODEL_RECORD.lora, dropout: 0 } } };
  const metrics = Array.from({ length: 12 }, (_, i) => JSON.stringify({ step: i + 1, data: { 'critic/score/mean': 0.2 + 0.04 * i, 'response_length/mean': 300 - 5 * i, 'actor/entropy': 1.2 - 0.05 * i } })).join('\n') + '\n';
  return {
    [`${dir}/config.json`]: JSON.stringify({ recipe, phase: 'math', seed: 1, runId: RUN_ID, model: MODEL_RECORD }, null, 2),
    [`${dir}/metrics.jsonl`]: metrics,
    [`${dir}/status.json`]: JSON.stringify({ status: 'finished', step: 12, totalSteps: 12, stage: 'math-8k' }),
    [`${dir}/checkpoints/00000012/trainer-state.json`]: '{}',
  };
}

/** The item labels of the open quick pick, in order (quickPickLabels also returns the detail lines). */
async function itemLabels(studio: Studio, known: string[]): Promise<string[]> {
  return (await studio.quickPickLabels(300)).filter((l) => known.includes(l));
}

async function frameWith(studio: Studio, selector: string, timeoutMs = 60_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of studio.page.frames()) {
      if (await frame.locator(selector).count().catch(() => 0)) return frame;
    }
    await studio.page.waitForTimeout(250);
  }
  throw new Error(`no webview with ${selector} within ${timeoutMs} ms`);
}

/**
 * code-server's folder dialog is a quick input with a path box: wait until it shows the workspace,
 * type the folder, Enter (which opens it), then its accept button.
 */
async function chooseFolderInDialog(studio: Studio, titleText: string, target: string, acceptLabel: string): Promise<void> {
  const dialog = studio.page.locator('.quick-input-widget', { has: studio.page.locator('.quick-input-title', { hasText: titleText }) });
  const box = dialog.locator('.quick-input-box input');
  await box.waitFor({ state: 'visible', timeout: 15_000 });
  await studio.page.waitForFunction(([sel, want]) => (document.querySelector(sel) as HTMLInputElement | null)?.value === want,
    ['.quick-input-widget .quick-input-box input', `${studio.workspaceDir}/`] as const, { timeout: 30_000, polling: 50 });
  await box.fill(target);
  const refused = studio.page.locator('.quick-input-widget', { hasText: 'Please enter a path that exists' });
  await studio.page.waitForTimeout(800);
  await refused.waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => undefined);
  assert.equal(await box.inputValue(), target);
  await studio.page.keyboard.press('Enter');
  await studio.page.waitForFunction(([sel, want]) => (document.querySelector(sel) as HTMLInputElement | null)?.value === want,
    ['.quick-input-widget .quick-input-box input', `${target}/`] as const, { timeout: 15_000, polling: 50 });
  await dialog.locator('.monaco-button', { hasText: acceptLabel }).click();
}

describe('model folders in the editor', () => {
  let studio: Studio;

  before(async () => {
    studio = await Studio.launch({
      name: 'model-pick',
      workspaceFiles: {
        'not-a-model/notes.txt': 'just notes\n',
        'tiny-model/config.json': QWEN_CONFIG,
        'tiny-model/model.safetensors': '',
        ...loraRunFiles(),
      },
    });
  });

  after(async () => {
    await studio?.close();
  });

  test('the dashboard header names the run\'s model, its trainable and total parameters and the memory estimate', async () => {
    await studio.capture('dashboard-model-header', async () => {
      await studio.runCommand('AceReason: Open Dashboard', { acceptQuickPicks: 0 });
      const frame = await frameWith(studio, '#run-model');
      await frame.waitForFunction(() => !(document.getElementById('run-model') as HTMLElement).hidden, undefined, { timeout: 30_000 });
      const text = await frame.locator('#run-model').textContent();
      assert.equal(text, 'Qwen2.5-0.5B-Instruct (Qwen2ForCausalLM) · LoRA rank 16, alpha 32 on all projections · 8.8M of 494M parameters trained (1.78%) · memory estimate 6.5 GiB');
      await frame.waitForFunction(() => document.querySelector('section.chart[data-chart="reward"]')?.getAttribute('data-rows') === '12', undefined, { timeout: 30_000 });
      await studio.screenshot('dashboard-model-header');
    });
  });

  test('Start Math RL on the defaults (built-in tiny model): the header names it and its parameter count once the trainer has built it', async () => {
    await studio.capture('builtin-header', async () => {
      await studio.runCommand('AceReason: Start Math RL');
      const started = await studio.waitForOutput('AceReason', /\[host\] started math run (\S+)$/m, 60_000);
      const frame = await frameWith(studio, '#run-model');
      await frame.waitForFunction((id) => document.getElementById('run-title')?.textContent?.includes(id), started[1], { timeout: 60_000 });
      // config.json gains `model` when the policy is built; the header follows the file.
      await frame.waitForFunction(() => /built-in .* · \S+ parameters, all trained/.test(document.getElementById('run-model')?.textContent ?? ''), undefined, { timeout: 120_000 });
      assert.match(await frame.locator('#run-model').textContent() ?? '', /^built-in 2L×96d×4h ctx 128 · 25\dK parameters, all trained$/);
      await studio.screenshot('dashboard-builtin-header');
      await studio.page.locator('.part.sidebar').click();
      await studio.runCommand('AceReason: Stop Training', { acceptQuickPicks: 0 });
      await studio.waitForStatusBarText(/AceReason: \S+ stopped/, 180_000);
    });
  });

  test('Start Math RL: "Choose model folder…" refuses a folder without config.json, then takes a model folder with LoRA into the start request', async () => {
    await studio.capture('model-pick', async () => {
      await studio.runCommand('AceReason: Start Math RL', { acceptQuickPicks: 2 });
      const modelPick = studio.page.locator('.quick-input-widget', { has: studio.page.locator('.quick-input-title', { hasText: 'Start Math RL (3/3) — model' }) });
      await modelPick.waitFor({ state: 'visible', timeout: 15_000 });
      const rows = await studio.quickPickLabels(300);
      assert.deepEqual(rows.filter((l) => !/model folder \(config\.json|trained from scratch/.test(l)), ['Built-in tiny model', 'Choose model folder…'], 'no configured folder: two items');
      await studio.screenshot('model-pick');

      await studio.pickQuickItem('Choose model folder…');
      await chooseFolderInDialog(studio, 'Choose a Hugging Face model folder', path.join(studio.workspaceDir, 'not-a-model'), 'Use This Model');
      const refusal = await studio.waitForNotification(/is not a model folder: it has no config\.json/, 15_000);
      assert.ok(refusal.includes(path.join(studio.workspaceDir, 'not-a-model')), refusal);
      // The pick is back, saying what was wrong, so another folder can be chosen.
      await modelPick.waitFor({ state: 'visible', timeout: 15_000 });
      const placeholder = await modelPick.locator('.quick-input-box input').getAttribute('placeholder');
      assert.equal(placeholder, '⚠ not-a-model: not a model folder (no config.json) — choose another');
      await studio.page.waitForTimeout(800);
      await studio.screenshot('model-pick-not-a-model');

      await studio.pickQuickItem('Choose model folder…');
      await chooseFolderInDialog(studio, 'Choose a Hugging Face model folder', path.join(studio.workspaceDir, 'tiny-model'), 'Use This Model');
      const tuningPick = studio.page.locator('.quick-input-widget', { has: studio.page.locator('.quick-input-title', { hasText: 'how to train tiny-model' }) });
      await tuningPick.waitFor({ state: 'visible', timeout: 15_000 });
      const tunings = ['LoRA (rank 16, alpha 32, all projections)', 'Full fine-tuning'];
      assert.deepEqual(await itemLabels(studio, tunings), tunings);
      assert.match(await tuningPick.locator('.quick-input-box input').getAttribute('placeholder') ?? '', /Qwen2ForCausalLM · 24 layers · hidden 896/);
      await studio.screenshot('model-tuning-pick');
      await studio.pickQuickItem('LoRA (rank 16, alpha 32, all projections)');
      const started = await studio.waitForOutput('AceReason', /\[host\] started math run (\S+) on (\S+) \(LoRA rank 16\)/, 60_000);
      assert.equal(started[2], path.join(studio.workspaceDir, 'tiny-model'));
      // The new run's dashboard opens and takes the focus; once it is there, click the side bar so
      // the command palette's key goes to the workbench, and stop the run.
      const dashboard = await frameWith(studio, '#run-title');
      await dashboard.waitForFunction((id) => document.getElementById('run-title')?.textContent?.includes(id) || document.getElementById('run-detail')?.textContent?.includes(id), started[1], { timeout: 60_000 });
      await studio.page.locator('.part.sidebar').click();
      await studio.runCommand('AceReason: Stop Training', { acceptQuickPicks: 0 });
      // tiny-model has no real weights: a trainer that loads the folder fails on it at once, and
      // then there is nothing left to stop. Either way no run is left training.
      await studio.waitForNotification(/stopping \S+ after the current step|no training is running/, 30_000);
    });
  });

  test('Start Code RL lists runs with checkpoints by their model, and offers to start on a model instead', async () => {
    await studio.capture('code-rl-pick', async () => {
      await studio.dismissQuickInput();
      await studio.runCommand('AceReason: Start Code RL', { acceptQuickPicks: 0 });
      await studio.page.locator('.quick-input-widget .quick-input-title', { hasText: 'continue from which run' }).waitFor({ state: 'visible', timeout: 15_000 });
      const rows = await studio.quickPickLabels(300);
      assert.ok(rows.includes(RUN_ID), rows.join(' | '));
      assert.equal(rows[rows.length - 2], 'Start from a model instead…');
      const lora = studio.page.locator('.quick-input-widget .monaco-list-row', { hasText: RUN_ID });
      assert.match(await lora.textContent() ?? '', /Qwen2\.5-0\.5B-Instruct · LoRA rank 16/);
      await studio.screenshot('code-rl-pick');
      await studio.pickQuickItem('Start from a model instead…');
      // Then the same steps as Math RL, for code problems.
      await studio.page.locator('.quick-input-widget .quick-input-title', { hasText: 'Start Code RL (1/3) — dataset' }).waitFor({ state: 'visible', timeout: 15_000 });
      await studio.dismissQuickInput();
    });
  });

  test('"Export as Hugging Face Model…" on a LoRA run asks whether to merge and where, runs the CLI and shows its one-line error', async () => {
    await studio.capture('export-hf', async () => {
      await studio.dismissQuickInput();
      await studio.openActivityBarView('AceReason');
      const row = studio.page.locator('.part.sidebar .monaco-list-row', { hasText: RUN_ID }).first();
      await row.waitFor({ state: 'visible', timeout: 30_000 });
      await row.click({ button: 'right' });
      const item = studio.page.locator('.context-view .action-item', { hasText: 'Export as Hugging Face Model…' });
      await item.waitFor({ state: 'visible', timeout: 10_000 });
      await studio.screenshot('runs-export-menu');
      await item.click();
      await studio.page.locator('.quick-input-widget .quick-input-title', { hasText: 'this run trained a LoRA adapter' }).waitFor({ state: 'visible', timeout: 15_000 });
      const hows = ['Merge LoRA into the model', 'Keep the LoRA adapter separate'];
      assert.deepEqual(await itemLabels(studio, hows), hows);
      await studio.screenshot('export-merge-pick');
      await studio.pickQuickItem('Merge LoRA into the model');
      // The save dialog proposes <workspace>/<run>-hf; accept it.
      const dialog = studio.page.locator('.quick-input-widget', { has: studio.page.locator('.quick-input-title', { hasText: `Export ${RUN_ID}` }) });
      const box = dialog.locator('.quick-input-box input');
      await box.waitFor({ state: 'visible', timeout: 15_000 });
      await studio.page.waitForFunction(([sel, want]) => (document.querySelector(sel) as HTMLInputElement | null)?.value === want,
        ['.quick-input-widget .quick-input-box input', path.join(studio.workspaceDir, `${RUN_ID}-hf`)] as const, { timeout: 30_000, polling: 50 });
      await studio.page.keyboard.press('Enter');
      // The checkpoint folder holds no adapter/: the CLI refuses with one line, which the notification shows.
      const error = await studio.waitForNotification(/AceReason: could not export 20261201-math-qwen-lora: /, 60_000);
      assert.doesNotMatch(error, /acereason export:/, 'the CLI prefix is left out');
      assert.match(error, /00000012|adapter|checkpoint/, error);
      assert.ok(!fs.existsSync(path.join(studio.workspaceDir, `${RUN_ID}-hf`)), 'nothing was written');
      await studio.waitForOutput('AceReason', /\[host\] acereason export hf --run \S+ --out \S+-hf --json --merge/, 5000);
      await studio.page.waitForTimeout(800); // let the toast finish fading in, for the picture
      await studio.screenshot('export-error');
    });
  });
});
