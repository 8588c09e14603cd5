// What the curator's host side feeds the page: a curation output written by the real pipeline (kept
// and removed prompts with their reasons and benchmark overlaps), plain dataset files, unreadable
// lines reported with file and line, and rollouts from runs/*/samples.jsonl. No browser needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCuration } from '../../src/core/curate';
import { describeProblems, detectDomain, loadCuratorDataset, measuredOf, toDetail, toRow } from '../../src/core/curate/reviewDataset';
import { RolloutIndex } from '../../src/extension/curator/rollouts';
import { CuratorRow, PromptDetail, ROW_TEXT_CHARS } from '../../src/core/protocol/curator';

const PROBLEMS = '/work/shared/data/code/problems.jsonl';
const LEAKED = 'Let $f(x) = x^2 + 3x + 2$. Find the sum of all real numbers $x$ for which $f(x) = 12$ holds, and express it as a common fraction.';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'acereason-curator-host-'));
}

test('a curation output from the real pipeline loads with kept and removed prompts, reasons and overlaps', async () => {
  const dir = tempDir();
  const train = path.join(dir, 'train.jsonl');
  const bench = path.join(dir, 'math500.jsonl');
  fs.writeFileSync(train, [
    { id: 't1', problem: 'A train travels 60 miles per hour for 3 hours and then 40 miles per hour for 2 hours. How far does it go?', answer: '260' },
    { id: 't2', problem: LEAKED, answer: '-3' },
    { id: 't3', problem: 'Which of the following is prime? (A) 4 (B) 6 (C) 7 (D) 8 (E) 9', answer: 'C' },
  ].map((r) => JSON.stringify(r)).join('\n') + '\n');
  fs.writeFileSync(bench, JSON.stringify({ unique_id: 'test/algebra/77', problem: LEAKED, answer: '-3' }) + '\n');
  const out = path.join(dir, 'out');
  await runCuration({ domain: 'math', inputs: [train], benchmarks: [bench], outDir: out });

  const ds = await loadCuratorDataset(out, dir);
  assert.equal(ds.curated, true);
  assert.equal(ds.name, 'out');
  assert.deepEqual(ds.problems, []);
  const status = Object.fromEntries(ds.entries.map((e) => [e.record.id, e.status]));
  assert.deepEqual(status, { t1: 'kept', t2: 'removed', t3: 'removed' });
  const leaked = ds.entries[ds.byId.get('t2')!];
  const contamination = leaked.removals.find((r) => r.overlaps?.length);
  assert.ok(contamination, JSON.stringify(leaked.removals));
  assert.deepEqual(contamination.overlaps, ['math500:test/algebra/77']);
  assert.ok(ds.entries[ds.byId.get('t3')!].removals.some((r) => /multiple-choice/.test(r.reason)), JSON.stringify(ds.entries[ds.byId.get('t3')!].removals));

  // What crosses to the webview passes the protocol's own validators.
  const row = toRow(leaked, { decision: 'exclude', note: 'leak' }, measuredOf(leaked));
  assert.equal(CuratorRow.safeParse(row).success, true);
  assert.equal(row.status, 'removed');
  const detail = toDetail(leaked, null, measuredOf(leaked, new Map([['t2', { passRate: 0.25 }]])), []);
  assert.equal(PromptDetail.safeParse(detail).success, true);
  assert.equal(detail.answer, '-3');
  assert.equal(detail.passRate, 0.25);
  // A file inside the output folder opens the whole output.
  assert.equal((await loadCuratorDataset(path.join(out, 'curated.jsonl'))).entries.length, 3);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a prompt kept by a keep label shows the removals it overrode, in the detail only', async () => {
  const dir = tempDir();
  const train = path.join(dir, 'train.jsonl');
  fs.writeFileSync(train, JSON.stringify({ id: 'mc', problem: 'Which of the following is prime? (A) 4 (B) 6 (C) 7 (D) 8 (E) 9', answer: 'C' }) + '\n');
  const labels = path.join(dir, 'labels.jsonl');
  fs.writeFileSync(labels, JSON.stringify({ id: 'mc', decision: 'keep', time: '2026-11-22T04:00:00Z' }) + '\n');
  const out = path.join(dir, 'out');
  await runCuration({ domain: 'math', inputs: [train], labelsFile: labels, outDir: out });
  const ds = await loadCuratorDataset(out);
  const entry = ds.entries[0];
  assert.equal(entry.status, 'kept');
  assert.ok(entry.removals.some((r) => /multiple-choice/.test(r.reason) && /^overridden by a keep label/.test(r.detail ?? '')), JSON.stringify(entry.removals));
  assert.deepEqual(toRow(entry, null, measuredOf(entry)).reasons, []);
  assert.ok(toDetail(entry, null, measuredOf(entry), []).removals.length > 0);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a plain code dataset loads uncurated, with row text and detail tests capped for the protocol', { skip: !fs.existsSync(PROBLEMS) && 'shared data absent' }, async () => {
  assert.equal(await detectDomain(PROBLEMS), 'code');
  const ds = await loadCuratorDataset(PROBLEMS);
  assert.equal(ds.curated, false);
  assert.equal(ds.entries.length, 773);
  assert.ok(ds.entries.every((e) => e.status === 'uncurated'));
  const rows = ds.entries.map((e) => toRow(e, null, measuredOf(e)));
  assert.ok(rows.every((r) => r.text.length <= ROW_TEXT_CHARS && CuratorRow.safeParse(r).success));
  const many = ds.entries.reduce((a, b) => (b.record.domain === 'code' && a.record.domain === 'code' && b.record.tests.length > a.record.tests.length ? b : a));
  const detail = toDetail(many, null, measuredOf(many), []);
  assert.ok(detail.testCount > 20, `the largest test set has ${detail.testCount} tests`);
  assert.equal(detail.tests.length, 20);
  assert.equal(PromptDetail.safeParse(detail).success, true);
});

test('unreadable lines of removed.jsonl are reported with file, line and field, and the rest loads', async () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'curated.jsonl'), JSON.stringify({ id: 'a', domain: 'math', source: 's', problem: 'What is 1+1?', answer: '2' }) + '\n');
  fs.writeFileSync(path.join(dir, 'removed.jsonl'), [
    JSON.stringify({ id: 'b', reasons: ['too-short'], record: { id: 'b', domain: 'math', source: 's', problem: 'Hi?', answer: '1' } }),
    '{"id": "c", "reasons": [',
    JSON.stringify({ id: 'd', reasons: [{ detail: 'no reason key' }], record: { id: 'd', domain: 'math', source: 's', problem: 'P', answer: '1' } }),
  ].join('\n') + '\n');
  const ds = await loadCuratorDataset(dir);
  assert.deepEqual(ds.entries.map((e) => `${e.record.id}:${e.status}:${e.removals.map((r) => r.reason).join(',')}`), ['a:kept:', 'b:removed:too-short']);
  const text = describeProblems(ds.problems);
  assert.match(text, /removed\.jsonl:2: not valid JSON/);
  assert.match(text, /removed\.jsonl:3: field 'reasons': .*reasons\[0\] must be a string or an object with a string 'reason'/);
  await assert.rejects(loadCuratorDataset(path.join(dir, 'nope.jsonl')), /nope\.jsonl: no such file or folder/);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('rollouts of a prompt come from every run, newest first, and a changed samples file is re-read', () => {
  const runs = tempDir();
  const sample = (step: number, promptId: string, reward: number) => JSON.stringify({
    step, stage: 'math-8k', promptId, domain: 'math', prompt: 'p', response: `answer ${step}`, reward, verdict: reward ? 'correct' : 'wrong', extracted: String(step),
  });
  fs.mkdirSync(path.join(runs, 'run-a'));
  fs.mkdirSync(path.join(runs, 'run-b'));
  fs.writeFileSync(path.join(runs, 'run-a', 'samples.jsonl'), [sample(1, 'x', 0), sample(2, 'y', 1), '{"torn'].join('\n'));
  fs.writeFileSync(path.join(runs, 'run-b', 'samples.jsonl'), sample(5, 'x', 1) + '\n');
  const index = new RolloutIndex(() => runs);
  assert.deepEqual(index.rolloutsOf('x').map((r) => `${r.runId}@${r.step}:${r.reward}`), ['run-b@5:1', 'run-a@1:0']);
  fs.appendFileSync(path.join(runs, 'run-b', 'samples.jsonl'), sample(9, 'x', 0) + '\n');
  assert.deepEqual(index.rolloutsOf('x').map((r) => `${r.runId}@${r.step}`), ['run-b@9', 'run-b@5', 'run-a@1']);
  assert.deepEqual(index.rolloutsOf('nobody'), []);
  assert.deepEqual(new RolloutIndex(() => path.join(runs, 'missing')).rolloutsOf('x'), []);
  fs.rmSync(runs, { recursive: true, force: true });
});
