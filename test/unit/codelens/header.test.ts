import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatSolutionHeader, parseSolutionHeader } from '../../../src/core/codelens/header';

test('parses the Python, JavaScript and HTML-comment forms', () => {
  const expected = { kind: 'ok', header: { problemId: 'rllm-leetcode-test-0000', dataset: 'data/code/problems.jsonl' } };
  assert.deepEqual(parseSolutionHeader('# acereason: problem=rllm-leetcode-test-0000 dataset=data/code/problems.jsonl'), expected);
  assert.deepEqual(parseSolutionHeader('// acereason: problem=rllm-leetcode-test-0000 dataset=data/code/problems.jsonl'), expected);
  assert.deepEqual(parseSolutionHeader('<!-- acereason: problem=rllm-leetcode-test-0000 dataset=data/code/problems.jsonl -->'), expected);
  assert.deepEqual(parseSolutionHeader('\uFEFF#acereason:  dataset=data/code/problems.jsonl   problem=rllm-leetcode-test-0000  '), expected);
});

test('quoted values keep spaces and escapes', () => {
  const r = parseSolutionHeader('# acereason: problem="two sum \\"v2\\"" dataset="/data/my sets/code.jsonl"');
  assert.deepEqual(r, { kind: 'ok', header: { problemId: 'two sum "v2"', dataset: '/data/my sets/code.jsonl' } });
});

test('formatting and parsing round-trip, quoting only when needed', () => {
  for (const h of [{ problemId: 'p-1', dataset: '/abs/x.jsonl' }, { problemId: 'a b', dataset: 'dir with space/y "q".jsonl' }, { problemId: 'back\\slash', dataset: 'z.jsonl' }]) {
    for (const c of ['#', '//'] as const) {
      assert.deepEqual(parseSolutionHeader(formatSolutionHeader(h, c)), { kind: 'ok', header: h });
    }
  }
  assert.equal(formatSolutionHeader({ problemId: 'p-1', dataset: 'd.jsonl' }), '# acereason: problem=p-1 dataset=d.jsonl');
});

test('a first line that is not a header is none; a broken header says what is wrong', () => {
  assert.deepEqual(parseSolutionHeader('import sys'), { kind: 'none' });
  assert.deepEqual(parseSolutionHeader('# just a comment about acereason'), { kind: 'none' });
  const cases: [string, RegExp][] = [
    ['# acereason: problem=p1', /missing dataset=<path>/],
    ['# acereason: dataset=d.jsonl', /missing problem=<id>/],
    ['# acereason: problem=p1 dataset=d.jsonl lang=py', /unknown field 'lang'/],
    ['# acereason: problem=p1 problem=p2 dataset=d', /'problem' given twice/],
    ['# acereason: problem="p1 dataset=d', /unterminated quote in 'problem'/],
    ['# acereason: problem p1', /expected key=value at column 1/],
  ];
  for (const [line, error] of cases) {
    const r = parseSolutionHeader(line);
    assert.equal(r.kind, 'invalid', line);
    assert.match((r as { error: string }).error, error, line);
  }
});

test('one writer, one reader: spaces, quotes, Unicode, Windows paths and comment closers round-trip in every form', () => {
  const cases = [
    { problemId: 'two sum', dataset: '/home/u/My Project/data/code.jsonl' },
    { problemId: 'say "hi"', dataset: "/data/it's \"quoted\".jsonl" },
    { problemId: 'Aufgabe-ß-数学-🙂', dataset: '/données/ensemble de test/é.jsonl' },
    { problemId: 'p1', dataset: 'C:\\Users\\Ana\\My Runs\\data\\code.jsonl' },
    { problemId: 'p2', dataset: '\\\\server\\share\\set.jsonl' },
    { problemId: 'a-->b', dataset: 'x --> y.jsonl' },
    { problemId: 'trailing\\', dataset: 'dir\\' },
  ];
  for (const h of cases) {
    for (const c of ['#', '//', '<!--'] as const) {
      const line = formatSolutionHeader(h, c);
      assert.deepEqual(parseSolutionHeader(line), { kind: 'ok', header: h }, line);
    }
  }
  assert.equal(formatSolutionHeader({ problemId: 'p', dataset: 'd' }, '<!--'), '<!-- acereason: problem=p dataset=d -->');
});

test('a hand-written quoted Windows path means what it says; %20 is not an encoding', () => {
  assert.deepEqual(parseSolutionHeader('# acereason: problem=p dataset="C:\\My Files\\set.jsonl"'),
    { kind: 'ok', header: { problemId: 'p', dataset: 'C:\\My Files\\set.jsonl' } });
  assert.deepEqual(parseSolutionHeader('# acereason: problem=p dataset=C:\\data\\set.jsonl'),
    { kind: 'ok', header: { problemId: 'p', dataset: 'C:\\data\\set.jsonl' } });
});

test('an id with a line break cannot be written into a one-line header', () => {
  assert.throws(() => formatSolutionHeader({ problemId: 'a\nb', dataset: 'd' }), /problem with a line break/);
});
