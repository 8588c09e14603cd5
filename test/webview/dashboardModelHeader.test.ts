// The dashboard header's model line: the formatting on its own (counts, shares, LoRA, memory,
// missing fields), then the page in headless Chromium fed `model` messages as the host sends them
// from config.json (escaping, hidden for older runs, only the primary run's model).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { HostToDashboard } from '../../src/core/protocol/dashboard';
import type { RunModelSummary } from '../../src/core/protocol/trainer';
import { describeRunModel, formatCount } from '../../webview/dashboard/modelHeader';
import { openDashboardPage, type DashboardPage } from './dashboardPage';

const KEY = '/ws/.acereason/runs/run-a';
const OTHER = '/ws/.acereason/runs/run-b';
const ALL = ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'];

// Qwen2.5-0.5B: 494,032,768 parameters. LoRA rank 16 on all projections, 24 layers, hidden 896,
// 14 heads × 64 = 896 for q/o, 2 KV heads × 64 = 128 for k/v, intermediate 4864:
// 16 · 24 · [(896+896) + (896+128) + (896+128) + (896+896) + (896+4864) + (896+4864) + (4864+896)] = 8,798,208.
const QWEN_LORA: RunModelSummary = {
  label: 'Qwen2.5-0.5B-Instruct', source: 'pretrained', path: '/models/Qwen2.5-0.5B-Instruct', architecture: 'Qwen2ForCausalLM',
  parameters: 494_032_768, trainableParameters: 8_798_208, lora: { rank: 16, alpha: 32, targets: ALL }, memoryEstimateBytes: 6.5 * 1024 ** 3,
};

describe('model line text', () => {
  test('counts read as 3 significant digits with K/M/B', () => {
    assert.deepEqual([12, 1234, 8_798_208, 494_032_768, 7_615_616_512].map(formatCount), ['12', '1.23K', '8.8M', '494M', '7.62B']);
  });

  test('a LoRA run: name and architecture, LoRA, trainable of total with the share, memory', () => {
    const parts = describeRunModel(QWEN_LORA);
    assert.deepEqual(parts.map((p) => p.text), [
      'Qwen2.5-0.5B-Instruct (Qwen2ForCausalLM)',
      'LoRA rank 16, alpha 32 on all projections',
      // 8,798,208 / 494,032,768 = 1.7809 %
      '8.8M of 494M parameters trained (1.78%)',
      'memory estimate 6.5 GiB',
    ]);
    assert.equal(parts[0].title, 'Model folder: /models/Qwen2.5-0.5B-Instruct');
    assert.equal(parts[2].title, '8,798,208 trainable of 494,032,768 parameters');
    assert.match(parts[1].title!, /scale alpha\/rank = 2\b/);
  });

  test('full fine-tuning of a model folder; LoRA on some projections names them', () => {
    const full = describeRunModel({ source: 'pretrained', path: '/m/Llama-3.2-1B', parameters: 1_235_814_400, trainableParameters: 1_235_814_400 });
    assert.deepEqual(full.map((p) => p.text), ['Llama-3.2-1B', 'full fine-tuning', '1.24B parameters, all trained']);
    const some = describeRunModel({ label: 'm', lora: { rank: 8, alpha: 16, targets: ['q_proj', 'v_proj'] } });
    assert.deepEqual(some.map((p) => p.text), ['m', 'LoRA rank 8, alpha 16 on q_proj, v_proj']);
  });

  test('the built-in model; missing fields are left out, not shown as undefined or NaN', () => {
    assert.deepEqual(describeRunModel({ source: 'builtin', parameters: 231_552, trainableParameters: 231_552 }).map((p) => p.text),
      ['built-in tiny model', '232K parameters, all trained']);
    // As the trainer writes it for the demo model (config.json of a real `acereason train --recipe demo` run).
    assert.deepEqual(describeRunModel({ label: 'built-in 2L×96d×4h ctx 128', source: 'builtin', parameters: 256_512, trainableParameters: 256_512 }).map((p) => p.text),
      ['built-in 2L×96d×4h ctx 128', '257K parameters, all trained']);
    assert.equal(describeRunModel({ label: 'm', parameters: 8_000_000_000, trainableParameters: 4_000_000 })[1].text, '4M of 8B parameters trained (0.05%)');
    assert.deepEqual(describeRunModel({ parameters: 1000 }).map((p) => p.text), ['1K parameters']);
    assert.deepEqual(describeRunModel({ trainableParameters: 5 }).map((p) => p.text), ['5 trainable parameters']);
    assert.deepEqual(describeRunModel({ architecture: 'LlamaForCausalLM' }).map((p) => p.text), ['LlamaForCausalLM']);
    assert.deepEqual(describeRunModel({ memoryEstimateBytes: 512 * 1024 ** 2 }).map((p) => p.text), ['memory estimate 0.50 GiB']);
    assert.deepEqual(describeRunModel({}), []);
    assert.deepEqual(describeRunModel(undefined), []);
    for (const p of describeRunModel({ label: 'x', parameters: 0, trainableParameters: 0 })) assert.doesNotMatch(p.text, /undefined|NaN|Infinity/);
  });
});

describe('model line in the dashboard page', () => {
  let d: DashboardPage;
  before(async () => { d = await openDashboardPage(); });
  after(async () => { await d?.close(); });

  const reset = (): HostToDashboard => ({
    type: 'reset',
    runs: [{ key: KEY, label: 'demo · math · seed 1', role: 'primary' }, { key: OTHER, label: 'demo · seed 2', role: 'compare' }],
    state: { source: { kind: 'run', runsDir: '/ws/.acereason/runs', runId: 'run-a' } },
  });
  const line = () => d.page.$eval('#run-model', (e) => ({ hidden: (e as HTMLElement).hidden, visible: (e as HTMLElement).offsetParent !== null, text: e.textContent ?? '' }));

  test('hidden for a run without a model record (older runs)', async () => {
    await d.post(reset());
    assert.deepEqual(await line(), { hidden: true, visible: false, text: '' });
  });

  test('the primary run\'s model shows under the title; a compared run\'s does not replace it', async () => {
    await d.post({ type: 'model', key: KEY, model: QWEN_LORA });
    await d.page.waitForFunction(() => !(document.getElementById('run-model') as HTMLElement).hidden);
    const shown = await line();
    assert.equal(shown.visible, true);
    assert.equal(shown.text, 'Qwen2.5-0.5B-Instruct (Qwen2ForCausalLM) · LoRA rank 16, alpha 32 on all projections · 8.8M of 494M parameters trained (1.78%) · memory estimate 6.5 GiB');
    assert.equal(await d.page.$eval('#run-model .model-name', (e) => (e as HTMLElement).title), 'Model folder: /models/Qwen2.5-0.5B-Instruct');
    await d.post({ type: 'model', key: OTHER, model: { label: 'other model', parameters: 10 } });
    await d.post({ type: 'notice', level: 'info', message: 'sync' });
    await d.page.waitForFunction(() => document.getElementById('notice')?.textContent === 'sync');
    assert.match((await line()).text, /^Qwen2\.5-0\.5B-Instruct/);
    // Below the title row, not beside it.
    const [title, model] = await Promise.all(['#run-title', '#run-model'].map((s) => d.page.$eval(s, (e) => e.getBoundingClientRect().top)));
    assert.ok(model > title, `model line top ${model} below title top ${title}`);
  });

  test('a label, path or architecture with markup is shown as text: no element, no dialog', async () => {
    const evil = '<img src=x onerror=alert(1)><script>alert(2)</script>';
    await d.post({ type: 'model', key: KEY, model: { label: evil, path: `/m/${evil}`, architecture: '<b>Arch</b>', lora: { rank: 4, alpha: 8, targets: ['<i>q</i>'] } } });
    await d.page.waitForFunction(() => document.getElementById('run-model')?.textContent?.includes('<img'));
    assert.equal(await d.page.$$eval('#run-model img, #run-model script, #run-model b, #run-model i', (es) => es.length), 0);
    assert.equal((await line()).text, `${evil} (<b>Arch</b>) · LoRA rank 4, alpha 8 on <i>q</i>`);
    assert.equal(await d.page.$eval('#run-model .model-name', (e) => (e as HTMLElement).title), `Model folder: /m/${evil}`);
    assert.deepEqual(d.dialogs, []);
  });

  test('a malformed model message is dropped whole; a reset clears the line until the host sends the model again', async () => {
    await d.post({ type: 'model', key: KEY, model: { parameters: -1 } } as unknown as HostToDashboard);
    await d.post({ type: 'notice', level: 'info', message: 'sync 2' });
    await d.page.waitForFunction(() => document.getElementById('notice')?.textContent === 'sync 2');
    assert.match((await line()).text, /<img/, 'unchanged by the invalid message');
    await d.post(reset());
    assert.deepEqual(await line(), { hidden: true, visible: false, text: '' });
    assert.deepEqual(d.consoleErrors, []);
  });
});
