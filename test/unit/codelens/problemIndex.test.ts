import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ProblemIndex, ProblemLookupError, resolveDatasetPath } from '../../../src/core/codelens/problemIndex';
import { sharedData } from '../../helpers/sharedData';

const PROBLEMS = sharedData('code/problems.jsonl');

test('finds a problem of the real code set by id, with its tests and function name', async () => {
  const index = new ProblemIndex();
  assert.equal(index.peek(PROBLEMS, 'rllm-leetcode-test-0000'), undefined, 'nothing is read before a load');
  const r = await index.get(PROBLEMS, 'rllm-leetcode-test-0000');
  assert.equal(r.format, 'functional');
  assert.equal(r.fnName, 'minOperations');
  assert.deepEqual(r.tests[0], { input: '[3, 1, 5, 4, 2]\n2', output: '4' });
  assert.equal(index.peek(PROBLEMS, 'rllm-leetcode-test-0000')?.tests.length, r.tests.length);
  const stdin = await index.get(PROBLEMS, 'rllm-codeforces-test-0000');
  assert.equal(stdin.format, 'stdin');
  assert.equal(index.peek(PROBLEMS, 'no-such-id'), null);
  await assert.rejects(index.get(PROBLEMS, 'no-such-id'), (e: Error) => e instanceof ProblemLookupError && /'no-such-id' is not in .*problems\.jsonl \(773 code problems there\)/.test(e.message));
});

test('our CodeRecord layout works, and an edited file is read again', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'acereason-lens-'));
  const file = path.join(dir, 'curated.jsonl');
  const record = (id: string, n: number) => JSON.stringify({
    id, source: 'mine', domain: 'code', format: 'stdin', problem: 'Echo the input.', tests: Array.from({ length: n }, (_, i) => ({ input: `${i}\n`, output: `${i}\n` })),
  });
  fs.writeFileSync(file, `${record('echo', 2)}\n`);
  const index = new ProblemIndex();
  assert.equal((await index.get(file, 'echo')).tests.length, 2);
  fs.writeFileSync(file, `${record('echo', 5)}\n${record('other', 1)}\n`);
  fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
  assert.equal(index.peek(file, 'echo'), undefined, 'a changed file is not trusted from the cache');
  assert.equal((await index.get(file, 'echo')).tests.length, 5);
  await assert.rejects(index.get(path.join(dir, 'missing.jsonl'), 'echo'), /missing\.jsonl does not exist/);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('relative dataset paths resolve against the workspace first, then the document folder', () => {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'acereason-ws-'));
  const docDir = path.join(ws, 'samples');
  fs.mkdirSync(docDir);
  fs.writeFileSync(path.join(docDir, 'local.jsonl'), '');
  fs.writeFileSync(path.join(ws, 'top.jsonl'), '');
  assert.equal(resolveDatasetPath('/abs/set.jsonl', { workspaceDir: ws }), '/abs/set.jsonl');
  assert.equal(resolveDatasetPath('top.jsonl', { workspaceDir: ws, documentDir: docDir }), path.join(ws, 'top.jsonl'));
  assert.equal(resolveDatasetPath('local.jsonl', { workspaceDir: ws, documentDir: docDir }), path.join(docDir, 'local.jsonl'));
  assert.equal(resolveDatasetPath('nowhere.jsonl', { workspaceDir: ws, documentDir: docDir }), path.join(ws, 'nowhere.jsonl'));
  fs.rmSync(ws, { recursive: true, force: true });
});
