// Adversarial inputs must end with a verdict and a reason: no hang, no throw, no stack overflow.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MATH_VERDICT_STATES, verifyMath, verifyMathAnswer, type MathVerdict } from '../../../src/core/reward/math';

function assertVerdict(v: MathVerdict, what: string): void {
  assert.equal(typeof v.correct, 'boolean', what);
  assert.ok(MATH_VERDICT_STATES.includes(v.state), `${what}: state ${v.state}`);
  assert.equal(v.correct, v.state === 'correct', `${what}: correct and state agree`);
  assert.ok(v.extracted === null || typeof v.extracted === 'string', what);
  assert.equal(typeof v.reason, 'string', what);
  assert.ok(v.reason.length > 0, `${what}: empty reason`);
}

const MB = 1 << 20;

describe('math verifier on adversarial input', () => {
  it('exponent towers and huge factorials are refused, not computed', () => {
    const cases: Array<[string, string, boolean]> = [
      ['10^{10^{10^{10}}}', '10^{10^{10^{10}}}+1', false],
      ['10^10^10^10', '10^{10}', false],
      ['9999!', '9999!+1', false],
      ['(9999!)!', '(9998!)!', false],
      ['2^{2^{2^{2^{2}}}}', '2^{2^{2^{2^{2}}}}+1', false],
      ['2^{2^{2^{2^{2}}}}', '2^{65536}', true],
      ['(x+1)^{100000}', '(x+1)^{100000}+1', false],
      ['x^{x^{x^{x^{x^{x}}}}}', 'x', false],
      ['\\binom{10^{9}}{5\\cdot 10^{8}}', '1', false],
    ];
    for (const [gold, pred, expected] of cases) {
      const v = verifyMathAnswer(gold, pred);
      assertVerdict(v, `${gold} vs ${pred}`);
      assert.equal(v.correct, expected, `${gold} vs ${pred}: ${v.reason}`);
    }
  });

  it('the same tower on both sides still matches as text', () => {
    assert.equal(verifyMathAnswer('9999!', '9999!').correct, true);
  });

  it('deeply nested braces and parentheses', () => {
    const braces = '{'.repeat(100_000) + '1' + '}'.repeat(100_000);
    assertVerdict(verifyMathAnswer('1', braces), 'braces pred');
    assertVerdict(verifyMathAnswer(braces, '1'), 'braces gold');
    assertVerdict(verifyMath('1', `\\boxed{${braces}}`), 'braces boxed');
    const parens = '('.repeat(5000) + '1' + ')'.repeat(5000);
    assertVerdict(verifyMathAnswer('1', parens), 'parens');
    const shallowEnough = '('.repeat(20) + '1' + ')'.repeat(20);
    assert.equal(verifyMathAnswer('1', shallowEnough).correct, true);
    const fracs = '\\frac{1}{'.repeat(3000) + '2' + '}'.repeat(3000);
    assertVerdict(verifyMathAnswer('1', fracs), 'nested fractions');
  });

  it('megabyte strings', () => {
    assert.equal(verifyMath('7', 'a'.repeat(MB) + ' \\boxed{7}').correct, true);
    assertVerdict(verifyMath('7', '\\boxed{'.repeat(MB / 8)), 'a million unbalanced boxes');
    assertVerdict(verifyMath('7', '$'.repeat(MB)), 'dollars');
    assertVerdict(verifyMath('7', 'the answer is '.repeat(MB / 14)), 'answer phrases');
    assertVerdict(verifyMath('7', '\\('.repeat(MB / 2)), 'open math');
    assertVerdict(verifyMathAnswer('7', '9'.repeat(MB)), 'a million digits');
    assertVerdict(verifyMathAnswer('1' + '0'.repeat(1500), '1' + '0'.repeat(1500)), 'long number');
    assertVerdict(verifyMathAnswer('7', `\\boxed{${'x+'.repeat(MB / 2)}1}`), 'long boxed expression');
    assertVerdict(verifyMathAnswer('x'.repeat(MB), 'x'.repeat(MB)), 'long gold');
  });

  it('malformed LaTeX and strange characters', () => {
    for (const bad of ['\\frac{', '\\sqrt(2)', '}{', '\\\\\\', '\\left(', '^^^', '1/0', '0^{-1}', '\\frac{1}{0}', '\u0000\u0001', '🙂', '\\unknowncommand{3}', '||||', '\\sqrt[0]{2}', 'x_{', '\\log_0 5', '0^0']) {
      assertVerdict(verifyMathAnswer('1', bad), `pred ${JSON.stringify(bad)}`);
      assertVerdict(verifyMathAnswer(bad, '1'), `gold ${JSON.stringify(bad)}`);
    }
  });

  it('non-string inputs give a verdict instead of throwing', () => {
    assertVerdict(verifyMath(undefined as unknown as string, 'x'), 'undefined gold');
    assertVerdict(verifyMathAnswer('1', 5 as unknown as string), 'number pred');
  });

  it('a long list of expensive elements gives up within its budget with a reason', () => {
    const items = Array.from({ length: 150 }, (_, k) => `${k + 2}^{${60000 + k}}`).join(',');
    const reversed = items.split(',').reverse().join(', ');
    const v = verifyMathAnswer(items, reversed, { timeMs: 50 });
    assertVerdict(v, 'expensive list');
    assert.equal(v.correct, false);
    assert.match(v.reason, /gave up: budget exceeded/);
    assert.equal(v.state, 'timeout');
  });

  it("the issue's adversarial inputs end with a state, in every extraction mode", () => {
    const nested = '{'.repeat(200) + '7' + '}'.repeat(200);
    const hundredKb = `${'x+'.repeat(50_000)}1`;
    const inputs = ['10^{10^{10^{10}}}', '9999!', hundredKb, nested, `\\sum_{k=1}^{10^{12}} k`, `\\prod_{k=1}^{n} F_{k}^{10^{9}}`];
    for (const extract of [['boxed'], ['latex'], ['expr'], ['latex', 'expr']] as const) {
      for (const x of inputs) {
        assertVerdict(verifyMath('7', `<think>…</think> so \\boxed{${x}}`, { extract }), `${extract} boxed ${x.slice(0, 30)}`);
        assertVerdict(verifyMath('7', `<think>…</think> so the answer is $${x}$ or ${x}`, { extract }), `${extract} text ${x.slice(0, 30)}`);
        assertVerdict(verifyMathAnswer(x, '7', { extract }), `gold ${x.slice(0, 30)}`);
      }
    }
    assert.equal(verifyMathAnswer('7', nested).correct, true, '200 nested braces around 7 are 7');
  });
});
