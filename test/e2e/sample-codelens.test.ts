// From a run's samples pane to a verdict: open a sampled code solution in the editor from the
// dashboard, click its CodeLens, and see the sandbox's verdict. The run is a recorded one (as the
// trainer writes it: config.json, data/code.jsonl with the run's prompts, samples.jsonl), so the test
// does not depend on training speed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Frame } from 'playwright-core';
import { Studio } from './harness';

const RUN = '.acereason/runs/20261122-050000-code-e2e';
const PROBLEM = {
  id: 'builtin-code-sum', source: 'builtin-code', domain: 'code', format: 'stdin', problem: 'Read two integers and print their sum.',
  tests: [{ input: '1 2\n', output: '3\n' }, { input: '10 -4\n', output: '6\n' }, { input: '0 0\n', output: '0\n' }],
};
const SAMPLE = {
  step: 7, stage: 'code-64', promptId: PROBLEM.id, source: PROBLEM.source, domain: 'code', prompt: PROBLEM.problem,
  response: '<think>read both, add</think>\n```python\na, b = map(int, input().split())\nprint(a + b)\n```',
  reward: 1, extracted: null, verdict: '3/3 tests passed', tests: [{ status: 'AC' }, { status: 'AC' }, { status: 'AC' }],
};

async function dashboardFrame(studio: Studio, timeoutMs = 60_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const frame of studio.page.frames()) {
      if (await frame.locator('article.sample').count().catch(() => 0)) return frame;
    }
    if (Date.now() > deadline) throw new Error('the dashboard with a sample did not appear');
    await studio.page.waitForTimeout(250);
  }
}

describe('a sample in the dashboard: excluded inline, opened in the editor, verified by its CodeLens', { timeout: 240_000 }, () => {
  let studio: Studio;

  before(async () => {
    // The sandbox masks /tmp; keep the extension's install out of it as real installs are.
    const scratch = path.join(os.homedir(), '.cache', 'acereason-e2e');
    fs.mkdirSync(scratch, { recursive: true });
    process.env.TMPDIR = scratch;
    studio = await Studio.launch({
      name: 'sample-codelens',
      viewport: { width: 1400, height: 900 },
      workspaceFiles: {
        [`${RUN}/config.json`]: JSON.stringify({ recipe: 'demo', phase: 'code', seed: 0, runId: path.basename(RUN) }),
        [`${RUN}/status.json`]: JSON.stringify({ status: 'finished', time: new Date().toISOString() }),
        [`${RUN}/metrics.jsonl`]: JSON.stringify({ step: 7, data: { 'critic/score/mean': 0.75 } }) + '\n',
        [`${RUN}/samples.jsonl`]: JSON.stringify(SAMPLE) + '\n',
        [`${RUN}/data/code.jsonl`]: JSON.stringify(PROBLEM) + '\n',
      },
    });
  });

  after(async () => {
    await studio?.close();
  });

  test('Open in editor, then the lens: "Verify against 3 tests" becomes "✓ 3/3 passed"', async () => {
    await studio.capture('sample-codelens', async () => {
      await studio.runCommand('AceReason: Open Dashboard');
      const frame = await dashboardFrame(studio);
      const card = frame.locator('article.sample').filter({ hasText: PROBLEM.id }).first();
      // Inline curation: the sample's prompt excluded from the dashboard lands in labels.jsonl,
      // the file the curator, the trainer and the verl export all read.
      await card.getByRole('button', { name: 'Exclude prompt…' }).click();
      // The exclusion names its prompt and waits for a yes.
      assert.equal(await card.locator('.confirm-id').textContent(), PROBLEM.id);
      await card.locator('button[data-action="confirm-exclude"]').click();
      const labels = path.join(studio.workspaceDir, '.acereason', 'labels.jsonl');
      const deadline = Date.now() + 15_000;
      while (!(fs.existsSync(labels) && fs.readFileSync(labels, 'utf8').includes(PROBLEM.id)) && Date.now() < deadline) await studio.page.waitForTimeout(100);
      const decisions = fs.readFileSync(labels, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      assert.deepEqual(decisions.map((d) => [d.id, d.decision]), [[PROBLEM.id, 'exclude']]);
      await card.getByRole('button', { name: 'Open in editor' }).click();
      // The response opens as a Python file under the run folder (not Untitled-1), headed with the
      // problem and the run's prompts.
      const firstLine = studio.page.locator('.monaco-editor .view-line').first();
      await firstLine.waitFor({ state: 'visible', timeout: 30_000 });
      await studio.page.waitForFunction(() => /acereason: problem=builtin-code-sum dataset=/.test(
        document.querySelector('.monaco-editor .view-lines')?.textContent?.replace(/\u00a0/g, ' ') ?? ''), undefined, { timeout: 30_000 });
      const lens = (text: RegExp) => studio.page.locator('.codelens-decoration a').filter({ hasText: text }).first();
      const solutions = path.join(studio.workspaceDir, RUN, 'solutions');
      const saved = fs.existsSync(solutions) ? fs.readdirSync(solutions) : [];
      assert.equal(saved.length, 1, `one solution file in ${solutions}`);
      assert.match(saved[0], /^step-00007-code-64-builtin-code-sum-[0-9a-f]{8}\.py$/);
      assert.ok(await studio.page.locator('.tab', { hasText: saved[0] }).first().isVisible(), 'the editor tab names the file');
      await lens(/Verify against 3 tests/).waitFor({ state: 'visible', timeout: 30_000 });
      await lens(/Verify against 3 tests/).click();
      await lens(/✓ 3\/3 passed · \d+/).waitFor({ state: 'visible', timeout: 60_000 });
      assert.ok(await lens(/✓ 3\/3 passed/).isVisible());
      await studio.screenshot('sample-codelens-verified');
    });
  });
});
