// Issue 16 items 8–10 in a real VS Code (code-server): the curator opened in the editor area (a wide
// table with the detail beside it) shows a contamination's evidence — the benchmark item beside the
// prompt, the shared n-grams marked, the count — and the keyboard flow writes what the user meant to
// labels.jsonl: after `x` the selection moves on, the following `n` note lands on the prompt just
// labelled, and `u` undoes the note.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Frame } from 'playwright-core';
import { runCuration } from '../../src/core/curate/pipeline';
import { Studio } from './harness';

const BENCHMARK = 'Find the sum of all real numbers $x$ such that $x^2 - 5x + 6 = 0$ holds, and give it as a fraction.';
const rec = (id: string, problem: string, answer: string) => ({ id, source: 'e2e', domain: 'math', problem, answer });

/** A real curation output: one prompt copied from the benchmark, three clean ones. */
async function curationOutput(): Promise<Record<string, string>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'curator-editor-'));
  const train = [
    rec('copied', 'A warm-up. Find the sum of all real numbers $x$ such that $x^2 - 5x + 6 = 0$ holds, then double it.', '10'),
    rec('first', 'How many positive divisors does 36 have? Count them carefully, one by one.', '9'),
    rec('second', 'What is the remainder when 2^{10} is divided by 7? Explain the cycle.', '2'),
    rec('third', 'A rectangle has area 24 and perimeter 20. What is its longer side?', '6'),
  ];
  fs.writeFileSync(path.join(dir, 'train.jsonl'), train.map((r) => JSON.stringify(r)).join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'math500.jsonl'), JSON.stringify({ id: 'test/algebra/77', problem: BENCHMARK, answer: '5' }) + '\n');
  const out = path.join(dir, 'out');
  await runCuration({ domain: 'math', inputs: [path.join(dir, 'train.jsonl')], benchmarks: [path.join(dir, 'math500.jsonl')], outDir: out });
  return {
    '.acereason/curated/train-e2e/curated.jsonl': fs.readFileSync(path.join(out, 'curated.jsonl'), 'utf8'),
    '.acereason/curated/train-e2e/removed.jsonl': fs.readFileSync(path.join(out, 'removed.jsonl'), 'utf8'),
  };
}

async function editorCuratorFrame(studio: Studio, timeoutMs = 60_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const frame of studio.page.frames()) {
      const layout = await frame.evaluate(() => document.body?.dataset.layout ?? null).catch(() => null);
      if (layout === 'editor' && await frame.locator('#list').count().catch(() => 0)) return frame;
    }
    if (Date.now() > deadline) throw new Error('the curator editor tab did not appear');
    await studio.page.waitForTimeout(250);
  }
}

function labelLines(studio: Studio): { id: string; type?: string; decision?: string; note?: string }[] {
  const file = path.join(studio.workspaceDir, '.acereason', 'labels.jsonl');
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
}

async function waitForLabels(studio: Studio, count: number): Promise<ReturnType<typeof labelLines>> {
  const deadline = Date.now() + 15_000;
  while (labelLines(studio).length < count && Date.now() < deadline) await studio.page.waitForTimeout(100);
  return labelLines(studio);
}

describe('curator in the editor area (code-server)', { timeout: 300_000 }, () => {
  let studio: Studio;

  before(async () => {
    studio = await Studio.launch({ name: 'curator-editor', viewport: { width: 1600, height: 900 }, workspaceFiles: await curationOutput() });
  });
  after(async () => {
    await studio?.close();
  });

  test('Open Curator in Editor shows a wide table, the detail beside it, and a contamination\'s evidence', async () => {
    await studio.capture('curator-editor-evidence', async () => {
      await studio.runCommand('AceReason: Open Curator in Editor', { acceptQuickPicks: 0 });
      const frame = await editorCuratorFrame(studio);
      await frame.locator('.vlist-row[data-id="copied"]').waitFor({ state: 'visible', timeout: 30_000 });
      assert.equal(await frame.locator('#counts').textContent(), '4 prompts');
      await frame.locator('.vlist-row[data-id="copied"]').click();
      await frame.locator('#detail .evidence').waitFor({ state: 'visible', timeout: 15_000 });
      assert.equal(await frame.locator('#detail .evidence-count').textContent(), 'Shares 8 9-grams with math500 test/algebra/77');
      const marked = await frame.locator('#detail .evidence-benchmark mark').allTextContents();
      assert.deepEqual(marked, ['Find the sum of all real numbers $x$ such that $x^2 - 5x + 6 = 0$ holds']);
      const list = await frame.locator('#list').boundingBox();
      const detail = await frame.locator('#detail').boundingBox();
      assert.ok(list && detail && detail.x >= list.x + list.width, 'the detail is beside the table');
      assert.ok(await frame.locator('#detail .problem-text .katex').count() >= 1, 'the problem\'s LaTeX is typeset');
      await studio.screenshot('curator-editor-evidence');
    });
  });

  test('keyboard: x labels and moves on; n then notes the prompt just labelled; u undoes the note', async () => {
    await studio.capture('curator-editor-keyboard', async () => {
      const frame = await editorCuratorFrame(studio);
      await frame.locator('.vlist-row[data-id="first"]').click();
      const next = await frame.evaluate(() => {
        const rows = [...document.querySelectorAll<HTMLElement>('#list .vlist-row:not([hidden])')].sort((a, b) => Number(a.dataset.pos) - Number(b.dataset.pos));
        const i = rows.findIndex((r) => r.dataset.id === 'first');
        return rows[i + 1]?.dataset.id ?? null;
      });
      assert.ok(next, 'a prompt follows "first" in the list');
      await frame.locator('#list').press('x');
      await frame.locator(`.vlist-row.focused[data-id="${next}"]`).waitFor({ state: 'visible', timeout: 10_000 });
      await frame.locator('#list').press('n');
      await frame.locator('#note-bar-input').waitFor({ state: 'visible', timeout: 10_000 });
      assert.match((await frame.locator('#note-bar-target').textContent()) ?? '', /^Note for first:/);
      await frame.locator('#note-bar-input').pressSequentially('counted twice in the source');
      await studio.screenshot('curator-editor-note');
      await frame.locator('#note-bar-input').press('Enter');
      const lines = await waitForLabels(studio, 2);
      assert.deepEqual(lines.map((l) => [l.id, l.decision, l.note]), [
        ['first', 'exclude', undefined],
        ['first', 'exclude', 'counted twice in the source'],
      ], 'the note went to the labelled prompt, not the next one');
      await frame.locator('#list').press('u');
      const afterUndo = await waitForLabels(studio, 3);
      assert.equal(afterUndo[2].id, 'first');
      assert.equal(afterUndo[2].type, 'undo', `an undo line for "first": ${JSON.stringify(afterUndo[2])}`);
      await frame.locator('.vlist-row[data-id="first"] .row-label', { hasText: /^exclude$/ }).waitFor({ state: 'visible', timeout: 10_000 });
    });
  });
});
