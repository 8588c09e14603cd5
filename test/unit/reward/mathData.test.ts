// Real data: every MATH-500 reference answer must verify as equal to itself, to a boxed response
// containing it, and to a re-typeset variant; and distinct answers must (almost) never match.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { goldProblem, verifyMath, verifyMathAnswer } from '../../../src/core/reward/math';
import { sharedData } from '../../helpers/sharedData';

const shared = sharedData('benchmarks/math500.jsonl');
const answers: string[] = fs.readFileSync(shared, 'utf8').trim().split('\n').map((l, i) => {
  const row = JSON.parse(l) as { answer?: unknown };
  if (typeof row.answer !== 'string') throw new Error(`${shared}:${i + 1}: field "answer" is not a string`);
  return row.answer;
});

/** The same answer typeset differently: \dfrac, spaces after commas, \left/\right, a $…$ wrapper. */
function retypeset(a: string): string {
  return `$${a.replace(/\\frac/g, '\\dfrac').replace(/,(?!\d{3})/g, ', ').replace(/\(/g, '\\left(').replace(/\)/g, '\\right)')}$`;
}

describe('math verifier on MATH-500 answers', () => {
  it('has the 500 answers', () => assert.equal(answers.length, 500));

  it('every answer equals itself, a boxed response, and a re-typeset variant', () => {
    const failures: string[] = [];
    for (const a of answers) {
      const self = verifyMathAnswer(a, a);
      const boxed = verifyMath(a, `<think>Let me work it out.</think>\nTherefore the answer is $\\boxed{${a}}$.`);
      const variant = verifyMathAnswer(a, retypeset(a));
      if (!self.correct) failures.push(`self ${JSON.stringify(a)}: ${self.reason}`);
      if (!boxed.correct || boxed.extracted !== a) failures.push(`boxed ${JSON.stringify(a)}: ${boxed.extracted} ${boxed.reason}`);
      if (!variant.correct) failures.push(`variant ${JSON.stringify(retypeset(a))} of ${JSON.stringify(a)}: ${variant.reason}`);
    }
    assert.deepEqual(failures, [], `${failures.length} failures:\n${failures.join('\n')}`);
  });

  it('integer answers equal their other spellings (computed, not normalised away)', () => {
    const integers = answers.filter((a) => /^-?\d+$/.test(a));
    assert.ok(integers.length > 100);
    for (const a of integers) {
      for (const other of [`${a}.0`, `\\frac{${2n * BigInt(a)}}{2}`, `x = ${a}`, `${BigInt(a) - 1n} + 1`]) {
        const v = verifyMathAnswer(a, other);
        assert.equal(v.correct, true, `${a} vs ${other}: ${v.reason}`);
      }
      assert.equal(verifyMathAnswer(a, `${BigInt(a) + 1n}`).correct, false, `${a} vs ${a}+1`);
    }
  });

  it('distinct answers almost never match each other (false-positive guard)', () => {
    let pairs = 0;
    const matches: string[] = [];
    for (let i = 0; i < answers.length; i++) {
      for (const j of [i + 1, i + 7]) {
        const a = answers[i], b = answers[j % answers.length];
        if (a.replace(/\s/g, '') === b.replace(/\s/g, '')) continue;
        pairs++;
        if (verifyMathAnswer(a, b).correct) matches.push(`${JSON.stringify(a)} ~ ${JSON.stringify(b)}`);
      }
    }
    // Equal values written differently (5 and x=5) legitimately match; anything beyond a handful is a bug.
    assert.ok(matches.length <= pairs / 200, `${matches.length} of ${pairs} distinct pairs matched:\n${matches.join('\n')}`);
  });
});

describe('math verifier on DeepScaleR worked solutions', () => {
  const file = sharedData('math/deepscaler.jsonl');

  it('the last \\boxed{} of each solution agrees with the dataset answer (a real-world false-negative rate)', () => {
    const rows = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { answer?: unknown; solution?: unknown });
    let agree = 0;
    const disagree: string[] = [];
    for (const r of rows) {
      if (typeof r.answer !== 'string' || typeof r.solution !== 'string' || !r.solution.includes('\\boxed')) continue;
      const v = verifyMath(r.answer, r.solution, { boxedOnly: true });
      // Many AMC solutions box only the choice letter; those cannot agree with a numeric answer.
      if (/^\s*(?:\\text(?:bf)?\{)?\(?[A-E]\)?\}?\s*$/.test(v.extracted ?? '')) continue;
      if (v.correct) agree++;
      else disagree.push(`${JSON.stringify(r.answer)} vs ${JSON.stringify(v.extracted)}: ${v.reason}`);
    }
    const total = agree + disagree.length;
    assert.ok(total > 1000, `only ${total} solutions with a boxed value`);
    // The rest are genuine disagreements in the data (a different value boxed), checked by hand.
    assert.ok(agree / total >= 0.97, `agreement ${agree}/${total}:\n${disagree.join('\n')}`);
  });

  it('nearly every reference answer parses (curation flags the rest), and each verifies against itself', () => {
    const rows = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { answer?: unknown });
    assert.ok(rows.length > 5000, `${file} has only ${rows.length} rows`);
    const unparseable = rows.map((r) => String(r.answer)).filter((a) => goldProblem(a));
    assert.ok(unparseable.length <= rows.length / 1000, `${unparseable.length} unparseable:\n${unparseable.join('\n')}`);
    const selfFail = rows.map((r) => String(r.answer)).filter((a) => !verifyMathAnswer(a, a).correct);
    assert.deepEqual(selfFail, []);
  });
});

describe('MATH-500 reference answers as gold', () => {
  it('every one parses: none would make its prompt gold-unparseable', () => {
    const problems = answers.map((a) => [a, goldProblem(a)]).filter(([, p]) => p);
    assert.deepEqual(problems, []);
  });
});
