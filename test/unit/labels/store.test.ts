import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { appendLabel, appendLabels, appendUndo, clearLabelsCache, excludedIds, latestLabels, loadLabels } from '../../../src/core/labels/store';

function tempLabelsFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labels-'));
  return path.join(dir, '.acereason', 'labels.jsonl');
}

test('a missing file is an empty store', () => {
  const file = tempLabelsFile();
  const loaded = loadLabels(file);
  assert.equal(loaded.latest.size, 0);
  assert.equal(loaded.tornLines.length, 0);
  assert.equal(excludedIds(file).size, 0);
});

test('latest decision per prompt wins and every decision stays in the history', () => {
  const file = tempLabelsFile();
  appendLabel(file, { id: 'a', decision: 'exclude', time: '2026-01-01T00:00:00Z' });
  appendLabel(file, { id: 'b', decision: 'flag', note: 'ambiguous', time: '2026-01-01T00:00:01Z' });
  appendLabel(file, { id: 'a', decision: 'keep', time: '2026-01-01T00:00:02Z' });
  const loaded = loadLabels(file);
  assert.equal(loaded.latest.get('a')?.decision, 'keep');
  assert.equal(loaded.latest.get('b')?.decision, 'flag');
  assert.equal(loaded.latest.get('b')?.note, 'ambiguous');
  assert.equal(loaded.history.length, 3);
  assert.deepEqual([...excludedIds(file)], []);
  assert.equal(fs.readFileSync(file, 'utf8').trim().split('\n').length, 3, 'one line per decision');
});

test('undo reverts a prompt to its previous decision, and to no decision after its first', () => {
  const file = tempLabelsFile();
  appendLabel(file, { id: 'p', decision: 'flag' });
  appendLabel(file, { id: 'p', decision: 'exclude' });
  assert.ok(excludedIds(file).has('p'));
  appendUndo(file, { id: 'p' });
  assert.equal(loadLabels(file).latest.get('p')?.decision, 'flag');
  assert.ok(!excludedIds(file).has('p'));
  appendUndo(file, { id: 'p' });
  assert.equal(loadLabels(file).latest.has('p'), false);
  assert.equal(latestLabels(file).has('p'), false);
  // An undo with nothing to undo is harmless.
  appendUndo(file, { id: 'p' });
  appendLabel(file, { id: 'p', decision: 'exclude' });
  assert.ok(excludedIds(file).has('p'));
});

test('a torn last line (crash mid-write) is ignored and reported; earlier decisions survive; later appends are read', () => {
  const file = tempLabelsFile();
  appendLabel(file, { id: 'x1', decision: 'exclude' });
  appendLabel(file, { id: 'x2', decision: 'exclude' });
  appendLabel(file, { id: 'x3', decision: 'exclude' });
  assert.equal(excludedIds(file).size, 3); // warms the incremental cache
  // Simulate a crash while writing x3's line: cut the file in the middle of its last line.
  const text = fs.readFileSync(file, 'utf8');
  const lastStart = text.lastIndexOf('\n', text.length - 2) + 1;
  fs.truncateSync(file, lastStart + 10);
  const loaded = loadLabels(file);
  assert.deepEqual([...loaded.latest.keys()].sort(), ['x1', 'x2']);
  assert.equal(loaded.tornLines.length, 1);
  assert.equal(loaded.tornLines[0].line, 3);
  assert.match(loaded.tornLines[0].error, /torn|JSON/);
  assert.deepEqual([...excludedIds(file)].sort(), ['x1', 'x2'], 'cache notices the shrunk file');

  appendLabel(file, { id: 'x4', decision: 'exclude' });
  const after = loadLabels(file);
  assert.deepEqual([...after.latest.keys()].sort(), ['x1', 'x2', 'x4']);
  assert.equal(after.tornLines.length, 1, 'the torn line stays reported, alone');
  assert.equal(after.tornLines[0].line, 3);
  assert.deepEqual([...excludedIds(file)].sort(), ['x1', 'x2', 'x4']);
});

test('a corrupt line in the middle is reported with its line number and field, the rest is read', () => {
  const file = tempLabelsFile();
  appendLabel(file, { id: 'ok1', decision: 'keep' });
  fs.appendFileSync(file, JSON.stringify({ id: 'bad', decision: 'maybe', time: 't' }) + '\n');
  appendLabel(file, { id: 'ok2', decision: 'exclude' });
  const loaded = loadLabels(file);
  assert.deepEqual([...loaded.latest.keys()].sort(), ['ok1', 'ok2']);
  assert.equal(loaded.tornLines.length, 1);
  assert.equal(loaded.tornLines[0].line, 2);
  assert.match(loaded.tornLines[0].error, /decision/);
});

test('appendLabel refuses bad input, naming the field', () => {
  const file = tempLabelsFile();
  assert.throws(() => appendLabel(file, { id: '', decision: 'keep' }), /field 'id'/);
  assert.throws(() => appendLabel(file, { id: 'a', decision: 'drop' as never }), /field 'decision'/);
  assert.equal(fs.existsSync(file), false);
});

test('excludedIds follows appends incrementally and a replaced file from scratch', () => {
  const file = tempLabelsFile();
  clearLabelsCache();
  appendLabel(file, { id: 'e1', decision: 'exclude' });
  const first = excludedIds(file);
  assert.equal(excludedIds(file), first, 'unchanged file returns the cached set');
  appendLabel(file, { id: 'e2', decision: 'exclude' });
  assert.deepEqual([...excludedIds(file)].sort(), ['e1', 'e2']);
  // Replace the file atomically with different content (a new inode).
  const tmp = file + '.tmp';
  fs.writeFileSync(tmp, JSON.stringify({ id: 'z', decision: 'exclude', time: 't' }) + '\n');
  fs.renameSync(tmp, file);
  assert.deepEqual([...excludedIds(file)], ['z']);
});

test('appends from two processes at once never interleave', async () => {
  const file = tempLabelsFile();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const perProcess = 300;
  const storeModule = path.resolve('src/core/labels/store.ts');
  const script = `
    const store = await import(${JSON.stringify(storeModule)});
    const appendLabel = store.appendLabel ?? store.default.appendLabel;
    const who = process.argv[1];
    const note = who.repeat(2000); // long lines make interleaving visible if it happened
    for (let i = 0; i < ${perProcess}; i++) appendLabel(${JSON.stringify(file)}, { id: who + '-' + i, decision: i % 2 ? 'exclude' : 'keep', note, by: who });
  `;
  const runWriter = (who: string) =>
    new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, who], { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr.on('data', (d) => (err += d));
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`writer ${who} exited ${code}: ${err}`))));
    });
  await Promise.all([runWriter('A'), runWriter('B')]);
  const loaded = loadLabels(file);
  assert.deepEqual(loaded.tornLines, []);
  assert.equal(loaded.history.length, 2 * perProcess);
  assert.equal(loaded.latest.size, 2 * perProcess);
  for (const entry of loaded.history) {
    assert.equal(entry.type === 'undo' ? '' : entry.note, entry.id[0].repeat(2000));
  }
  assert.equal(excludedIds(file).size, perProcess);
});

test('appendLabels writes a bulk action in one go, and refuses the whole batch if one decision is invalid', () => {
  const file = tempLabelsFile();
  appendLabel(file, { id: 'solo', decision: 'flag' });
  fs.appendFileSync(file, '{"id": "torn", "deci'); // a crash left a torn line
  const written = appendLabels(file, [{ id: 'b1', decision: 'exclude' }, { id: 'b2', decision: 'exclude', note: 'same source' }]);
  assert.equal(written.length, 2);
  assert.equal(written[0].time, written[1].time, 'one action, one time');
  const loaded = loadLabels(file);
  assert.deepEqual([...loaded.latest.keys()].sort(), ['b1', 'b2', 'solo']);
  assert.deepEqual(loaded.tornLines.map((t) => t.line), [2]);
  assert.throws(() => appendLabels(file, [{ id: 'ok', decision: 'keep' }, { id: 'bad', decision: 'nope' as never }]), /decision 2 of 2 \(id "bad"\).*field 'decision'/);
  assert.equal(loadLabels(file).latest.has('ok'), false);
});
