// The audit report's pieces: the class of a reference answer, and the counts of MathSummaryBuilder
// (states, classes, and agreement with labels, false positives and negatives counted by hand here).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { answerClass } from '../../../src/core/reward/math';
import { formatMathSummary, MathSummaryBuilder } from '../../../src/core/reward/math/summary';

describe('answer classes', () => {
  it('names the class of each kind of reference answer', () => {
    const cases: Array<[string, string]> = [
      ['7', 'integer'], ['-12', 'integer'], ['0.25', 'decimal'], ['\\frac{3}{4}', 'fraction'], ['50\\%', 'percent'], ['2\\sqrt{3}', 'expression'],
      ['x^2+1', 'symbolic'], ['\\{1,2\\}', 'set'], ['1, 2', 'set'], ['(1,2]', 'interval'], ['(-\\infty, 3)', 'interval'], ['(1,2,3)', 'tuple'],
      ['(0,1)\\cup(2,3)', 'union'], ['x=3', 'relation'], ['1:3', 'ratio'], ['\\begin{pmatrix}1\\\\2\\end{pmatrix}', 'matrix'],
      ['(C)', 'choice'], ['\\text{east}', 'text'], ['', 'empty'],
    ];
    for (const [gold, cls] of cases) assert.equal(answerClass(gold), cls, gold);
  });
});

describe('MathSummaryBuilder', () => {
  it('counts states, classes and label agreement', () => {
    const b = new MathSummaryBuilder();
    b.add('7', 'correct', true); // agree
    b.add('7', 'correct', false); // false positive
    b.add('\\frac12', 'wrong', true); // false negative
    b.add('\\frac12', 'no-answer', false); // agree
    b.add('x=3', 'timeout'); // unlabelled
    b.addMalformed();
    const s = b.build();
    assert.equal(s.total, 5);
    assert.equal(s.malformed, 1);
    assert.deepEqual(s.states, { correct: 2, wrong: 1, 'no-answer': 1, 'gold-unparseable': 0, timeout: 1, error: 0 });
    assert.deepEqual(s.classes.integer, { total: 2, states: { correct: 2 }, labelled: 2, agree: 1, falsePositives: 1, falseNegatives: 0 });
    assert.deepEqual(s.classes.fraction, { total: 2, states: { wrong: 1, 'no-answer': 1 }, labelled: 2, agree: 1, falsePositives: 0, falseNegatives: 1 });
    assert.equal(s.classes.relation?.labelled, 0);
    assert.deepEqual(s.labels, { labelled: 4, agree: 2, agreement: 0.5, falsePositives: 1, falseNegatives: 1 });
    const text = formatMathSummary(s);
    assert.match(text, /5 checked, 1 malformed line/);
    assert.match(text, /agree 2\/4 \(50\.0%\) {2}false positives 1 {2}false negatives 1/);
  });
  it('has no label section when no line carries a label', () => {
    const b = new MathSummaryBuilder();
    b.add('7', 'wrong');
    assert.equal(b.build().labels, undefined);
  });
});
