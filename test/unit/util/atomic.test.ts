import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { appendJsonLine, publishDirAtomic, readJsonLines, writeJsonAtomic } from '../../../src/core/util/atomic';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-'));

test('publishDirAtomic replaces a directory whole, and a failed build leaves the old one and no temp dir', () => {
  const dir = tmp();
  const target = path.join(dir, 'ckpt');
  publishDirAtomic(target, (t) => fs.writeFileSync(path.join(t, 'a.txt'), 'one'));
  publishDirAtomic(target, (t) => fs.writeFileSync(path.join(t, 'b.txt'), 'two'));
  assert.deepEqual(fs.readdirSync(target), ['b.txt']);
  assert.throws(() => publishDirAtomic(target, (t) => { fs.writeFileSync(path.join(t, 'c.txt'), 'x'); throw new Error('disk full'); }), /disk full/);
  assert.deepEqual(fs.readdirSync(target), ['b.txt']);
  assert.deepEqual(fs.readdirSync(dir), ['ckpt'], 'no .tmp-* or .old-* left beside it');
  fs.rmSync(dir, { recursive: true, force: true });
});

test('appendJsonLine starts a fresh line after a torn one; readJsonLines reports the torn line', () => {
  const dir = tmp();
  const file = path.join(dir, 'log.jsonl');
  appendJsonLine(file, { a: 1 });
  fs.appendFileSync(file, '{"a": 2, "tor');
  appendJsonLine(file, { a: 3 });
  const r = readJsonLines<{ a: number }>(file);
  assert.deepEqual(r.records.map((x) => x.a), [1, 3]);
  assert.equal(r.badLines.length, 1);
  assert.equal(r.badLines[0].line, 2);
  writeJsonAtomic(path.join(dir, 'x.json'), { ok: true });
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(dir, 'x.json'), 'utf8')), { ok: true });
  assert.deepEqual(fs.readdirSync(dir).sort(), ['log.jsonl', 'x.json']);
  fs.rmSync(dir, { recursive: true, force: true });
});
