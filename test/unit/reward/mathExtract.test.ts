// Finding the final answer in a model response: the last box after </think>, brace matching, and the
// fallbacks, each reported with how the answer was found.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { extractAnswer, unwrapAnswer, verifyMath } from '../../../src/core/reward/math';

describe('math answer extraction', () => {
  it('takes the last \\boxed{} after </think>, ignoring boxes inside the thinking', () => {
    const r = extractAnswer('<think>maybe \\boxed{3}? no.</think> The result is \\boxed{4}.');
    assert.equal(r.answer, '4');
    assert.equal(r.method, 'boxed');
    assert.match(r.note, /after <\/think>/);
    const onlyInside = extractAnswer('<think>\\boxed{3}</think> I am not sure.');
    assert.equal(onlyInside.answer, null);
  });

  it('matches nested braces and escaped braces', () => {
    assert.equal(extractAnswer('so \\boxed{\\frac{1}{\\sqrt{2}}} done').answer, '\\frac{1}{\\sqrt{2}}');
    assert.equal(extractAnswer('\\boxed{\\{1, 2\\}}').answer, '\\{1, 2\\}');
    assert.equal(extractAnswer('\\boxed{{{{7}}}}').answer, '{{{7}}}');
  });

  it('with several boxes, the last one wins (no concatenation: Math-Verify #44)', () => {
    assert.equal(extractAnswer('first \\boxed{840} and again \\boxed{840}').answer, '840');
    assert.equal(extractAnswer('\\boxed{1} then \\fbox{2}').answer, '2');
    assert.equal(extractAnswer('\\fbox{2} then \\boxed{1}').answer, '1');
  });

  it('skips an unbalanced last box and says so', () => {
    const r = extractAnswer('\\boxed{5} and then \\boxed{6');
    assert.equal(r.answer, '5');
    assert.match(r.note, /unbalanced/);
  });

  it('reads the `\\boxed 5` form', () => {
    assert.equal(extractAnswer('the answer: $\\boxed 5$').answer, '5');
    assert.equal(extractAnswer('\\boxed 12.').answer, '12');
  });

  it('does not mistake another command for \\boxed', () => {
    assert.equal(extractAnswer('\\boxedtext{3}').method, 'none');
  });

  it('falls back to "the answer is …" and then to the last $…$', () => {
    const phrase = extractAnswer('We compute and find that the answer is $\\frac{3}{4}$. Done.');
    assert.equal(phrase.answer, '\\frac{3}{4}');
    assert.equal(phrase.method, 'answer-phrase');
    const plain = extractAnswer('So the final answer is 42.');
    assert.equal(plain.answer, '42');
    const math = extractAnswer('Thus $x = 1$ and finally $y = 7$');
    assert.equal(math.answer, 'y = 7');
    assert.equal(math.method, 'last-math');
    assert.equal(extractAnswer('Final answer: **73**').answer, '73');
  });

  it('boxedOnly turns the fallbacks off', () => {
    const r = extractAnswer('the answer is 5', { boxedOnly: true });
    assert.equal(r.answer, null);
    assert.match(r.note, /no \\boxed/);
  });

  it('an unclosed <think> gives no answer, with the reason', () => {
    const r = extractAnswer('<think>long reasoning \\boxed{3} cut off');
    assert.equal(r.answer, null);
    assert.match(r.note, /never closed/);
  });

  it('without think tags, searches the whole response', () => {
    assert.equal(extractAnswer('Reasoning... \\boxed{9}').answer, '9');
  });

  it('returns null with a reason when there is nothing', () => {
    const r = extractAnswer('I do not know.');
    assert.equal(r.answer, null);
    assert.equal(r.method, 'none');
    assert.ok(r.note.length > 0);
  });

  it('unwraps $…$, \\(…\\) and \\boxed{} around a given prediction', () => {
    assert.equal(unwrapAnswer('$\\frac12$'), '\\frac12');
    assert.equal(unwrapAnswer('$$ 3 $$'), '3');
    assert.equal(unwrapAnswer('\\(x+1\\)'), 'x+1');
    assert.equal(unwrapAnswer('$\\boxed{\\{1,2\\}}$'), '\\{1,2\\}');
    assert.equal(unwrapAnswer('\\boxed{5}'), '5');
  });

  it('verifyMath reports what it extracted and how', () => {
    const v = verifyMath('\\frac{1}{2}', '<think>hmm</think>The answer is \\boxed{0.5}');
    assert.deepEqual([v.correct, v.extracted], [true, '0.5']);
    assert.match(v.reason, /boxed/);
    const none = verifyMath('1', 'no idea');
    assert.deepEqual([none.correct, none.extracted], [false, null]);
    assert.match(none.reason, /no \\boxed/);
  });
});
