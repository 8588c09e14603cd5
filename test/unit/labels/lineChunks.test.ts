// The chunked line reader behind labels.jsonl: every split of lines across chunk boundaries gives the
// same lines as String.split, an unterminated tail is returned, not applied, and an oversized line
// is skipped without being held in memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readLineRange } from '../../../src/core/labels/lineChunks';

function withFile(text: string | Buffer, fn: (fd: number, size: number) => void): void {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'chunks-')), 'f');
  fs.writeFileSync(file, text);
  const fd = fs.openSync(file, 'r');
  try { fn(fd, fs.fstatSync(fd).size); } finally { fs.closeSync(fd); }
}

test('every chunk size from 1 byte up yields the lines String.split does, and the same tail', () => {
  const text = 'alpha\n\nbeta gamma\n{"id":"é≠😀"}\nlast-unterminated';
  const expected = text.split('\n');
  const tail = expected.pop()!;
  for (let chunk = 1; chunk <= text.length + 2; chunk++) {
    withFile(text, (fd, size) => {
      const lines: string[] = [];
      const r = readLineRange(fd, 0, size, (l) => lines.push(l.toString('utf8')), { chunkBytes: chunk });
      assert.deepEqual(lines, expected, `chunk ${chunk}`);
      assert.equal(r.tail.toString('utf8'), tail);
      assert.equal(r.endOfLastLine, Buffer.byteLength(text) - Buffer.byteLength(tail));
    });
  }
});

test('a range starting mid-file reports offsets in file coordinates; an empty range reads nothing', () => {
  withFile('aaa\nbbb\nccc\n', (fd, size) => {
    const lines: string[] = [];
    const r = readLineRange(fd, 4, size, (l) => lines.push(l.toString()), { chunkBytes: 3 });
    assert.deepEqual(lines, ['bbb', 'ccc']);
    assert.equal(r.endOfLastLine, 12);
    const none = readLineRange(fd, size, size, () => assert.fail('no line'));
    assert.equal(none.endOfLastLine, size);
    assert.equal(none.tail.length, 0);
  });
});

test('a line longer than the limit is reported as oversized (empty), the next line is read normally', () => {
  const big = 'x'.repeat(5000);
  withFile(`short\n${big}\nafter\n${big}`, (fd, size) => {
    const got: [string, boolean][] = [];
    const r = readLineRange(fd, 0, size, (l, over) => got.push([l.toString(), over]), { chunkBytes: 64, maxLineBytes: 1000 });
    assert.deepEqual(got, [['short', false], ['', true], ['after', false]]);
    assert.equal(r.tailOversized, true);
    assert.equal(r.tail.length, 0);
  });
});
