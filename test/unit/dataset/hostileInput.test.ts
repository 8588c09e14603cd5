// Issue 17 items 9–11: input that never crashes a command and is never altered without a word, at the
// level a user meets it (`acereason curate`), through the one reader every command shares.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../../../src/cli/main';
import { loadDataset } from '../../../src/core/dataset/load';
import { DatasetError } from '../../../src/core/dataset/errors';
import { jsonDepth, MAX_JSON_DEPTH, parseJsonText } from '../../../src/core/dataset/jsonText';
import { captureIO } from '../../helpers/captureIO';

function workdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-'));
}

async function cli(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = captureIO({ cwd });
  const code = await runCli(args, io);
  return { code, stdout: io.out(), stderr: io.err() };
}

const row = (id: string, extra: Record<string, unknown> = {}) => JSON.stringify({ id, problem: `Find the number of divisors of ${id.length * 36} counting one and itself.`, answer: '9', ...extra });
const readJsonl = (file: string) => fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));

test('a line nested 5,000 deep is one skipped line with its reason; the rest of the file is curated', async () => {
  const dir = workdir();
  const deep = '{"id":"deep","problem":' + '['.repeat(5000) + ']'.repeat(5000) + ',"answer":"1"}';
  fs.writeFileSync(path.join(dir, 'in.jsonl'), [row('a'), deep, row('bb'), '{"id": "x", "problem": [[[[[[', row('ccc')].join('\n') + '\n');
  const r = await cli(['curate', '--domain', 'math', '--input', 'in.jsonl', '--out', 'out', '--steps', 'math-rules'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(readJsonl(path.join(dir, 'out', 'curated.jsonl')).map((x) => x.id), ['a', 'bb', 'ccc']);
  const skipped = readJsonl(path.join(dir, 'out', 'skipped.jsonl'));
  assert.deepEqual(skipped.map((s) => s.line), [2, 4]);
  assert.match(skipped[0].reason, new RegExp(`nested deeper than ${MAX_JSON_DEPTH} levels`));
  assert.match(skipped[1].reason, /not valid JSON/);
  assert.doesNotMatch(r.stderr, /Maximum call stack/);
});

test('depth is measured without recursion and ignores brackets inside strings', () => {
  assert.equal(jsonDepth('{"a": "[[[[{{{{", "b": [1, [2]]}').depth, 3);
  assert.equal(jsonDepth('"\\"[[["').depth, 0);
  assert.equal(jsonDepth('['.repeat(1_000_000)).depth, 1_000_000);
  assert.equal(parseJsonText('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH)).ok, true);
  assert.equal(parseJsonText('['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1)).ok, false);
});

test('every one of 2,190 malformed lines is listed in skipped.jsonl with file and line, and summarised on stderr', async () => {
  const dir = workdir();
  const lines: string[] = [];
  const bad = new Set<number>();
  for (let i = 1; bad.size < 2190 || i <= 3000; i++) {
    const kind = i % 11;
    if (kind < 8 && bad.size < 2190) {
      bad.add(i);
      lines.push([`{"id": "t${i}", "problem": `, `[1, ${i}]`, JSON.stringify({ id: `m${i}`, problem: `Problem ${i} with no answer at all here.` }), 'null', `{"id": "n${i}", "problem": 5, "answer": "1"}`, '"just a string"', `{bad json ${i}}`, '12'][kind]);
    } else lines.push(row(`ok${i}`));
  }
  fs.writeFileSync(path.join(dir, 'in.jsonl'), lines.join('\n') + '\n');
  const r = await cli(['curate', '--domain', 'math', '--input', 'in.jsonl', '--out', 'out', '--steps', 'math-rules'], dir);
  assert.equal(r.code, 0, r.stderr);
  const skipped = readJsonl(path.join(dir, 'out', 'skipped.jsonl'));
  assert.equal(skipped.length, 2190);
  assert.deepEqual(new Set(skipped.map((s) => s.line)), bad);
  for (const s of skipped) {
    assert.equal(s.file, path.join(dir, 'in.jsonl'));
    assert.ok(typeof s.reason === 'string' && s.reason.length > 0);
  }
  assert.ok(skipped.some((s) => s.field === 'answer') && skipped.some((s) => s.field === 'problem'));
  assert.match(r.stderr, new RegExp(`skipped 2190 of ${lines.length} input line\\(s\\), all listed in .*skipped\\.jsonl`));
  assert.match(r.stderr, /field 'answer': missing/);
});

test('invalid UTF-8 is kept with a warning per line; ids beyond 2^53 stay exact; a BOM does not break line 1', async () => {
  const dir = workdir();
  const file = path.join(dir, 'in.jsonl');
  const latin1 = Buffer.from(`{"id": "cafe", "problem": "Find the value of caf\xe9 plus one when caf\xe9 is two.", "answer": "3"}`, 'latin1');
  fs.writeFileSync(file, Buffer.concat([
    Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(row('first') + '\n'),
    latin1, Buffer.from('\n'),
    Buffer.from('{"id": 12345678901234567890, "problem": "Find the remainder of 2 to the tenth power modulo 7.", "answer": "2"}\n'),
    Buffer.from('{"id": 12345678901234567891, "problem": "Find the remainder of 3 to the tenth power modulo 7.", "answer": 18446744073709551617}\r\n'),
  ]));
  const loaded = await loadDataset([file], { domain: 'math' });
  assert.deepEqual(loaded.skipped, []);
  assert.deepEqual(loaded.records.map((r) => r.id), ['first', 'cafe', '12345678901234567890', '12345678901234567891']);
  assert.equal((loaded.records[3] as { answer: string }).answer, '18446744073709551617');
  assert.equal(loaded.warnings.length, 1);
  assert.deepEqual([loaded.warnings[0].line, loaded.warnings[0].file], [2, file]);
  assert.match(loaded.warnings[0].error, /invalid UTF-8: 2 byte sequence\(s\) replaced by U\+FFFD/);
});

test('a Parquet file with a damaged data page is one file-level error naming the file', async () => {
  const { parquetWriteBuffer } = await import('hyparquet-writer');
  const dir = workdir();
  const problems = Array.from({ length: 50 }, (_, i) => `Compute ${i} times ${i + 1} and give the product please.`);
  const good = Buffer.from(parquetWriteBuffer({ columnData: [{ name: 'problem', data: problems, type: 'STRING' }, { name: 'answer', data: problems.map((_, i) => String(i)), type: 'STRING' }], rowGroupSize: 20 }));
  const damaged = Buffer.from(good);
  damaged.fill(0xff, 400, 416); // inside the second row group's first page
  const file = path.join(dir, 'set.parquet');
  fs.writeFileSync(file, damaged);
  await assert.rejects(loadDataset([file], { domain: 'math' }), (e: Error) => e instanceof DatasetError && /set\.parquet: row group 2 \(rows 21–40\) cannot be decoded/.test(e.message));
  const r = await cli(['curate', '--domain', 'math', '--input', 'set.parquet', '--out', 'out'], dir);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^acereason curate: .*set\.parquet: row group 2/);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
});

test('curated.jsonl feeds curate again as it is: our own layout keeps fnName, starterCode and meta', async () => {
  const dir = workdir();
  const file = path.join(dir, 'curated.jsonl');
  fs.writeFileSync(file, JSON.stringify({ domain: 'code', id: 'lc-1', source: 'leetcode', problem: 'Return the sum of the two integers a and b given as input.', format: 'functional', fnName: 'add', starterCode: 'class Solution:\n    def add(self, a, b):\n', tests: [{ input: '1\n2', output: '3' }], meta: { difficulty: 'easy' } }) + '\n' +
    JSON.stringify({ domain: 'code', id: 'lc-2', source: 'leetcode', problem: 'Broken row: functional without a name of the function.', format: 'functional', tests: [{ input: '1', output: '1' }] }) + '\n');
  const loaded = await loadDataset([file], { domain: 'code' });
  assert.equal(loaded.presetByFile[file], 'acereason-code');
  assert.deepEqual(loaded.records.map((r) => [r.id, (r as { fnName?: string }).fnName, (r as { starterCode?: string }).starterCode, r.meta]), [['lc-1', 'add', 'class Solution:\n    def add(self, a, b):\n', { difficulty: 'easy' }]]);
  assert.deepEqual(loaded.skipped.map((s) => [s.line, s.field]), [[2, 'fnName']]);
});

test('a Parquet page that sends the decoder into a loop is stopped and named, not a hung command', { timeout: 60_000 }, async () => {
  // Found by the fuzz suite (FUZZ_SEED=4): a byte flip in a data page header; hyparquet loops on it.
  const file = path.join(__dirname, 'fixtures', 'looping-page.parquet');
  const before = process.env.ACEREASON_PARQUET_GROUP_TIMEOUT_S;
  process.env.ACEREASON_PARQUET_GROUP_TIMEOUT_S = '2';
  try {
    await assert.rejects(loadDataset([file], { domain: 'math' }), (e: Error) => e instanceof DatasetError && /looping-page\.parquet: row group 1 did not decode within 2 s \(a damaged data page\?\)/.test(e.message));
  } finally {
    if (before === undefined) delete process.env.ACEREASON_PARQUET_GROUP_TIMEOUT_S;
    else process.env.ACEREASON_PARQUET_GROUP_TIMEOUT_S = before;
  }
});
