// Issue 16 items 7–10 and 15 at the level a user meets them, in headless Chromium with the page the
// extension serves: a contamination's evidence (the real decontamination step's removal, read back
// by the host's dataset loader, laid out beside the benchmark item with the shared n-grams marked),
// the verifier flag, LaTeX typeset with the raw text one click away, the keyboard note flow (a note
// after `x` lands on the prompt just labelled; undo covers it), the editor-tab layout, and Open /
// Curate shown once. Screenshots go to /tmp/h4b/ (and test-results/).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MathRecord } from '../../src/core/dataset/records';
import type { CuratorRow } from '../../src/core/protocol/curator';
import { runCuration } from '../../src/core/curate/pipeline';
import { loadCuratorDataset, measuredOf, toDetail, toRow } from '../../src/core/curate/reviewDataset';
import { packageRoot } from '../../src/core/util/paths';
import { loadRows, openCuratorPage, syntheticRows, type CuratorPage } from './curatorPage';

const SHOTS = process.env.H4B_SHOTS ?? path.join(packageRoot(), 'test-results');
const BENCHMARK = 'Find the sum of all real numbers $x$ such that $x^2 - 5x + 6 = 0$ holds, and give it as a fraction.';
const PROMPT = 'A warm-up. Find the sum of all real numbers $x$ such that $x^2 - 5x + 6 = 0$ holds, then double it.';

async function shot(p: CuratorPage, name: string): Promise<string> {
  fs.mkdirSync(SHOTS, { recursive: true });
  const file = path.join(SHOTS, name);
  await p.page.screenshot({ path: file });
  return file;
}

/** A real curation run: training prompts (one copied from the benchmark, one with an unparseable answer) against one benchmark file. */
async function curatedFolder(): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'curator-evidence-'));
  const rec = (id: string, problem: string, answer: string): MathRecord => ({ id, source: 'train', domain: 'math', problem, answer });
  const train = [
    rec('copied', PROMPT, '10'),
    rec('clean', 'How many positive divisors does 36 have? Count them carefully, one by one, please.', '9'),
    rec('bad-answer', 'Evaluate the integral of x from zero to one and report the exact value found.', '\\frac{1}{'),
  ];
  fs.writeFileSync(path.join(dir, 'train.jsonl'), train.map((r) => JSON.stringify(r)).join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'math500.jsonl'), JSON.stringify({ id: 'test/algebra/77', problem: BENCHMARK, answer: '5' }) + '\n');
  await runCuration({ domain: 'math', inputs: [path.join(dir, 'train.jsonl')], benchmarks: [path.join(dir, 'math500.jsonl')], outDir: path.join(dir, 'out') });
  return path.join(dir, 'out');
}

describe('curator: evidence, LaTeX, verifier flag, note flow', () => {
  let p: CuratorPage;
  before(async () => { p = await openCuratorPage({ width: 760, height: 1000 }); });
  after(async () => { await p?.close(); });

  test('a contaminated prompt shows the benchmark item beside it, the shared n-grams marked on both sides, and the count', async () => {
    const ds = await loadCuratorDataset(await curatedFolder());
    const entry = ds.entries.find((e) => e.record.id === 'copied')!;
    assert.equal(entry.status, 'removed', 'the real decontamination step removed the copied prompt');
    const rows: CuratorRow[] = ds.entries.map((e) => toRow(e, null, measuredOf(e)));
    await loadRows(p, rows, 'curated/train', true);
    await p.page.click('#list .vlist-row[data-id="copied"]');
    await p.send({ type: 'detail', detail: toDetail(entry, null, measuredOf(entry), []) });
    await p.page.waitForSelector('#detail .evidence');
    // Hand count: the shared run is find·the·sum·of·all·real·numbers·x·such·that·x·2·5x·6·0·holds = 16 words,
    // so 16 - 9 + 1 = 8 nine-grams (the prompt then says "then", the benchmark "and").
    assert.equal(await p.page.textContent('#detail .evidence-count'), 'Shares 8 9-grams with math500 test/algebra/77');
    const marks = async (side: string) => p.page.$$eval(`#detail .evidence-${side} mark`, (els) => els.map((e) => e.textContent));
    assert.deepEqual(await marks('prompt'), ['Find the sum of all real numbers $x$ such that $x^2 - 5x + 6 = 0$ holds']);
    assert.deepEqual(await marks('benchmark'), ['Find the sum of all real numbers $x$ such that $x^2 - 5x + 6 = 0$ holds']);
    assert.equal(await p.page.textContent('#detail .evidence-benchmark'), BENCHMARK);
    const sides = await p.page.$$eval('#detail .evidence-side', (els) => els.map((e) => e.getBoundingClientRect()).map((r) => ({ x: r.x, y: r.y, w: r.width })));
    assert.equal(sides.length, 2);
    assert.ok(sides[1].x >= sides[0].x + sides[0].w - 1 && Math.abs(sides[1].y - sides[0].y) < 2, `side by side: ${JSON.stringify(sides)}`);
    const file = await shot(p, 'curator-evidence.png');
    assert.ok(fs.statSync(file).size > 10_000);

    // The problem is typeset by KaTeX; "Raw" shows it exactly as written.
    assert.ok(await p.page.locator('#detail .problem-text .rendered .katex').count() >= 1, 'LaTeX rendered');
    await p.page.click('#detail .problem-text .raw-toggle');
    assert.equal(await p.page.isVisible('#detail .problem-text .raw'), true);
    assert.equal(await p.page.textContent('#detail .problem-text .raw'), PROMPT);
    await p.page.click('#detail .problem-text .raw-toggle');
    assert.equal(await p.page.isVisible('#detail .problem-text .rendered'), true);

    const bad = ds.entries.find((e) => e.record.id === 'bad-answer')!;
    await p.page.click('#list .vlist-row[data-id="bad-answer"]');
    await p.send({ type: 'detail', detail: toDetail(bad, null, measuredOf(bad), []) });
    await p.page.waitForSelector('#detail .verifier-failure');
    assert.match((await p.page.textContent('#detail .verifier-failure')) ?? '', /The math verifier cannot parse the reference answer: .*\\frac\{1\}\{/);
    await shot(p, 'curator-verifier-flag.png');
    assert.deepEqual(await p.cspViolations(), []);
    assert.deepEqual(p.pageErrors, []);
  });

  test('keyboard: after x the selection moves on, but n notes the prompt just labelled; u undoes the note, then the exclusion', async () => {
    await loadRows(p, syntheticRows(30), 'flow.jsonl', true);
    await p.page.click('#list .vlist-row[data-id="p-00002"]');
    await p.clearPosted();
    await p.page.keyboard.press('x');
    assert.equal(await p.page.getAttribute('#list .vlist-row.focused', 'data-id'), 'p-00003', 'the selection moved on');
    await p.page.keyboard.press('n');
    assert.equal(await p.page.isVisible('#note-bar'), true);
    assert.match((await p.page.textContent('#note-bar-target')) ?? '', /^Note for p-00002: Problem 2/);
    await p.page.keyboard.type('same as p-00007');
    await shot(p, 'curator-note-after-x.png');
    await p.page.keyboard.press('Enter');
    const labels = (await p.posted()).filter((m) => m.type === 'label');
    assert.deepEqual(labels.map((m) => m.items), [
      [{ id: 'p-00002', label: { decision: 'exclude' } }],
      [{ id: 'p-00002', label: { decision: 'exclude', note: 'same as p-00007' } }],
    ]);
    assert.equal(await p.page.textContent('#list .vlist-row[data-id="p-00002"] .row-label'), 'exclude ✎');
    assert.equal(await p.page.textContent('#list .vlist-row[data-id="p-00003"] .row-label'), '', 'the next prompt got nothing');
    assert.equal(await p.page.getAttribute('#list .vlist-row.focused', 'data-id'), 'p-00003');
    // Any other key between x and n makes n note the focused prompt again.
    await p.page.keyboard.press('ArrowUp');
    await p.page.keyboard.press('ArrowDown');
    await p.page.keyboard.press('n');
    assert.match((await p.page.textContent('#note-bar-target')) ?? '', /^Note for p-00003/);
    await p.page.keyboard.press('Escape');
    assert.equal(await p.page.isVisible('#note-bar'), false);

    await p.page.keyboard.press('u');
    assert.equal(await p.page.textContent('#list .vlist-row[data-id="p-00002"] .row-label'), 'exclude', 'undo took the note off');
    await p.page.keyboard.press('u');
    assert.equal(await p.page.textContent('#list .vlist-row[data-id="p-00002"] .row-label'), '', 'and then the exclusion');
    const undos = (await p.posted()).filter((m) => m.type === 'undo').map((m) => m.ids);
    assert.deepEqual(undos, [['p-00002'], ['p-00002']]);
  });

  test('sidebar: in a short view the list and the detail share the height and never overlap', async () => {
    await p.page.setViewportSize({ width: 300, height: 420 });
    const rows = syntheticRows(50);
    await loadRows(p, rows, '.acereason/curated/short-view', true);
    await p.page.click('#list .vlist-row[data-id="p-00002"]');
    await p.send({ type: 'detail', detail: {
      id: 'p-00002', source: rows[2].source, domain: 'math', problem: rows[2].text, answer: '4', tests: [], testCount: 0,
      status: 'kept', removals: [], label: null, difficulty: null, passRate: null, rollouts: [],
    } });
    await p.page.waitForSelector('#detail .problem-text');
    const list = (await p.page.locator('#list').boundingBox())!;
    const detail = (await p.page.locator('#detail').boundingBox())!;
    assert.ok(list.height >= 100 && detail.height >= 100, `both visible: list ${list.height}px, detail ${detail.height}px`);
    assert.ok(list.y + list.height <= detail.y, `the list ends (${list.y + list.height}) above the detail (${detail.y})`);
    await shot(p, 'curator-sidebar-short.png');
    await p.page.setViewportSize({ width: 760, height: 1000 });
  });

  test('sidebar: Open and Curate are not repeated in the page (the view title bar has them); the empty state offers them once', async () => {
    assert.equal(await p.page.isVisible('#open-dataset'), false);
    await p.send({ type: 'empty' });
    const visibleOpen = await p.page.$$eval('vscode-button', (els) => els.filter((e) => (e as HTMLElement).offsetParent !== null && /Open/.test(e.textContent ?? '')).length);
    assert.equal(visibleOpen, 1);
  });
});

describe('curator in an editor tab', () => {
  let p: CuratorPage;
  before(async () => { p = await openCuratorPage({ width: 1400, height: 800, layout: 'editor' }); });
  after(async () => { await p?.close(); });

  test('a wide table (prompt, id, source, pipeline columns) with the detail beside it', async () => {
    const rows = syntheticRows(400);
    await loadRows(p, rows, '.acereason/curated/deepscaler', true);
    await p.page.click('#list .vlist-row[data-id="p-00005"]');
    await p.send({ type: 'detail', detail: {
      id: 'p-00005', source: rows[5].source, domain: 'math', problem: 'Compute $\\frac{1}{2} + \\frac{1}{3}$.', answer: '\\frac{5}{6}', tests: [], testCount: 0,
      status: 'removed', removals: [{ reason: rows[5].reasons[0] }], label: null, difficulty: null, passRate: null, rollouts: [],
    } });
    await p.page.waitForSelector('#detail .problem-text');
    const list = await p.page.locator('#list').boundingBox();
    const detail = await p.page.locator('#detail').boundingBox();
    assert.ok(list && detail);
    assert.ok(detail!.x >= list!.x + list!.width, `detail beside the list: list ${JSON.stringify(list)}, detail ${JSON.stringify(detail)}`);
    assert.ok(list!.width > 700, `a wide table: ${list!.width}px`);
    const visibleRows = await p.page.locator('#list .vlist-row:not([hidden])').count();
    assert.ok(visibleRows >= 20, `many rows fit (${visibleRows})`);
    const cells = await p.page.$$eval('#list .vlist-row[data-id="p-00005"] .row-main > *, #list .vlist-row[data-id="p-00005"] .row-meta > span', (els) => els.map((e) => Math.round(e.getBoundingClientRect().x)));
    assert.equal(new Set(cells).size, cells.length, `columns side by side on one line: ${cells}`);
    assert.equal(await p.page.isVisible('.table-head'), true);
    assert.equal(await p.page.isVisible('#open-dataset'), true, 'an editor tab has no title bar: the page offers Open');
    await shot(p, 'curator-editor.png');
    assert.deepEqual(p.pageErrors, []);
  });
});
