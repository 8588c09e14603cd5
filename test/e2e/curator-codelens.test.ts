// The curator and the verification CodeLens in a real VS Code (code-server) with the packaged
// extension: exclude a prompt in the curator and find the decision in labels.jsonl; open solution
// files that carry an acereason header, click the lens and see the sandbox's verdict.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Frame } from 'playwright-core';
import { Studio } from './harness';

const mathRecord = (id: string, problem: string, answer: string) => JSON.stringify({ id, source: 'e2e', domain: 'math', problem, answer });
const CURATED = [
  mathRecord('keep-me', 'What is 2 + 3?', '5'),
  mathRecord('exclude-me', 'Compute 7 * 6 and <img src=x onerror=alert(1)> say why.', '42'),
].join('\n') + '\n';
const REMOVED = JSON.stringify({
  id: 'gone', source: 'e2e', step: 'decontaminate',
  reasons: [{ reason: 'contaminated', overlaps: [{ benchmark: 'math500', file: 'math500.jsonl', id: 'test/algebra/1', sharedNgrams: 12 }] }],
  record: { id: 'gone', source: 'e2e', domain: 'math', problem: 'A benchmark problem that leaked into training.', answer: '1' },
}) + '\n';
const CODE_SET = JSON.stringify({
  id: 'add-two', source: 'e2e', domain: 'code', format: 'stdin', problem: 'Read two integers and print their sum.',
  tests: [{ input: '1 2\n', output: '3\n' }, { input: '10 -4\n', output: '6\n' }],
}) + '\n';

async function curatorFrame(studio: Studio, timeoutMs = 60_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const frame of studio.page.frames()) {
      if (await frame.locator('#list').count().catch(() => 0)) return frame;
    }
    if (Date.now() > deadline) throw new Error('the curator webview did not appear');
    await studio.page.waitForTimeout(250);
  }
}

async function openFile(studio: Studio, name: string): Promise<void> {
  await studio.dismissQuickInput();
  await studio.page.keyboard.press('Control+P');
  const input = studio.page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible' });
  await input.fill(name);
  await studio.page.locator('.quick-input-widget .quick-input-list .monaco-list-row').first().waitFor({ state: 'visible' });
  await studio.page.keyboard.press('Enter');
  await studio.page.locator(`.tabs-container .tab.active[aria-label^="${name}"]`).waitFor({ state: 'visible', timeout: 15_000 });
}

describe('curator and CodeLens in code-server', { timeout: 300_000 }, () => {
  let studio: Studio;

  before(async () => {
    // The sandbox mounts a private tmpfs over /tmp, /var/tmp and /dev/shm, which would hide an
    // extension installed under the default temp folder from its own fork server; keep the
    // scratch folders (and so the installed extension) elsewhere, as a real install is.
    const scratch = path.join(os.homedir(), '.cache', 'acereason-e2e');
    fs.mkdirSync(scratch, { recursive: true });
    process.env.TMPDIR = scratch;
    studio = await Studio.launch({
      name: 'curator-codelens',
      viewport: { width: 1400, height: 900 },
      workspaceFiles: {
        '.acereason/curated/e2e-set/curated.jsonl': CURATED,
        '.acereason/curated/e2e-set/removed.jsonl': REMOVED,
        'data/code.jsonl': CODE_SET,
        'good.py': '# acereason: problem=add-two dataset=data/code.jsonl\na, b = map(int, input().split())\nprint(a + b)\n',
        'bad.py': '# acereason: problem=add-two dataset=data/code.jsonl\na, b = map(int, input().split())\nprint(a * b if a == 10 else a + b)\n',
      },
    });
  });

  after(async () => {
    await studio?.close();
  });

  test('the curator lists the curation output; excluding a prompt appends the decision to labels.jsonl', async () => {
    await studio.capture('curator-exclude', async () => {
      await studio.openActivityBarView('AceReason');
      const frame = await curatorFrame(studio);
      const row = frame.locator('.vlist-row[data-id="exclude-me"]');
      await row.waitFor({ state: 'visible', timeout: 30_000 });
      assert.equal(await frame.locator('#counts').textContent(), '3 prompts');
      assert.match((await row.locator('.row-title').textContent()) ?? '', /<img src=x onerror=alert\(1\)>/, 'the prompt renders as text');
      assert.equal(await frame.locator('img').count(), 0);
      await row.click();
      await frame.locator('#detail .problem-text').waitFor({ state: 'visible', timeout: 15_000 });
      await frame.locator('#list').press('x');
      const labels = path.join(studio.workspaceDir, '.acereason', 'labels.jsonl');
      const deadline = Date.now() + 15_000;
      while (!(fs.existsSync(labels) && fs.readFileSync(labels, 'utf8').includes('exclude-me')) && Date.now() < deadline) await studio.page.waitForTimeout(100);
      const lines = fs.readFileSync(labels, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      assert.equal(lines.length, 1);
      assert.equal(lines[0].id, 'exclude-me');
      assert.equal(lines[0].decision, 'exclude');
      assert.match(lines[0].time, /^\d{4}-\d\d-\d\dT/);
      await frame.locator('.vlist-row[data-id="gone"]').click();
      await frame.locator('#detail .overlaps').waitFor({ state: 'visible', timeout: 15_000 });
      assert.match((await frame.locator('#detail .overlaps').textContent()) ?? '', /math500:test\/algebra\/1/);
      await studio.screenshot('curator');
    });
  });

  test('the lens verifies a solution in the sandbox: ✓ for a correct one, ✗ with diagnostics for a wrong one', async () => {
    await studio.capture('codelens-verify', async () => {
      const lens = (text: RegExp) => studio.page.locator('.contentWidgets .codelens-decoration a, .view-overlays .codelens-decoration a, .codelens-decoration a').filter({ hasText: text }).first();
      await openFile(studio, 'good.py');
      await lens(/Verify against 2 tests/).waitFor({ state: 'visible', timeout: 30_000 });
      await lens(/Verify against 2 tests/).click();
      await lens(/✓ 2\/2 passed · \d+/).waitFor({ state: 'visible', timeout: 60_000 });
      await studio.screenshot('codelens-passed');

      await openFile(studio, 'bad.py');
      await lens(/Verify against 2 tests/).click();
      await lens(/✗ 1\/2 passed · test 2: WA/).waitFor({ state: 'visible', timeout: 60_000 });
      // The failing test is a diagnostic on the code: the Problems entry in the status bar counts it.
      const problems = studio.page.locator('.part.statusbar .statusbar-item[id="status.problems"]');
      await problems.filter({ hasText: /1/ }).first().waitFor({ state: 'visible', timeout: 15_000 });
      await studio.screenshot('codelens-failed');
      // Editing the document clears the verdict.
      await studio.page.locator('.monaco-editor .view-lines').first().click();
      await studio.page.keyboard.press('Control+End');
      await studio.page.keyboard.type('# edited\n');
      await lens(/Verify against 2 tests/).waitFor({ state: 'visible', timeout: 15_000 });
    });
  });
});
