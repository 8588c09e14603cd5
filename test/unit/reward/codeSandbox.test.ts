// The code sandbox on hand-written programs: stdin/stdout and function-call modes, Python and
// JavaScript, the warm and spawn strategies, rewards, and request validation.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CodeSandbox } from '../../../src/core/reward/code';

let sandbox: CodeSandbox;
before(() => { sandbox = new CodeSandbox({ concurrency: 2, timeoutS: 3, memoryMb: 512 }); });
after(() => sandbox.close());

const SUM_PROGRAM = 'import sys\nnums = list(map(int, sys.stdin.read().split()))\nprint(sum(nums[1:]))\n';
const SUM_TESTS = [
  { input: '3\n1 2 3\n', output: '6' },
  { input: '2\n10 -4', output: '6\n' },
  { input: '1\n99999999999999999999', output: '99999999999999999999' },
];

describe('stdin/stdout', () => {
  test('a correct program passes every test and earns reward 1', async () => {
    const r = await sandbox.runTests({ code: SUM_PROGRAM, tests: SUM_TESTS });
    assert.equal(r.passed, true);
    assert.equal(r.reward, 1);
    assert.equal(r.partial, 1);
    assert.deepEqual(r.tests.map((t) => t.status), ['AC', 'AC', 'AC']);
    for (const t of r.tests) assert.ok(t.timeMs > 0 && t.timeMs < 3000);
  });

  test('a wrong answer on one test gives reward 0 and stops there', async () => {
    const code = 'import sys\nnums = list(map(int, sys.stdin.read().split()))\nprint(sum(nums[1:]) if nums[0] != 2 else 0)\n';
    const r = await sandbox.runTests({ code, tests: SUM_TESTS });
    assert.equal(r.passed, false);
    assert.equal(r.reward, 0);
    assert.deepEqual(r.tests.map((t) => t.status), ['AC', 'WA'], 'results end at the first failure');
    assert.equal(r.tests[1].expected, '6\n');
    assert.equal(r.tests[1].stdout, '0\n');
    assert.match(r.tests[1].message ?? '', /line 1 differs/);
    assert.equal(r.partial, 1 / 3, 'partial counts the tests passed before the first failure; the ones after it count as not passed');
  });

  test('partial credit is an option: reward = fraction passed, every test runs', async () => {
    const partialSandbox = new CodeSandbox({ concurrency: 1, partialCredit: true });
    try {
      const code = 'n = int(input())\nprint(sum(map(int, input().split())) if n == 3 else -1)\n';
      const r = await partialSandbox.runTests({ code, tests: SUM_TESTS });
      assert.equal(r.passed, false);
      assert.deepEqual(r.tests.map((t) => t.status), ['AC', 'WA', 'WA']);
      assert.ok(Math.abs(r.reward - 1 / 3) < 1e-9);
    } finally {
      partialSandbox.close();
    }
  });

  test('decimal tokens compare exactly; float noise is a wrong answer', async () => {
    const r = await sandbox.runTests({ code: 'print("1.50 2")', tests: [{ input: '', output: '1.5 2.0' }] });
    assert.equal(r.tests[0].status, 'AC');
    const noisy = await sandbox.runTests({ code: 'print(0.1 + 0.2)', tests: [{ input: '', output: '0.3' }] });
    assert.equal(noisy.tests[0].status, 'WA');
  });

  test('runtime errors, exit codes and sys.exit are told apart', async () => {
    const crash = await sandbox.runTests({ code: 'print(1)\nraise ValueError("boom")', tests: [{ input: '', output: '1' }] });
    assert.equal(crash.tests[0].status, 'RE');
    assert.match(crash.tests[0].stderr ?? '', /ValueError: boom/);
    const exitZero = await sandbox.runTests({ code: 'import sys\nprint(7)\nsys.exit(0)\nprint(8)', tests: [{ input: '', output: '7' }] });
    assert.equal(exitZero.tests[0].status, 'AC');
    const exitTwo = await sandbox.runTests({ code: 'import sys\nprint(7)\nsys.exit(2)', tests: [{ input: '', output: '7' }] });
    assert.equal(exitTwo.tests[0].status, 'RE');
    assert.match(exitTwo.tests[0].message ?? '', /exit code 2/);
    const syntax = await sandbox.runTests({ code: 'def f(:\n  pass', tests: [{ input: '', output: '' }] });
    assert.equal(syntax.tests[0].status, 'RE');
    assert.match(syntax.tests[0].stderr ?? '', /SyntaxError/);
  });

  test('the program runs as __main__ and reads stdin through input(), sys.stdin and fd 0', async () => {
    const raw = await sandbox.runTests({ code: 'import os\nprint(os.read(0, 100).decode().split()[::-1])', tests: [{ input: 'a b', output: "['b', 'a']" }] });
    assert.equal(raw.tests[0].status, 'AC', JSON.stringify(raw.tests[0]));
    const code = [
      'import sys',
      'def main():',
      '    a = input()',
      '    b = sys.stdin.readline().strip()',
      '    c = sys.stdin.read().strip()',
      '    print(a, b, c)',
      'if __name__ == "__main__":',
      '    main()',
    ].join('\n');
    const r = await sandbox.runTests({ code, tests: [{ input: 'x\ny\nz\n', output: 'x y z' }] });
    assert.equal(r.tests[0].status, 'AC', JSON.stringify(r.tests[0]));
  });
});

describe('function call (LeetCode style)', () => {
  test('class Solution method with JSON arguments, prelude names available, tuples become lists', async () => {
    const code = [
      'class Solution:',
      '    def twoSum(self, nums: List[int], target: int) -> Tuple[int, int]:',
      '        seen = defaultdict(int)',
      '        for i, x in enumerate(nums):',
      '            if target - x in seen:',
      '                return (seen[target - x], i)',
      '            seen[x] = i',
    ].join('\n');
    const r = await sandbox.runTests({
      code, fnName: 'twoSum',
      tests: [{ input: '[2, 7, 11, 15]\n9', output: '[0, 1]' }, { input: '[3, 2, 4]\n6', output: '[1, 2]' }],
    });
    assert.deepEqual(r.tests.map((t) => t.status), ['AC', 'AC'], JSON.stringify(r.tests));
  });

  test('a top-level function works too; prints on stdout do not count as the answer', async () => {
    const code = 'def double(x):\n    print("debug", x)\n    return x * 2\n';
    const r = await sandbox.runTests({ code, fnName: 'double', tests: [{ input: '21', output: '42' }] });
    assert.equal(r.tests[0].status, 'AC');
    const wrong = await sandbox.runTests({ code: 'def double(x):\n    print(x * 2)\n', fnName: 'double', tests: [{ input: '21', output: '42' }] });
    assert.equal(wrong.tests[0].status, 'WA', 'printing the answer instead of returning it is wrong');
  });

  test('a missing function is a runtime error; an unserialisable result is a wrong answer', async () => {
    const missing = await sandbox.runTests({ code: 'class Solution:\n    def other(self): return 1', fnName: 'wanted', tests: [{ input: '', output: '1' }] });
    assert.equal(missing.tests[0].status, 'RE');
    assert.match(missing.tests[0].stderr ?? '', /no function 'wanted'/);
    const unserialisable = await sandbox.runTests({ code: 'def f():\n    return {1, 2}', fnName: 'f', tests: [{ input: '', output: '[1, 2]' }] });
    assert.equal(unserialisable.tests[0].status, 'WA');
  });

  test('each test gets a fresh process: state does not leak between tests', async () => {
    const code = 'calls = []\nclass Solution:\n    def f(self, x):\n        calls.append(x)\n        return len(calls)\n';
    const r = await sandbox.runTests({ code, fnName: 'f', tests: [{ input: '1', output: '1' }, { input: '2', output: '1' }, { input: '3', output: '1' }] });
    assert.equal(r.passed, true, JSON.stringify(r.tests));
  });
});

describe('JavaScript', () => {
  test('stdin program', async () => {
    const code = "const lines = require('fs').readFileSync(0, 'utf8').trim().split('\\n');\nconsole.log(lines[1].split(' ').map(Number).reduce((a, b) => a + b, 0));";
    const r = await sandbox.runTests({ code, language: 'javascript', tests: SUM_TESTS.slice(0, 2) });
    assert.deepEqual(r.tests.map((t) => t.status), ['AC', 'AC'], JSON.stringify(r.tests));
  });

  test('function call: var function, class Solution, and a wrong answer', async () => {
    const asVar = await sandbox.runTests({ code: 'var add = function(a, b) { return a + b; };', language: 'javascript', fnName: 'add', tests: [{ input: '2\n3', output: '5' }] });
    assert.equal(asVar.tests[0].status, 'AC', JSON.stringify(asVar.tests));
    const asClass = await sandbox.runTests({
      code: 'class Solution { rev(xs) { return xs.slice().reverse(); } }', language: 'javascript', fnName: 'rev',
      tests: [{ input: '[1, 2, 3]', output: '[3, 2, 1]' }],
    });
    assert.equal(asClass.tests[0].status, 'AC', JSON.stringify(asClass.tests));
    const wrong = await sandbox.runTests({ code: 'function add(a, b) { return a - b; }', language: 'javascript', fnName: 'add', tests: [{ input: '2\n3', output: '5' }] });
    assert.equal(wrong.tests[0].status, 'WA');
    const thrown = await sandbox.runTests({ code: 'function add() { throw new Error("nope"); }', language: 'javascript', fnName: 'add', tests: [{ input: '1', output: '1' }] });
    assert.equal(thrown.tests[0].status, 'RE');
    assert.match(thrown.tests[0].stderr ?? '', /nope/);
  });
});

test('the spawn-per-test baseline gives the same verdicts as the warm path', async () => {
  const spawnSandbox = new CodeSandbox({ concurrency: 1, pythonStrategy: 'spawn', timeoutS: 3 });
  try {
    const cases = [
      { code: SUM_PROGRAM, tests: SUM_TESTS },
      { code: 'print(1/0)', tests: [{ input: '', output: '' }] },
      { code: 'class Solution:\n    def f(self, a: List[int]) -> int:\n        return max(a)', fnName: 'f', tests: [{ input: '[1, 5, 2]', output: '5' }, { input: '[0]', output: '1' }] },
    ];
    for (const c of cases) {
      const warm = await sandbox.runTests(c);
      const spawned = await spawnSandbox.runTests(c);
      assert.deepEqual(spawned.tests.map((t) => t.status), warm.tests.map((t) => t.status), c.code);
    }
  } finally {
    spawnSandbox.close();
  }
});

test('runCode returns raw output and exit status for /run_code', async () => {
  const r = await sandbox.runCode({ code: 'import sys\nprint(input()[::-1])\nprint("err", file=sys.stderr)\nsys.exit(3)', language: 'python', stdin: 'abc' });
  assert.equal(r.stdout, 'cba\n');
  assert.equal(r.stderr, 'err\n');
  assert.equal(r.exitCode, 3);
  assert.equal(r.failure, 'RE');
  const ok = await sandbox.runCode({ code: 'console.log("hi")', language: 'javascript' });
  assert.equal(ok.stdout, 'hi\n', JSON.stringify(ok));
  assert.equal(ok.exitCode, 0);
  assert.equal(ok.failure, undefined);
});

test('bad requests are refused with a message naming the field', async () => {
  await assert.rejects(sandbox.runTests({ code: 'x', tests: [] }), /tests must be a non-empty array/);
  await assert.rejects(sandbox.runTests({ code: 'x', tests: [{ input: 1 as unknown as string, output: '' }] }), /tests\[0\] must have string fields/);
  await assert.rejects(sandbox.runTests({ code: 'x', fnName: 'f; import os', tests: [{ input: '', output: '1' }] }), /fn_name must be an identifier/);
  await assert.rejects(sandbox.runTests({ code: 'x', fnName: 'f', tests: [{ input: '[1,\n2', output: '1' }] }), /tests\[0\]\.input line 1 is not JSON/);
  await assert.rejects(sandbox.runTests({ code: 'x', fnName: 'f', tests: [{ input: '1', output: 'nope' }] }), /tests\[0\]\.output is not JSON/);
  await assert.rejects(sandbox.runTests({ code: 'x', language: 'ruby' as 'python', tests: [{ input: '', output: '' }] }), /language must be/);
  await assert.rejects(sandbox.runTests({ code: 'x', timeoutS: -1, tests: [{ input: '', output: '' }] }), /timeout_s must be/);
  assert.throws(() => new CodeSandbox({ concurrency: 0 }), /concurrency must be/);
});
