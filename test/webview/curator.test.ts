// The curator page in headless Chromium, fed protocol messages directly: search, filters, labels
// (checking what the page posts), keyboard shortcuts, escaping of hostile text, and 50,000 rows.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { CuratorRow, PromptDetail } from '../../src/core/protocol/curator';
import { packageRoot } from '../../src/core/util/paths';
import { loadRows, openCuratorPage, syntheticRows, type CuratorPage } from './curatorPage';

const XSS = '<img src=x onerror=alert(1)>';

function detailFor(row: CuratorRow, extra: Partial<PromptDetail> = {}): PromptDetail {
  return {
    id: row.id, source: row.source, domain: row.domain, problem: row.text, answer: '42', tests: [], testCount: 0,
    status: row.status, removals: row.reasons.map((reason) => ({ reason })), label: row.label,
    difficulty: row.difficulty, passRate: row.passRate, rollouts: [], ...extra,
  };
}

async function renderedIds(p: CuratorPage): Promise<string[]> {
  return p.page.$$eval('#list .vlist-row:not([hidden])', (els) => els
    .map((e) => ({ id: (e as HTMLElement).dataset.id ?? '', pos: Number((e as HTMLElement).dataset.pos) }))
    .sort((a, b) => a.pos - b.pos).map((e) => e.id));
}

async function countsText(p: CuratorPage): Promise<string> {
  return (await p.page.textContent('#counts')) ?? '';
}

async function setSelect(p: CuratorPage, id: string, value: string): Promise<void> {
  await p.page.evaluate(([sel, v]) => {
    const el = document.getElementById(sel) as HTMLElement & { value: string };
    el.value = v;
    el.dispatchEvent(new Event('change'));
  }, [id, value] as const);
}

async function lastPosted(p: CuratorPage, type: string): Promise<any> {
  const all = await p.posted();
  return all.filter((m) => m.type === type).at(-1);
}

async function waitForPosted(p: CuratorPage, type: string, count = 1): Promise<void> {
  await p.page.waitForFunction(([t, n]) => (window as any).__posted.filter((m: any) => m.type === t).length >= n, [type, count] as const);
}

describe('curator webview', () => {
  let p: CuratorPage;
  const rows = syntheticRows(200);
  rows[3] = { ...rows[3], text: `Find x. ${XSS} <script>alert(2)</script>` };

  before(async () => {
    p = await openCuratorPage();
  });
  after(async () => {
    await p?.close();
  });

  test('loads under the strict CSP with its components upgraded and says ready', async () => {
    const posted = await p.posted();
    assert.deepEqual(posted[0], { type: 'ready' });
    const upgraded = await p.page.evaluate(() => ['vscode-button', 'vscode-textfield', 'vscode-single-select', 'vscode-collapsible']
      .map((t) => !!customElements.get(t) && !!document.querySelector(t)?.shadowRoot));
    assert.deepEqual(upgraded, [true, true, true, true]);
    assert.deepEqual(await p.cspViolations(), []);
    assert.deepEqual(p.pageErrors, []);
  });

  test('an empty state offers to open or curate a dataset', async () => {
    await p.send({ type: 'empty' });
    await p.page.click('#empty vscode-button[data-action="curate"]');
    await p.page.click('#empty vscode-button[data-action="open"]');
    const types = (await p.posted()).map((m) => m.type);
    assert.ok(types.includes('curateDataset') && types.includes('openDataset'), types.join(','));
  });

  test('a message that fails validation is shown as an error and not used', async () => {
    await p.send({ type: 'rows', offset: 0, rows: [{ id: 5 }] });
    const banner = await p.page.textContent('#error-banner');
    assert.match(banner ?? '', /Ignored a message from the extension: invalid curator host message at rows\.0\.id/);
    await p.page.click('#error-banner');
  });

  test('lists the rows of a streamed dataset and renders only the visible window', async () => {
    await loadRows(p, rows, 'curated/curated.jsonl');
    assert.equal(await countsText(p), '200 prompts');
    const ids = await renderedIds(p);
    assert.equal(ids[0], 'p-00000');
    assert.ok(ids.length > 5 && ids.length < 60, `rendered ${ids.length} rows`);
    assert.equal(await p.page.textContent('#dataset-name'), 'curated/curated.jsonl');
  });

  test('dataset text with HTML renders as text: no element is created and no dialog opens', async () => {
    const row = await p.page.locator('#list .vlist-row[data-id="p-00003"] .row-title').textContent();
    assert.ok(row?.includes(XSS), row ?? '');
    await p.page.click('#list .vlist-row[data-id="p-00003"]');
    await waitForPosted(p, 'requestDetail');
    const xssDetail = detailFor(rows[3], {
      problem: rows[3].text, answer: `${XSS}`,
      removals: [{ reason: 'decontaminated', detail: XSS, overlaps: [`math500:${XSS}`] }],
      rollouts: [{ runId: 'r1', step: 3, stage: 'math-8k', reward: 0, verdict: XSS, extracted: XSS, response: `<script>alert(3)</script>${XSS}` }],
    });
    await p.send({ type: 'detail', detail: xssDetail });
    await p.page.waitForSelector('#detail .problem-text');
    // Shown typeset, with the text exactly as written one click away (.raw).
    assert.equal(await p.page.locator('#detail .problem-text .raw').textContent(), rows[3].text);
    assert.equal(await p.page.locator('#detail .answer-text .raw').textContent(), XSS);
    assert.equal(await p.page.locator('#detail .problem-text .rendered').textContent(), rows[3].text);
    assert.equal(await p.page.locator('img').count(), 0);
    assert.equal(await p.page.locator('#app script').count(), 0);
    await p.page.waitForTimeout(100);
    assert.deepEqual(p.dialogs, []);
    assert.deepEqual(p.pageErrors, []);
  });

  test('the detail pane shows removal reasons, overlapping benchmark ids, tests and rollouts', async () => {
    await p.page.click('#list .vlist-row[data-id="p-00005"]');
    await p.send({
      type: 'detail',
      detail: detailFor(rows[5], {
        domain: 'code', answer: null, tests: [{ input: '1 2\n', output: '3\n' }], testCount: 4,
        removals: [{ reason: 'decontaminated', overlaps: ['math500:test/algebra/1', 'aime24:7'] }],
        rollouts: [{ runId: 'run-a', step: 12, stage: 'code-24k', reward: 1, verdict: 'AC AC', response: 'print(3)', tests: [{ status: 'AC' }, { status: 'WA' }] }],
      }),
    });
    await p.page.waitForSelector('#detail .overlaps');
    const text = (await p.page.textContent('#detail')) ?? '';
    assert.match(text, /Removed by the pipeline/);
    assert.match(text, /Overlaps: math500:test\/algebra\/1, aime24:7/);
    assert.match(text, /Tests \(first 1 of 4\)/);
    assert.match(text, /reward 1 · run-a · step 12 · code-24k · 1\/2 tests/);
  });

  test('search narrows the list to matching prompts', async () => {
    await p.page.fill('#search input', 'triangle');
    await p.page.waitForFunction(() => /of 200/.test(document.getElementById('counts')?.textContent ?? ''));
    const expected = rows.filter((r) => r.text.includes('triangle')).length;
    assert.equal(await countsText(p), `${expected} of 200`);
    const ids = await renderedIds(p);
    assert.ok(ids.length > 0);
    for (const id of ids) assert.ok(rows.find((r) => r.id === id)!.text.includes('triangle'), id);
    await p.page.fill('#search input', '');
    await p.page.waitForFunction(() => document.getElementById('counts')?.textContent === '200 prompts');
  });

  test('filters by source, removal reason, difficulty and pass rate', async () => {
    await setSelect(p, 'f-source', 'aime');
    assert.equal(await countsText(p), `${rows.filter((r) => r.source === 'aime').length} of 200`);
    await setSelect(p, 'f-source', '');
    await setSelect(p, 'f-status', 'reason:proof');
    const proof = rows.filter((r) => r.reasons.includes('proof'));
    assert.equal(await countsText(p), `${proof.length} of 200`);
    assert.deepEqual(await renderedIds(p), proof.map((r) => r.id).slice(0, (await renderedIds(p)).length));
    await setSelect(p, 'f-status', '');
    await setSelect(p, 'f-difficulty', '4');
    assert.equal(await countsText(p), `${rows.filter((r) => r.difficulty === 4).length} of 200`);
    await setSelect(p, 'f-difficulty', '');
    await p.page.evaluate(() => { (document.getElementById('filters') as HTMLElement & { open: boolean }).open = true; });
    await p.page.fill('#f-pass-min input', '80');
    await p.page.waitForFunction(() => /of 200/.test(document.getElementById('counts')?.textContent ?? ''));
    assert.equal(await countsText(p), `${rows.filter((r) => r.passRate !== null && r.passRate >= 0.8).length} of 200`);
    await p.page.click('#clear-filters');
    assert.equal(await countsText(p), '200 prompts');
  });

  test('the inline exclude button posts a label decision for that row', async () => {
    await p.clearPosted();
    await p.page.hover('#list .vlist-row[data-id="p-00002"]');
    await p.page.click('#list .vlist-row[data-id="p-00002"] button[data-decision="exclude"]');
    assert.deepEqual(await lastPosted(p, 'label'), { type: 'label', items: [{ id: 'p-00002', label: { decision: 'exclude' } }] });
    assert.equal(await p.page.textContent('#list .vlist-row[data-id="p-00002"] .row-label'), 'exclude');
  });

  test('keyboard: arrows move, k/x/f label and advance, u undoes, n saves a note', async () => {
    await p.page.click('#list .vlist-row[data-id="p-00000"]');
    await p.clearPosted();
    await p.page.keyboard.press('ArrowDown');
    await p.page.keyboard.press('ArrowDown'); // p-00002
    await p.page.keyboard.press('k');
    assert.deepEqual(await lastPosted(p, 'label'), { type: 'label', items: [{ id: 'p-00002', label: { decision: 'keep' } }] });
    await p.page.keyboard.press('f'); // advanced to p-00003
    assert.deepEqual(await lastPosted(p, 'label'), { type: 'label', items: [{ id: 'p-00003', label: { decision: 'flag' } }] });
    await p.page.keyboard.press('u');
    assert.deepEqual(await lastPosted(p, 'undo'), { type: 'undo', ids: ['p-00003'] });
    assert.equal(await p.page.textContent('#list .vlist-row[data-id="p-00003"] .row-label'), '');
    await p.page.keyboard.press('u');
    assert.deepEqual(await lastPosted(p, 'undo'), { type: 'undo', ids: ['p-00002'] });
    // p-00002 was excluded before it was kept: undo shows exclude again.
    assert.equal(await p.page.textContent('#list .vlist-row[data-id="p-00002"] .row-label'), 'exclude');
    // The page asks the host for the focused prompt's detail.
    await waitForPosted(p, 'requestDetail');
    const focused = await p.page.getAttribute('#list .vlist-row.focused', 'data-id');
    assert.equal(focused, 'p-00004');
    await p.send({ type: 'detail', detail: detailFor(rows[4]) });
    await p.page.waitForSelector('#detail #note-field');
    await p.page.keyboard.press('n');
    await p.page.keyboard.type('ambiguous wording');
    await p.page.keyboard.press('Enter');
    assert.deepEqual(await lastPosted(p, 'label'), { type: 'label', items: [{ id: 'p-00004', label: { decision: 'flag', note: 'ambiguous wording' } }] });
  });

  test('shift+arrows select several prompts and x excludes them all; the bulk bar counts them', async () => {
    // p-00010 is below the list's fold: the click scrolls it into view first.
    await p.page.click('#list .vlist-row[data-id="p-00010"]');
    assert.equal(await p.page.getAttribute('#list .vlist-row.focused', 'data-id'), 'p-00010', 'the click focused the clicked prompt');
    assert.equal(await p.page.isVisible('#bulk-bar'), false, 'no bulk bar for a single prompt');
    await p.page.keyboard.press('Shift+ArrowDown');
    await p.page.keyboard.press('Shift+ArrowDown');
    assert.equal(await p.page.textContent('#bulk-count'), '3 selected');
    assert.equal(await p.page.isVisible('#bulk-bar'), true);
    await p.page.keyboard.press('x');
    assert.deepEqual(await lastPosted(p, 'label'), {
      type: 'label',
      items: ['p-00010', 'p-00011', 'p-00012'].map((id) => ({ id, label: { decision: 'exclude' } })),
    });
    await p.page.click('#bulk-bar vscode-button[data-decision="keep"]');
    assert.deepEqual((await lastPosted(p, 'label')).items.map((i: any) => i.label.decision), ['keep', 'keep', 'keep']);
  });

  test('label updates from the host show in the list and the label filter', async () => {
    await p.send({ type: 'labels', labels: [{ id: 'p-00100', label: { decision: 'exclude', note: 'dup' } }] });
    await setSelect(p, 'f-label', 'exclude');
    const ids = await renderedIds(p);
    assert.ok(ids.includes('p-00100') && ids.includes('p-00002'), ids.join(','));
    assert.equal(await p.page.textContent('#list .vlist-row[data-id="p-00100"] .row-label'), 'exclude ✎');
    await setSelect(p, 'f-label', '');
  });

  test('50,000 prompts stream in, stay windowed, scroll to the end and search', async () => {
    const big = syntheticRows(50_000);
    await loadRows(p, big, 'big.jsonl');
    assert.equal(await countsText(p), '50,000 prompts');
    assert.ok((await renderedIds(p)).length < 60);
    await p.page.evaluate(() => { const l = document.getElementById('list')!; l.scrollTop = l.scrollHeight; });
    await p.page.waitForFunction(() => !!document.querySelector('#list .vlist-row[data-id="p-49999"]'));
    assert.ok((await renderedIds(p)).length < 60);
    await p.page.focus('#list');
    await p.page.keyboard.press('Home');
    assert.equal(await p.page.getAttribute('#list .vlist-row.focused', 'data-id'), 'p-00000');
    await p.page.fill('#search input', 'p-4999');
    await p.page.waitForFunction(() => /of 50,000/.test(document.getElementById('counts')?.textContent ?? ''));
    const matching = big.filter((r) => `${r.id}\n${r.source}\n${r.text}`.includes('p-4999')).length;
    assert.equal(matching, 10);
    assert.equal(await countsText(p), `${matching} of 50,000`);
    await p.page.fill('#search input', '');
    await p.page.waitForFunction(() => document.getElementById('counts')?.textContent === '50,000 prompts');
    fs.mkdirSync(path.join(packageRoot(), 'test-results'), { recursive: true });
    await p.page.screenshot({ path: path.join(packageRoot(), 'test-results', 'curator-50k.png') });
    assert.deepEqual(p.pageErrors, []);
  });
});

const DEEPSCALER = '/work/shared/data/math/deepscaler.jsonl';

test('screenshot: real math prompts with removal reasons, labels and a prompt in detail', async () => {
  assert.ok(fs.existsSync(DEEPSCALER), `${DEEPSCALER} is missing: this test reads real prompts from ../shared/data (CI has it)`);
  const p = await openCuratorPage({ width: 420, height: 900 });
  try {
    const lines = fs.readFileSync(DEEPSCALER, 'utf8').split('\n').filter(Boolean).slice(0, 300).map((l) => JSON.parse(l));
    const reasons = ['proof', 'too-short', 'contaminated', 'multiple-choice', 'duplicate:near'];
    const rows: CuratorRow[] = lines.map((r, i) => ({
      id: r.id, source: i % 3 ? 'deepscaler' : 'numina_amc_aime', domain: 'math', text: String(r.problem).slice(0, 1000),
      status: i % 6 === 2 ? 'removed' : 'kept', reasons: i % 6 === 2 ? [reasons[i % reasons.length]] : [],
      label: i % 7 === 3 ? { decision: 'exclude' } : i % 11 === 4 ? { decision: 'flag', note: 'ambiguous' } : i % 5 === 1 ? { decision: 'keep' } : null,
      difficulty: null, passRate: (i * 37 % 17) / 16,
    }));
    await loadRows(p, rows, '.acereason/curated/deepscaler-20261122-040000');
    const target = rows[2];
    await p.page.click(`#list .vlist-row[data-id="${target.id}"]`);
    await p.send({
      type: 'detail',
      detail: detailFor(target, {
        problem: lines[2].problem, answer: lines[2].answer, passRate: 0.375,
        removals: [{ reason: 'contaminated', detail: 'shares 14 9-grams with a benchmark item', overlaps: ['math500:test/precalculus/1199'] }],
        rollouts: [
          { runId: '20261122-031500-math-ab12', step: 41, stage: 'math-8k', reward: 1, verdict: 'correct', extracted: lines[2].answer, response: `<think>…</think> The answer is \\boxed{${lines[2].answer}}` },
          { runId: '20261122-031500-math-ab12', step: 17, stage: 'math-8k', reward: 0, verdict: 'wrong answer', extracted: '7', response: '<think>…</think> \\boxed{7}' },
        ],
      }),
    });
    await p.page.waitForSelector('#detail .overlaps');
    fs.mkdirSync(path.join(packageRoot(), 'test-results'), { recursive: true });
    const file = path.join(packageRoot(), 'test-results', 'curator.png');
    await p.page.screenshot({ path: file });
    assert.ok(fs.statSync(file).size > 10_000);
    assert.deepEqual(await p.cspViolations(), []);
  } finally {
    await p.close();
  }
});
