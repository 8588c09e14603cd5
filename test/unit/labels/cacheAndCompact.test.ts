// Issue 17 item 8: the labels cache sees in-place edits that keep or grow the size; the journal streams
// (a file far larger than one chunk reads right); `acereason labels compact` rewrites it atomically
// with the same decisions in force.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { appendLabel, appendLabels, appendUndo, clearLabelsCache, compactLabels, createLabelsReader, excludedIds, latestLabels, loadLabels } from '../../../src/core/labels/store';
import { runCli } from '../../../src/cli/main';

function tempLabelsFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labels-cache-'));
  return path.join(dir, '.acereason', 'labels.jsonl');
}

/** The decisions in force computed by hand from the file's text (independent of the store's reader). */
function excludedByHand(file: string): string[] {
  const stacks = new Map<string, string[]>();
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    let v;
    try { v = JSON.parse(line); } catch { continue; }
    const s = stacks.get(v.id) ?? [];
    if (v.type === 'undo') s.pop(); else s.push(v.decision);
    stacks.set(v.id, s);
  }
  return [...stacks].filter(([, s]) => s[s.length - 1] === 'exclude').map(([id]) => id).sort();
}

test('a hand edit "keep" → "exclude" (the file grows) is seen by excludedIds', () => {
  clearLabelsCache();
  const file = tempLabelsFile();
  for (let i = 0; i < 50; i++) appendLabel(file, { id: `p${i}`, decision: 'keep', time: `2026-01-01T00:00:${String(i).padStart(2, '0')}Z` });
  assert.equal(excludedIds(file).size, 0);
  const text = fs.readFileSync(file, 'utf8');
  fs.writeFileSync(file, text.replace('"id":"p7","decision":"keep"', '"id":"p7","decision":"exclude"'));
  assert.deepEqual([...excludedIds(file)], ['p7']);
  assert.deepEqual([...excludedIds(file)], excludedByHand(file));
});

test('a same-size edit with the modification time put back is seen when it touches the bytes read last', () => {
  clearLabelsCache();
  const file = tempLabelsFile();
  for (let i = 0; i < 20; i++) appendLabel(file, { id: `q${i}`, decision: i === 19 ? 'keep' : 'flag', time: 't' });
  assert.equal(excludedIds(file).size, 0);
  const st = fs.statSync(file);
  // "flag" → "keep" keeps the size; the editor restores the mtime.
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('"id":"q18","decision":"flag"', '"id":"q18","decision":"keep"').replace('"id":"q19","decision":"keep"', '"id":"q19","decision":"flag"'));
  fs.utimesSync(file, st.atime, st.mtime);
  assert.equal(fs.statSync(file).size, st.size);
  assert.equal(latestLabels(file).get('q18')?.decision, 'keep');
  assert.equal(latestLabels(file).get('q19')?.decision, 'flag');
});

test('shrink then grow in place between two reads: every id right (was 1,493 wrong and 1,965 missing)', () => {
  clearLabelsCache();
  const file = tempLabelsFile();
  appendLabels(file, Array.from({ length: 3000 }, (_, i) => ({ id: `s${i}`, decision: i % 3 ? 'keep' as const : 'exclude' as const, time: 't' })));
  assert.equal(excludedIds(file).size, 1000);
  // Same inode: truncate, then write a different, longer journal.
  fs.truncateSync(file, 0);
  fs.appendFileSync(file, Array.from({ length: 3500 }, (_, i) => JSON.stringify({ id: `s${i}`, decision: i % 2 ? 'exclude' : 'keep', time: 'later' })).join('\n') + '\n');
  assert.deepEqual([...excludedIds(file)].sort(), excludedByHand(file));
  assert.equal(excludedIds(file).size, 1750);
});

test('streaming: a journal of ~40 MB read with 64 KiB chunks gives the same decisions as a whole-file parse', () => {
  const file = tempLabelsFile();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const note = 'n'.repeat(380);
  const fd = fs.openSync(file, 'w');
  let batch = '';
  for (let i = 0; i < 100_000; i++) {
    batch += JSON.stringify({ id: `big${i % 30_000}`, decision: i % 7 === 0 ? 'exclude' : i % 7 === 1 ? 'keep' : 'flag', note, time: String(i) }) + '\n';
    if (i % 5 === 4) batch += JSON.stringify({ type: 'undo', id: `big${i % 30_000}`, time: String(i) }) + '\n';
    if (batch.length > 1 << 20) { fs.writeSync(fd, batch); batch = ''; }
  }
  fs.writeSync(fd, batch);
  fs.closeSync(fd);
  assert.ok(fs.statSync(file).size > 40e6);
  const reader = createLabelsReader(file, { chunkBytes: 64 * 1024 });
  const expected = excludedByHand(file);
  assert.deepEqual([...reader.excluded()].sort(), expected);
  const loaded = loadLabels(file, { chunkBytes: 64 * 1024 });
  assert.equal(loaded.history.length, 120_000);
  assert.deepEqual([...loaded.latest].filter(([, d]) => d.decision === 'exclude').map(([id]) => id).sort(), expected);
});

test('compact: fewer lines, the same decisions in force and the same undo results; corrupt lines saved aside', () => {
  clearLabelsCache();
  const file = tempLabelsFile();
  for (let round = 0; round < 5; round++) {
    for (let i = 0; i < 40; i++) appendLabel(file, { id: `c${i}`, decision: (i + round) % 3 === 0 ? 'exclude' : 'keep', note: `r${round}` });
    appendUndo(file, { id: `c${round}` });
  }
  fs.appendFileSync(file, '{"id": "corrupt", "decision": "maybe", "time": "t"}\n');
  appendLabel(file, { id: 'after-corrupt', decision: 'exclude' });
  const before = loadLabels(file);
  const excludedBefore = excludedByHand(file);
  const report = compactLabels(file);
  assert.equal(report.rejected, 1);
  assert.match(fs.readFileSync(report.rejectedFile!, 'utf8'), /"corrupt"/);
  assert.ok(report.linesAfter < report.linesBefore, `${report.linesAfter} < ${report.linesBefore}`);
  const after = loadLabels(file);
  assert.deepEqual(after.tornLines, []);
  assert.deepEqual(excludedByHand(file), excludedBefore);
  assert.deepEqual([...after.latest].map(([id, d]) => [id, d.decision, d.note]).sort(), [...before.latest].map(([id, d]) => [id, d.decision, d.note]).sort());
  // Undo goes back the same way on both.
  appendUndo(file, { id: 'c10' });
  const copy = `${file}.orig`;
  assert.equal(loadLabels(file).latest.get('c10')?.note, 'r3');
  // keepPerPrompt 1 keeps one line per prompt; the default 2 at most two, whatever the number of decisions.
  fs.copyFileSync(file, copy);
  const lean = compactLabels(copy, { keepPerPrompt: 1 });
  assert.equal(lean.linesAfter, loadLabels(copy).latest.size);
  assert.deepEqual(excludedByHand(copy), excludedByHand(file));
  const perPrompt = new Map<string, number>();
  for (const h of loadLabels(file).history) if (h.type !== 'undo') perPrompt.set(h.id, (perPrompt.get(h.id) ?? 0) + 1);
  assert.ok([...perPrompt.values()].every((n) => n <= 2), 'at most 2 lines per prompt after a default compaction');
});

test('acereason labels compact while a writer appends: no decision lost, the old file is replaced atomically', { timeout: 60_000 }, async () => {
  const file = tempLabelsFile();
  const workspace = path.dirname(path.dirname(file));
  for (let i = 0; i < 3000; i++) appendLabel(file, { id: `w${i % 500}`, decision: i % 2 ? 'exclude' : 'keep' });
  const storeModule = path.resolve(__dirname, '../../../src/core/labels/store.ts');
  const script = `const { appendLabel } = require(${JSON.stringify(storeModule)});
    for (let i = 0; i < 400; i++) appendLabel(${JSON.stringify(file)}, { id: 'live' + i, decision: 'exclude' });`;
  const writer = spawn(process.execPath, ['--import', 'tsx', '-e', script], { stdio: 'ignore' });
  const writerDone = new Promise<void>((resolve) => writer.once('exit', () => resolve()));
  const io = { stdout: new PassThrough(), stderr: new PassThrough(), stdin: new PassThrough(), isTTY: false, cwd: workspace };
  let runs = 0;
  let exited = false;
  writerDone.then(() => { exited = true; });
  // Compact repeatedly while the writer runs.
  while (!exited || runs === 0) {
    assert.equal(await runCli(['labels', 'compact'], io), 0);
    runs++;
    await new Promise((r) => setTimeout(r, 5));
  }
  await writerDone;
  clearLabelsCache();
  const live = [...excludedIds(file)].filter((id) => id.startsWith('live'));
  // A writer that opened the old file just before a rename can lose its line; the compaction copies
  // appended bytes until the file stops growing, so the count must be complete here.
  assert.equal(live.length, 400, `after ${runs} compactions`);
  assert.match(String(io.stdout.read()), /compacted .*labels\.jsonl: \d+ → \d+ lines/);
});
