import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadDataset } from '../../../src/core/dataset/load';
import { readRawRows } from '../../../src/core/dataset/rawRows';
import { DatasetError } from '../../../src/core/dataset/errors';
import { parseFieldMapping } from '../../../src/core/dataset/fieldMapping';
import type { CodeRecord, MathRecord } from '../../../src/core/dataset/records';

const DATA = '/work/shared/data';

function tempFile(name: string, content: string | Uint8Array): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dataset-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

const jsonl = (rows: unknown[]) => rows.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n';

test('JSONL: bad lines are reported with file, line and field, and skipped; good lines load', async () => {
  const file = tempFile('mixed.jsonl', jsonl([
    { id: 'a', problem: 'What is one plus one, written as a number?', answer: '2' },
    '{"id": "torn", "problem": "half a li',
    { id: 'b', problem: 'No answer here at all' },
    '[1, 2]',
    '',
    { id: 'c', problem: 'Compute the sum of the first ten positive integers.', answer: 55 },
    { id: 'd', problem: 42, answer: '1' },
  ]));
  const loaded = await loadDataset([file], { domain: 'math', preset: 'math-answer' });
  assert.deepEqual(loaded.records.map((r) => r.id), ['a', 'c']);
  assert.equal((loaded.records[1] as MathRecord).answer, '55');
  assert.deepEqual(
    loaded.skipped.map((s) => [s.line, s.field]),
    [[2, undefined], [3, 'answer'], [4, undefined], [7, 'problem']],
  );
  assert.match(loaded.skipped[0].error, /not valid JSON/);
  assert.match(loaded.skipped[2].error, /expected a JSON object, got an array/);
  assert.match(loaded.skipped[3].error, /expected a string, got number/);
  assert.equal(loaded.skipped[1].file, file);
  assert.equal(loaded.rowsRead, 6, 'blank lines are not rows');
});

test('JSON arrays are read with 1-based row numbers', async () => {
  const file = tempFile('arr.json', JSON.stringify([{ problem: 'Find x if x + 1 = 3 holds.', answer: '2' }, 'oops']));
  const loaded = await loadDataset([file], { domain: 'math' });
  assert.equal(loaded.records.length, 1);
  assert.equal(loaded.records[0].id, 'arr-1', 'fallback id is <file>-<row>');
  assert.deepEqual([loaded.skipped[0].line, loaded.skipped[0].unit], [2, 'row']);
});

test('a .json file holding JSON Lines is read as JSONL', async () => {
  const file = tempFile('lines.json', jsonl([{ problem: 'Find x if x + 1 = 3 holds.', answer: '2' }]));
  const loaded = await loadDataset([file], { domain: 'math' });
  assert.equal(loaded.records.length, 1);
});

test('Parquet files are read row group by row group (hyparquet)', async () => {
  const { parquetWriteBuffer } = await import('hyparquet-writer');
  const problems = Array.from({ length: 25 }, (_, i) => `Compute ${i} plus ${i} and give the result as an integer.`);
  const buffer = parquetWriteBuffer({
    columnData: [
      { name: 'problem', data: problems, type: 'STRING' },
      { name: 'answer', data: problems.map((_, i) => String(2 * i)), type: 'STRING' },
      { name: 'level', data: problems.map((_, i) => BigInt(i)), type: 'INT64' },
    ],
    rowGroupSize: 10,
  });
  const file = tempFile('set.parquet', new Uint8Array(buffer));
  const rows = [];
  for await (const r of readRawRows(file)) rows.push(r);
  assert.equal(rows.length, 25);
  const loaded = await loadDataset([file], { domain: 'math' });
  assert.equal(loaded.records.length, 25);
  assert.equal(loaded.presetByFile[file], 'math-answer');
  const last = loaded.records[24] as MathRecord;
  assert.equal(last.answer, '48');
  assert.equal(last.id, 'set-25');
  assert.equal(last.meta?.level, 24, 'INT64 becomes a JSON number');
});

test('unknown extension and an unreadable Parquet file are clear errors', async () => {
  await assert.rejects(loadDataset([tempFile('x.csv', 'a,b\n')], { domain: 'math' }), /unknown file type '.csv'/);
  await assert.rejects(loadDataset([tempFile('x.parquet', 'not parquet')], { domain: 'math' }), (e) => e instanceof DatasetError && /not a readable Parquet file/.test(e.message));
});

test('math-solution preset takes the last \\boxed{} of the solution as the answer', async () => {
  const file = tempFile('numina.jsonl', jsonl([
    { problem: 'Find the value of the fraction one half plus one third.', solution: 'First \\boxed{1}. Then $\\frac12+\\frac13=\\boxed{\\frac{5}{6}}$.' },
    { problem: 'A problem whose solution lacks a boxed answer at the end.', solution: 'It is 3.' },
  ]));
  const loaded = await loadDataset([file], { domain: 'math' });
  assert.equal(loaded.presetByFile[file], 'math-solution');
  assert.equal((loaded.records[0] as MathRecord).answer, '\\frac{5}{6}');
  assert.equal(loaded.skipped[0].field, 'solution');
  assert.equal(loaded.skipped[0].line, 2);
});

test('a user field mapping maps unknown layouts, and a missing mapped field names the source', async () => {
  const file = tempFile('custom.jsonl', jsonl([
    { qid: 7, question: 'What is six times seven, as a number?', final: { value: '42' } },
    { qid: 8, question: 'What is six times eight, as a number?' },
  ]));
  await assert.rejects(loadDataset([file], { domain: 'math' }), /no math preset fits .*fields: qid, question, final.*--map/s);
  const mapping = parseFieldMapping('answer=final.value,id=qid');
  const loaded = await loadDataset([file], { domain: 'math', mapping });
  assert.deepEqual(loaded.records.map((r) => [r.id, (r as MathRecord).answer]), [['7', '42']]);
  assert.deepEqual([loaded.skipped[0].line, loaded.skipped[0].field], [2, 'final.value']);
  assert.throws(() => parseFieldMapping('answer'), /not of the form/);
});

test('preset override is honoured and checked against the domain', async () => {
  const file = tempFile('m.jsonl', jsonl([{ problem: 'Find x if x + 1 = 3 holds.', answer: '2', solution: 'so \\boxed{7}' }]));
  const byAnswer = await loadDataset([file], { domain: 'math' });
  assert.equal((byAnswer.records[0] as MathRecord).answer, '2');
  const bySolution = await loadDataset([file], { domain: 'math', preset: 'math-solution' });
  assert.equal((bySolution.records[0] as MathRecord).answer, '7');
  await assert.rejects(loadDataset([file], { domain: 'math', preset: 'apps' }), /preset 'apps' is for code/);
  await assert.rejects(loadDataset([file], { domain: 'math', preset: 'nope' }), /unknown preset 'nope'/);
});

test('APPS/TACO input_output JSON strings map onto stdin and function-call tests', async () => {
  const file = tempFile('apps.jsonl', jsonl([
    { problem_id: 1, question: 'Read two ints and print their sum.', input_output: JSON.stringify({ inputs: ['1 2\n', ['3 4', '']], outputs: ['3\n', ['7']] }), solutions: JSON.stringify(['a,b=map(int,input().split());print(a+b)']) },
    { problem_id: 2, question: 'Return the sum of a list.', starter_code: 'def total(xs):', input_output: JSON.stringify({ fn_name: 'total', inputs: [[[1, 2, 3]], [[]]], outputs: [6, 0] }) },
    { problem_id: 3, question: 'Broken tests.', input_output: '{"inputs": [1' },
  ]));
  const loaded = await loadDataset([file], { domain: 'code' });
  assert.equal(loaded.presetByFile[file], 'apps');
  const [stdin, fn] = loaded.records as CodeRecord[];
  assert.equal(stdin.format, 'stdin');
  assert.deepEqual(stdin.tests, [{ input: '1 2\n', output: '3\n' }, { input: '3 4\n', output: '7' }]);
  assert.deepEqual(stdin.solutions, ['a,b=map(int,input().split());print(a+b)']);
  assert.equal(fn.format, 'functional');
  assert.equal(fn.fnName, 'total');
  assert.deepEqual(fn.tests, [{ input: '[1,2,3]', output: '6' }, { input: '[]', output: '0' }]);
  assert.deepEqual([loaded.skipped[0].line, loaded.skipped[0].field], [3, 'input_output']);
});

test('LiveCodeBench rows map with func_name from metadata and the contest date', async () => {
  const file = tempFile('lcb.jsonl', jsonl([
    {
      question_id: 'abc1', question_content: 'Given nums, return the max.', platform: 'leetcode', contest_date: '2024-09-01T00:00:00',
      starter_code: 'class Solution:\n    def maxOf(self, nums):', public_test_cases: JSON.stringify([{ input: '[1, 5, 2]', output: '5', testtype: 'functional' }]),
      private_test_cases: 'eJzLSM3JyVcozy/KSQEAGgQEXQ==', metadata: JSON.stringify({ func_name: 'maxOf' }),
    },
  ]));
  const loaded = await loadDataset([file], { domain: 'code' });
  const r = loaded.records[0] as CodeRecord;
  assert.equal(loaded.presetByFile[file], 'livecodebench');
  assert.deepEqual([r.id, r.format, r.fnName, r.date, r.source], ['abc1', 'functional', 'maxOf', '2024-09-01', 'leetcode']);
  assert.deepEqual(r.tests, [{ input: '[1, 5, 2]', output: '5' }]);
  assert.equal(r.meta?.privateTestsSkipped, true);
});

test('code-functional preset requires fn_name; code-tests reads tests in both list shapes', async () => {
  const file = tempFile('cc.jsonl', jsonl([
    { id: 'x', question: 'Echo the input.', tests: { inputs: ['a\n'], outputs: ['a\n'] } },
  ]));
  const auto = await loadDataset([file], { domain: 'code' });
  assert.deepEqual((auto.records[0] as CodeRecord).tests, [{ input: 'a\n', output: 'a\n' }]);
  const forced = await loadDataset([file], { domain: 'code', preset: 'code-functional' });
  assert.equal(forced.records.length, 0);
  assert.deepEqual([forced.skipped[0].line, forced.skipped[0].field], [1, 'fn_name']);
});

test('duplicate ids are made unique, keeping the original in meta', async () => {
  const file = tempFile('dup.jsonl', jsonl([
    { id: 'same', problem: 'First problem about apples and oranges.', answer: '1' },
    { id: 'same', problem: 'Second problem about pears and plums.', answer: '2' },
  ]));
  const loaded = await loadDataset([file], { domain: 'math' });
  assert.deepEqual(loaded.records.map((r) => r.id), ['same', 'same@dup:2']);
  assert.equal(loaded.records[1].meta?.originalId, 'same');
});

test('real data: code/problems.jsonl loads all 773 rows with the right formats', async () => {
  const file = path.join(DATA, 'code/problems.jsonl');
  const loaded = await loadDataset([file], { domain: 'code' });
  assert.equal(loaded.skipped.length, 0);
  assert.equal(loaded.records.length, 773);
  const code = loaded.records as CodeRecord[];
  const leetcode = code.filter((r) => r.id.startsWith('rllm-leetcode-test-'));
  assert.equal(leetcode.length, 200);
  assert.ok(leetcode.every((r) => r.format === 'functional' && !!r.fnName && !!r.starterCode && r.solutions?.length === 1));
  const stdin = code.filter((r) => !r.id.startsWith('rllm-leetcode-test-'));
  assert.equal(stdin.length, 573);
  assert.ok(stdin.every((r) => r.format === 'stdin' && r.fnName === undefined));
  assert.equal(code.reduce((n, r) => n + r.tests.length, 0), 492 + 468 + 1837, 'every test of the README is read');
  const first = leetcode[0];
  assert.equal(first.fnName, 'minOperations');
  assert.deepEqual(first.tests[0], { input: '[3, 1, 5, 4, 2]\n2', output: '4' });
  assert.ok(stdin.some((r) => r.timeLimitS === 1));
});

test('real data: math/deepscaler.jsonl loads all 8,938 rows with the math-answer preset', async () => {
  const loaded = await loadDataset([path.join(DATA, 'math/deepscaler.jsonl')], { domain: 'math' });
  assert.equal(loaded.records.length, 8938);
  assert.equal(loaded.skipped.length, 0);
  assert.equal(new Set(loaded.records.map((r) => r.id)).size, 8938);
  const first = loaded.records[0] as MathRecord;
  assert.equal(first.id, 'deepscaler-subset-0000');
  assert.equal(first.answer, '-\\frac{2}{3}');
  assert.ok(first.solution);
});
