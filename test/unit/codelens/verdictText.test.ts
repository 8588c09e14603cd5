import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { CodeSandbox } from '../../../src/core/reward/code';
import { ProblemIndex } from '../../../src/core/codelens/problemIndex';
import { failureMessage, formatMs, idleLensTitle, resultLensTitle, summarizeRun } from '../../../src/core/codelens/verdictText';
import { sharedData } from '../../helpers/sharedData';

const PROBLEMS = sharedData('code/problems.jsonl');

test('lens titles before and after a run', () => {
  assert.equal(idleLensTitle(undefined), 'Verify against tests');
  assert.equal(idleLensTitle(1), 'Verify against 1 test');
  assert.equal(idleLensTitle(3), 'Verify against 3 tests');
  const tests = [{ input: '1\n', output: '1\n' }, { input: '2\n', output: '2\n' }];
  const all = summarizeRun({ passed: true, reward: 1, partial: 1, tests: [{ status: 'AC', timeMs: 20.4 }, { status: 'AC', timeMs: 27.8 }] }, tests);
  assert.equal(resultLensTitle(all), '✓ 2/2 passed · 48 ms');
  const one = summarizeRun({ passed: false, reward: 0, partial: 0.5, tests: [{ status: 'AC', timeMs: 5 }, { status: 'TLE', timeMs: 6000 }] }, tests);
  assert.equal(resultLensTitle(one), '✗ 1/2 passed · test 2: TLE');
  assert.equal(formatMs(6000), '6.00 s');
});

test('tests the sandbox did not run count as failed; messages carry input, expected and actual', () => {
  const tests = [{ input: '3\n4', output: '7' }, { input: '1\n1', output: '2' }];
  const s = summarizeRun({ passed: false, reward: 0, partial: 0, tests: [{ status: 'WA', timeMs: 3, stdout: '12', expected: '7', message: 'line 1 differs' }] }, tests);
  assert.equal(s.passed, 0);
  assert.equal(s.allPassed, false);
  assert.deepEqual(s.failures.map((f) => f.status), ['WA', 'not run']);
  assert.equal(failureMessage(s.failures[0]), 'Test 1: WA — line 1 differs\ninput: 3⏎4\nexpected: 7\nactual: 12');
  assert.equal(failureMessage(s.failures[1]), 'Test 2: not run\ninput: 1⏎1\nexpected: 2\nactual: (no output)');
  assert.match(failureMessage({ index: 0, status: 'WA', input: 'x'.repeat(1000), expected: '', actual: '' }), /input: x{199}…/);
});

test('a real reference solution passes in the sandbox and a broken one reports which tests fail', { timeout: 120_000 }, async () => {
  const record = await new ProblemIndex().get(PROBLEMS, 'rllm-leetcode-test-0000');
  const reference = (await import('node:readline')).createInterface({ input: fs.createReadStream(PROBLEMS) });
  let solution = '';
  for await (const line of reference) {
    const row = JSON.parse(line);
    if (row.id === record.id) { solution = row.solutions[0]; reference.close(); break; }
  }
  const sandbox = new CodeSandbox({ concurrency: 1 });
  try {
    const request = { language: 'python' as const, tests: record.tests, fnName: record.fnName, timeoutS: 10, stopOnFirstFailure: false };
    const good = summarizeRun(await sandbox.runTests({ ...request, code: `# acereason: problem=${record.id} dataset=x\n${solution}` }), record.tests);
    assert.equal(good.allPassed, true, JSON.stringify(good.failures));
    assert.match(resultLensTitle(good), new RegExp(`^✓ ${record.tests.length}/${record.tests.length} passed · \\d`));
    const broken = 'class Solution:\n    def minOperations(self, nums, k):\n        return 4\n';
    const bad = summarizeRun(await sandbox.runTests({ ...request, code: broken }), record.tests);
    // Expected outputs are 4, 5, 4: the constant 4 passes two of three.
    assert.equal(resultLensTitle(bad), `✗ 2/3 passed · test 2: WA`);
    assert.match(failureMessage(bad.failures[0]), /^Test 2: WA.*\ninput: \[3, 1, 5, 4, 2\]⏎5\nexpected: 5\nactual: 4$/);
  } finally {
    sandbox.close();
  }
});
