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
  // The list first shows recently opened files; wait for the row of this one.
  const row = studio.page.locator('.quick-input-widget .quick-input-list .monaco-list-row')
    .filter({ has: studio.page.locator('.label-name', { hasText: new RegExp(`^${name.replace(/\./g, '\\.')}$`) }) }).first();
  await row.waitFor({ state: 'visible', timeout: 15_000 });
  await row.click();
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
        'answer.md': '# acereason: problem=add-two dataset=data/code.jsonl\n\nThe sum is what we print.\n\n```python\nprint(sum(map(int, input().split())))\n```\n',
        'data/math.jsonl': [
          { id: 'm1', problem: 'A train travels 60 miles per hour for 3 hours. How many miles does it travel in total?', answer: '180' },
          { id: 'm2', problem: 'Which of the following is prime? (A) 4 (B) 6 (C) 7 (D) 8 (E) 9', answer: 'C' },
        ].map((r) => JSON.stringify(r)).join('\n') + '\n',
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
      // A decision written by someone else (the dashboard, another window) shows up in the list.
      fs.appendFileSync(labels, JSON.stringify({ id: 'keep-me', decision: 'flag', note: 'from elsewhere', time: new Date().toISOString() }) + '\n');
      await frame.locator('.vlist-row[data-id="keep-me"] .row-label', { hasText: 'flag ✎' }).waitFor({ state: 'visible', timeout: 15_000 });
      await frame.locator('.vlist-row[data-id="gone"]').click();
      await frame.locator('#detail .overlaps').waitFor({ state: 'visible', timeout: 15_000 });
      assert.match((await frame.locator('#detail .overlaps').textContent()) ?? '', /math500:test\/algebra\/1/);
      await studio.screenshot('curator');
    });
  });

  test('"AceReason: Curate Dataset" curates a chosen file, opens report.json and shows the output in the curator', async () => {
    await studio.capture('curate-dataset', async () => {
      await studio.runCommand('AceReason: Curate Dataset', { acceptQuickPicks: 0 });
      // code-server's file dialog is a quick input with a path box. It opens at once, then lists the
      // default folder (the workspace) and writes that folder's path into the box, replacing whatever
      // was typed meanwhile: wait for it to have done so before typing the file's path.
      const dialog = studio.page.locator('.quick-input-widget', { has: studio.page.locator('.quick-input-title', { hasText: 'choose the dataset file' }) });
      const box = dialog.locator('.quick-input-box input');
      const listed = (name: string) => dialog.locator('.quick-input-list .monaco-list-row', { has: studio.page.locator('.label-name', { hasText: new RegExp(`^${name.replace(/\./g, '\\.')}$`) }) });
      await box.waitFor({ state: 'visible', timeout: 15_000 });
      await studio.page.waitForFunction(([sel, want]) => (document.querySelector(sel) as HTMLInputElement | null)?.value === want,
        ['.quick-input-widget .quick-input-box input', `${studio.workspaceDir}/`] as const, { timeout: 30_000, polling: 50 });
      await listed('data').waitFor({ state: 'visible', timeout: 15_000 });
      const file = path.join(studio.workspaceDir, 'data', 'math.jsonl');
      await box.fill(file);
      // It then lists data/ and checks the typed path asynchronously; Enter before that is refused as
      // "a path that exists".
      await listed('math.jsonl').waitFor({ state: 'visible', timeout: 15_000 });
      const refused = studio.page.locator('.quick-input-widget', { hasText: 'Please enter a path that exists' });
      await refused.waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => undefined);
      assert.equal(await box.inputValue(), file);
      await studio.page.keyboard.press('Enter');
      // Domain (detected: math, listed first), then "No benchmark files": wait for each pick by its
      // title, so a key never goes to the quick input before it (which may still be closing).
      for (const [title, expected] of [['Curate Dataset — domain', /math/], ['decontaminate against benchmarks?', /No benchmark files/]] as const) {
        const pick = studio.page.locator('.quick-input-widget', { has: studio.page.locator('.quick-input-title', { hasText: title }) });
        const first = pick.locator('.quick-input-list .monaco-list-row').first();
        await first.filter({ hasText: expected }).waitFor({ state: 'visible', timeout: 15_000 });
        await studio.page.keyboard.press('Enter');
      }
      await studio.page.locator('.tabs-container .tab[aria-label^="report.json"]').waitFor({ state: 'visible', timeout: 60_000 });
      const curatedRoot = path.join(studio.workspaceDir, '.acereason', 'curated');
      const outDir = fs.readdirSync(curatedRoot).filter((d) => d.startsWith('math-')).map((d) => path.join(curatedRoot, d))[0];
      assert.ok(outDir, `an output folder math-<stamp> in ${fs.readdirSync(curatedRoot).join(', ')}`);
      const report = JSON.parse(fs.readFileSync(path.join(outDir, 'report.json'), 'utf8'));
      assert.equal(report.input, 2);
      assert.equal(report.kept, 1);
      const frame = await curatorFrame(studio);
      await frame.locator('#counts', { hasText: '2 prompts' }).waitFor({ state: 'visible', timeout: 30_000 });
      assert.equal(await frame.locator('.vlist-row[data-id="m2"].removed').count(), 1);
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
      // The failing test's input, expected and actual output are in the diagnostic.
      await studio.page.keyboard.press('Control+Shift+M');
      const marker = studio.page.locator('.markers-panel .monaco-list-row', { hasText: /Test 2: WA/ }).first();
      await marker.waitFor({ state: 'visible', timeout: 15_000 });
      const markerText = (await studio.page.locator('.markers-panel').textContent()) ?? '';
      assert.match(markerText, /input: 10 -4.*expected: 6.*actual: -40/s);
      // Editing the document clears the verdict.
      await studio.page.locator('.monaco-editor .view-lines').first().click();
      await studio.page.keyboard.press('Control+End');
      await studio.page.keyboard.type('# edited\n');
      await lens(/Verify against 2 tests/).waitFor({ state: 'visible', timeout: 15_000 });

      // A fenced Python block in a Markdown answer gets its own lens.
      await openFile(studio, 'answer.md');
      await lens(/Verify against 2 tests/).click();
      await lens(/✓ 2\/2 passed/).waitFor({ state: 'visible', timeout: 60_000 });
      await studio.screenshot('codelens-markdown');
    });
  });
});
