// LiveCodeBench output comparison and code extraction: pure functions, no sandbox.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareJson, compareStdout, extractCode, extractCodeBlock } from '../../../src/core/reward/code';
import { parsePythonDecimal } from '../../../src/core/reward/code/compare';

test('stdout: surrounding whitespace and per-line spaces are ignored, line count is not', () => {
  assert.equal(compareStdout('  1 2\n3  \n\n', '1 2\n3').equal, true);
  assert.equal(compareStdout('1 2\r\n3\r\n', '1 2\n3').equal, true);
  assert.equal(compareStdout('1\n2', '1 2').equal, false);
  assert.equal(compareStdout('1\n\n2', '1\n2').equal, false, 'an empty line inside the output counts');
  assert.equal(compareStdout('', '').equal, true);
  assert.equal(compareStdout('', '0').equal, false);
  assert.deepEqual(compareStdout('1\n3', '1\n2'), { equal: false, reason: 'line 2 differs' });
});

test('stdout: tokens equal as exact decimals match, without any tolerance', () => {
  assert.equal(compareStdout('1.0 2', '1 2.000').equal, true);
  assert.equal(compareStdout('1e2', '100').equal, true);
  assert.equal(compareStdout('-0', '0').equal, true);
  assert.equal(compareStdout('0.5000', '.5').equal, true);
  assert.equal(compareStdout('1   2', '1 2').equal, true, 'whitespace runs inside a line split the same');
  assert.equal(compareStdout('0.30000000000000004', '0.3').equal, false);
  assert.equal(compareStdout('50000000000000000', '50000000000000001').equal, false, 'no float rounding of big integers');
  assert.equal(compareStdout('1.0 x', '1 x').equal, false, 'a non-decimal token makes the line compare textually only');
  assert.equal(compareStdout('YES', 'yes').equal, false, 'case matters (LiveCodeBench, unlike SandboxFusion)');
  assert.equal(compareStdout('nan', 'nan').equal, true, 'textually equal lines match before decimals are tried');
  assert.equal(compareStdout('nan 1', 'NaN 1').equal, false, 'NaN is never equal as a decimal');
  assert.equal(compareStdout('inf', 'Infinity').equal, true);
  assert.equal(compareStdout('1_000', '1000').equal, true, "Python's Decimal accepts digit separators");
  assert.equal(compareStdout('0x10', '16').equal, false, 'hex is not a Decimal literal');
});

test('parsePythonDecimal follows the Decimal grammar', () => {
  for (const ok of ['1', '-1.5', '+.5', '5.', '1e-3', '1E+3', '1_0.0_1', 'Inf', '-infinity', 'sNaN12']) {
    assert.ok(parsePythonDecimal(ok), ok);
  }
  for (const bad of ['', '.', 'e3', '1__0', '_1', '1_', '0x1', '1.2.3', '--1', '1e', 'infinit']) {
    assert.equal(parsePythonDecimal(bad), undefined, bad);
  }
});

test('function results compare with Python equality after JSON', () => {
  assert.equal(compareJson('[1, 2, 3]', '[1,2,3]').equal, true);
  assert.equal(compareJson('1.0', '1').equal, true, '1.0 == 1');
  assert.equal(compareJson('true', '1').equal, true, 'True == 1');
  assert.equal(compareJson('false', '0.0').equal, true);
  assert.equal(compareJson('true', '2').equal, false);
  assert.equal(compareJson('12345678901234567891', '12345678901234567890').equal, false, 'big integers keep every digit');
  assert.equal(compareJson('1e20', '100000000000000000000').equal, true, 'float vs int compares exactly');
  assert.equal(compareJson('1e16', '10000000000000001').equal, false);
  assert.equal(compareJson('0.1', '0.1000000000000000000001').equal, true, 'floats compare as doubles, like Python');
  assert.equal(compareJson('{"a": [1, null], "b": "x"}', '{"b":"x","a":[1,null]}').equal, true);
  assert.equal(compareJson('{"a": 1}', '{"a": 1, "b": 2}').equal, false);
  assert.equal(compareJson('[1, 2]', '[2, 1]').equal, false);
  assert.equal(compareJson('"1"', '1').equal, false);
  assert.equal(compareJson('null', '[]').equal, false);
  assert.equal(compareJson('not json', '1').equal, false);
  assert.throws(() => compareJson('1', '{bad'), /expected output is not JSON/);
});

test('extractCode takes the last complete fenced block after </think>', () => {
  const response = 'Let me think.\n```python\nprint(0)\n```\n</think>\nFirst:\n```python\nprint(1)\n```\nFinal:\n```python\nprint(2)\n```\nDone.';
  assert.equal(extractCode(response), 'print(2)');
  assert.equal(extractCode('<think>\n```python\nprint(0)\n```\n'), null, 'still thinking: no answer');
  assert.equal(extractCode('no think tags\n```py\nx = 1\ny = 2\n```'), 'x = 1\ny = 2');
  assert.equal(extractCode('</think> ```python\nunterminated'), null);
  assert.equal(extractCode('</think>\n```python\na = "```"\n```\n'), 'a = "```"', 'a fence inside a line does not close the block');
  assert.deepEqual(extractCodeBlock('</think>\n```JavaScript\nconsole.log(1)\n```'), { code: 'console.log(1)', lang: 'javascript' });
  assert.deepEqual(extractCodeBlock('</think>\n```\nplain\n```'), { code: 'plain', lang: '' });
  assert.equal(extractCode('</think> nothing here'), null);
});
