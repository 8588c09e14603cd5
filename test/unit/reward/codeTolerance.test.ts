// Float tolerance in code comparison (opt-in), curated-record parsing and RE tracebacks (issue 16
// items 12–13). The tolerance rule is math.isclose(a, b, rel_tol=T, abs_tol=T): checked against
// Python's own math.isclose on the same pairs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { CodeSandbox, compareJson, compareStdout } from '../../../src/core/reward/code';
import { closeWithin, pyFloat } from '../../../src/core/reward/code/compare';
import { functionNameOfStarter, parseCodeJob } from '../../../src/core/reward/code/job';
import { lastTraceback } from '../../../src/core/reward/code/sandbox';

const PAIRS: [string, string, number][] = [
  ['0.30000000000000004', '0.3', 1e-9], ['0.3001', '0.3', 1e-9], ['0.3001', '0.3', 1e-3], ['1e-12', '0', 1e-9],
  ['1e-8', '0', 1e-9], ['123456789.0', '123456789.1', 1e-9], ['123456789.0', '123456790.5', 1e-9], ['-2.5', '2.5', 0.5],
  ['1e308', '1.0000000001e308', 1e-9], ['inf', 'inf', 1e-6], ['inf', '1e308', 1e-6], ['nan', 'nan', 1e-6],
];

test('closeWithin agrees with Python math.isclose(rel_tol=T, abs_tol=T)', () => {
  const python = spawnSync('python3', ['-c', `import json, math, sys
pairs = json.load(sys.stdin)
print(json.dumps([math.isclose(float(a), float(b), rel_tol=t, abs_tol=t) for a, b, t in pairs]))`], { input: JSON.stringify(PAIRS), encoding: 'utf8' });
  assert.equal(python.status, 0, python.stderr);
  const expected = JSON.parse(python.stdout) as boolean[];
  assert.deepEqual(PAIRS.map(([a, b, t]) => closeWithin(pyFloat(a), pyFloat(b), t)), expected);
  assert.ok(expected.includes(true) && expected.includes(false), 'the pairs cover both outcomes');
});

test('stdout and function-call comparison: exact by default, tolerant when asked', () => {
  assert.equal(compareStdout('0.30000000000000004', '0.3').equal, false);
  assert.equal(compareStdout('0.30000000000000004', '0.3', { floatTolerance: 1e-9 }).equal, true);
  assert.equal(compareStdout('0.30000000000000004 7', '0.3 7', { floatTolerance: 1e-9 }).equal, true);
  assert.equal(compareStdout('0.31', '0.3', { floatTolerance: 1e-9 }).equal, false);
  assert.equal(compareStdout('0.3 x', '0.30000000000000004 x', { floatTolerance: 1e-9 }).equal, false, 'a non-numeric token still needs textual equality of the line');
  assert.equal(compareJson('[0.30000000000000004, 2]', '[0.3, 2]').equal, false);
  assert.equal(compareJson('[0.30000000000000004, 2]', '[0.3, 2]', { floatTolerance: 1e-9 }).equal, true);
  assert.equal(compareJson('{"a": 1.0000000001}', '{"a": 1}', { floatTolerance: 1e-9 }).equal, true);
  assert.equal(compareJson('3', '4', { floatTolerance: 1e-9 }).equal, false, 'integers stay exact');
});

test('curated records: fnName, starterCode and solutions are read; a bare class Solution is refused', () => {
  assert.equal(functionNameOfStarter('class Solution:\n    def maxProfit(self, prices: List[int]) -> int:\n        '), 'maxProfit');
  assert.equal(functionNameOfStarter('def solve(n):\n    pass'), 'solve');
  const tests = [{ input: '1', output: '1' }];
  const job = parseCodeJob({ id: 'x', domain: 'code', format: 'functional', tests, fnName: 'f', solutions: ['def f(x):\n    return x'], timeLimitS: 2, memoryLimitMb: 300 });
  assert.ok('request' in job);
  assert.equal(job.request.fnName, 'f');
  assert.equal(job.request.code, 'def f(x):\n    return x');
  assert.equal(job.request.timeoutS, 2);
  assert.equal(job.request.memoryMb, 300);
  assert.throws(() => parseCodeJob({ code: 'class Solution:\n    def f(self, x):\n        return x\n', tests }), /class Solution but the line has no "fn_name"/);
  assert.throws(() => parseCodeJob({ code: 'def f(x):\n    return x', format: 'functional', tests }), /"functional" but names no function/);
  const script = parseCodeJob({ code: 'class Solution:\n    pass\nprint(input())', tests });
  assert.ok('request' in script && script.request.fnName === undefined, 'a stdin script that happens to define Solution still runs');
});

test('RE verdicts carry the traceback (Python and JavaScript)', async () => {
  const sandbox = new CodeSandbox({ concurrency: 1, timeoutS: 5 });
  try {
    const py = await sandbox.runTests({ code: 'import json\njson.loads("{")', tests: [{ input: '', output: '' }] });
    assert.equal(py.tests[0].status, 'RE');
    assert.match(py.tests[0].traceback ?? '', /^Traceback \(most recent call last\):[\s\S]*json\.decoder\.JSONDecodeError: Expecting property name/);
    assert.match(py.tests[0].message ?? '', /^exit code 1: json\.decoder\.JSONDecodeError/);
    const js = await sandbox.runTests({ code: 'function f() { throw new RangeError("boom"); }\nf();', language: 'javascript', tests: [{ input: '', output: '' }] });
    assert.equal(js.tests[0].status, 'RE');
    assert.match(js.tests[0].traceback ?? '', /RangeError: boom\n\s+at f /);
  } finally {
    sandbox.close();
  }
  assert.equal(lastTraceback('noise\nTraceback (most recent call last):\n  first\nValueError: a\n\nTraceback (most recent call last):\n  second\nKeyError: b\n'),
    'Traceback (most recent call last):\n  second\nKeyError: b');
});
