// Equivalence classes of the math verifier: each class has answers that must match and answers that
// must not (the known false positives of other graders included).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { verifyMathAnswer } from '../../../src/core/reward/math';

type Case = [gold: string, pred: string];

const MUST_MATCH: Record<string, Case[]> = {
  'integer separators': [['1,234', '1234'], ['1000000', '1 000 000'], ['1{,}234', '1234'], ['1\\,234\\,567', '1234567'], ['10,000', '10000']],
  decimals: [['0.5', '0.50'], ['0.5', '.5'], ['2.0', '2'], ['0.125', '\\frac18']],
  fractions: [['\\frac{3}{4}', '3/4'], ['\\dfrac{3}{4}', '\\tfrac34'], ['\\frac12', '1/2'], ['\\frac{6}{8}', '\\frac34'], ['-\\frac{1}{2}', '\\frac{-1}{2}'], ['\\cfrac{2}{3}', '2/3']],
  'mixed numbers': [['2\\frac{1}{2}', '\\frac52'], ['-1\\frac{1}{3}', '-\\frac43'], ['3\\frac12', '3.5']],
  percentages: [['50\\%', '50'], ['50\\%', '0.5'], ['12.5\\%', '\\frac18'], ['25', '25\\%']],
  roots: [['\\sqrt{8}', '2\\sqrt{2}'], ['\\frac{\\sqrt3}{3}', '\\frac{1}{\\sqrt3}'], ['\\sqrt[3]{27}', '3'], ['\\sqrt2', '\\sqrt{2}'], ['\\sqrt{12}', '2\\sqrt3']],
  pi: [['\\frac{\\pi}{2}', '\\pi/2'], ['2\\pi', '\\pi\\cdot 2'], ['\\frac{3\\pi}{4}', '0.75\\pi']],
  exponents: [['2^{10}', '1024'], ['x^{-1}', '\\frac1x'], ['8^{2/3}', '4'], ['2^{100}', '1267650600228229401496703205376']],
  'scientific notation': [['1.5\\times10^{3}', '1500'], ['1.5e3', '1500'], ['3\\cdot 10^{-2}', '0.03']],
  'units and degrees': [['30^\\circ', '30'], ['30^{\\circ}', '30'], ['5\\text{ cm}', '5'], ['12 \\text{ inches}^2', '12'], ['\\$5', '5'], ['90\\text{ degrees}', '90'], ['5 cm', '5'], ['45°', '45']],
  'LaTeX noise': [['\\left(\\frac{1}{2}\\right)', '1/2'], ['\\mathrm{5}', '5'], ['\\displaystyle\\frac12', '0.5'], ['\\text{5}', '5'], ['\\!5\\,', '5'], ['\\boxed{7}', '7']],
  'x = value': [['x=3', '3'], ['3', 'x = 3'], ['y = 2x+1', '2x+1'], ['k=5', '5'], ['f(x)=x^2', 'x^2']],
  tuples: [['(1,2)', '(1, 2)'], ['(1,-2)', '\\left(1,-2\\right)'], ['(\\frac12, 3)', '(0.5,3)']],
  sets: [['\\{1,2,3\\}', '\\{3,2,1\\}'], ['1, 2', '2, 1'], ['\\{1,2\\}', '1,2'], ['x=1, 2', '2, 1']],
  'interval written with \\in': [['[1,2]', 'x\\in[1,2]'], ['x \\in [-2,7]', '[-2, 7]']],
  'chains of working: the last right-hand side': [['11', 'x = 5+5+1 = 11'], ['11', '5+5+1 = 11'], ['x=11', 'x = 5+6 = 11']],
  'assignments of tuples': [['(3,2)', '(p,q)=(3,2)'], ['(5,8),(8,5)', '(x, y) = (5, 8) \\quad \\text{and} \\quad (8, 5)']],
  'decimals at 6 places (Math-Verify float_rounding)': [['\\frac{1}{12}', '0.0833333333333333'], ['\\frac13', '0.333333'], ['\\pi', '3.141593'], ['\\frac{\\sqrt3}{2}', '0.866025']],
  'money': [['16386.20', '\\$16,\\!386.20'], ['\\$16,386.20', '16386.2'], ['1,000', '\\$1000']],
  'plain-text numbers': [['7425000', '7,425,000'], ['1000', '1 000'], ['28\\%', '28 percent'], ['28', '28 %'], ['-5', '-5']],
  'matrices in any environment': [['\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}', '\\left[\\begin{array}{cc}1&2\\\\3&4\\end{array}\\right]']],
  'sums with finite or symbolic bounds': [['\\sum_{k=1}^{10} k', '55'], ['\\sum_{k=1}^{n} k', '\\frac{n(n+1)}{2}'], ['\\sum_{k=0}^{n-1} F_k F_{n-k-1}', '\\sum_{k=0}^{n-1} F_{n-k-1} F_k'], ['\\prod_{k=1}^{5} k', '5!'], ['\\sum_{i=1}^{3} i^2', '14']],
  ratios: [['1:3', '2:6'], ['1:3', '\\frac13'], ['4\\!:\\!51\\!:\\!06 \\text{ p.m.}', '4:51:06']],
  'set-builder notation': [['\\{x \\mid x \\in [2, 3]\\}', '[2,3]']],
  'thousands separators inside fractions': [['\\dfrac{1}{29,\\!322,\\!216}', '\\frac{1}{29322216}']],
  intervals: [['(-\\infty, 3]', '(-\\infty,3]'], ['[1,2)', '\\left[1, 2\\right)'], ['(-\\infty,-1)\\cup(1,\\infty)', '(1,\\infty)\\cup(-\\infty,-1)']],
  'symbolic expressions': [['x^2+2x+1', '(x+1)^2'], ['\\frac{x^2-1}{x-1}', 'x+1'], ['\\sin^2x+\\cos^2x', '1'], ['2\\sin x\\cos x', '\\sin(2x)'], ['\\sqrt{1/n}', '\\frac1{\\sqrt n}'], ['ab', 'ba'], ['\\frac{a+b}{2}', '\\frac{a}{2}+\\frac{b}{2}']],
  equations: [['3x-y+13=0', '6x-2y+26=0'], ['y=2x+1', '2x-y+1=0'], ['x>3', '3<x'], ['x\\ge 2', '2\\le x']],
  'plus-minus': [['1\\pm\\sqrt2', '1+\\sqrt2,1-\\sqrt2'], ['\\pm 3', '3, -3']],
  matrices: [['\\begin{pmatrix}1\\\\2\\end{pmatrix}', '\\begin{pmatrix}1 \\\\ 2\\end{pmatrix}'], ['\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}', '\\begin{bmatrix}1&2\\\\3&\\frac{8}{2}\\end{bmatrix}']],
  text: [['\\text{Evelyn}', 'Evelyn'], ['\\text{(C)}', '(C)'], ['\\text{east}', 'East']],
  'complex numbers': [['3+2i', '2i+3'], ['\\frac{1+i}{2}', '\\frac12+\\frac{i}{2}']],
  'functions': [['\\log_2 8', '3'], ['\\ln(e^2)', '2'], ['\\binom{5}{2}', '10'], ['\\dbinom{10}{3}', '120'], ['5!', '120'], ['|-3|', '3'], ['\\lfloor 2.5\\rfloor', '2']],
  'base notation': [['1011_2', '1011_{2}']],
  'multiple-choice labels next to the value': [['26', '\\textbf{(A)}\\ 26'], ['40', '40\\textbf{ (B)}'], ['16089', '16089\\textbf{(B)}'], ['(C)', '\\textbf{(C)}\\ 28'], ['\\frac13', '\\textbf{(C)}\\hspace{.05in}\\frac{1}{3}']],
  'words and odd spellings': [['9 and -7', '9\\text{ and }-7'], ['2, 3, or 4', '4, 3, 2'], ['-13.5', '{-}13.5'], ['\\$2.50', '\\textdollar 2.50'], ['245 yd.', '\\text{245 yd.}'], ['143', '= 143']],
};

const MUST_NOT_MATCH: Record<string, Case[]> = {
  'sign of a term (Math-Verify PR #82)': [['1-1/e', '1+1/e'], ['1-\\frac1e', '1+\\frac{1}{e}']],
  'equations with other right-hand sides (Math-Verify #14)': [['n=2,3,4', 'n=1,2,3'], ['x=2', 'x=3'], ['y=2x+1', 'y=2x-1']],
  'tiny values that floats cannot separate (#14)': [['\\frac{1}{2004!}', '\\frac{1}{2006!}'], ['\\frac{1}{2004!}', '0']],
  'different lines both "= 0" (#60)': [['3x-y+13=0', '3x+4y+14=0']],
  'inequalities are intervals with their own brackets': [['(3,\\infty)', 'x\\ge3'], ['(2,5]', '2\\le x\\le5'], ['(3,\\infty)', 'x<3']],
  'brackets must match': [['(1,2)', '[1,2]'], ['(1,2]', '(1,2)'], ['(1,2)', '(2,1)'], ['(1,2)', '1,2']],
  'different sets': [['\\{1,2\\}', '\\{1,2,3\\}'], ['1+\\sqrt2, 1-\\sqrt2', '1\\pm\\sqrt3']],
  'large exact numbers': [['2^{100}', '2^{100}+1'], ['12345678901234567890', '12345678901234567891']],
  'approximations of exact values': [['\\frac13', '0.333'], ['\\pi', '3.14'], ['\\frac{\\sqrt3}{2}', '0.866'], ['\\pi', '\\frac{355}{113}'], ['\\frac{1}{12}', '0.0833']],
  'plus-minus is two answers (±2021 vs 2021)': [['\\pm 2021', '2021'], ['2021', '\\pm 2021']],
  'tuples differ in one coordinate': [['(0,1)', '(0,1.5)'], ['(3,2)', '(p,q)=(2,3)']],
  'chains ending elsewhere': [['11', 'x = 5+5+1 = 12']],
  'different sums': [['\\sum_{k=0}^{n-1} F_k F_{n-k-1}', '\\sum_{k=0}^{n-1} F_{n-k} F_k'], ['\\sum_{k=1}^{n} k', '\\frac{n(n-1)}{2}'], ['\\sum_{k=1}^{10} k', '56']],
  'ratios': [['1:3', '3:1'], ['1:3', '1:3:1']],
  'money': [['16386.20', '\\$16,\\!368.20']],
  'inequalities are not intervals unless set–relation comparison is on': [['(3,\\infty)', 'x>3'], ['[-2,7]', '-2 \\le x \\le 7']],
  'strict variable names': [['f(x) = x^2', 'f(y) = y^2'], ['x^2+1', 'y^2+1'], ['x = 3', 'y = 3']],
  'different expressions that both simplify to 0': [['x - x', '1'], ['\\sin^2 x + \\cos^2 x - 1', 'x']],
  'functions that agree only for positive inputs': [['x', '|x|'], ['x', '\\sqrt{x^2}']],
  'numbers side by side are not a product': [['6', '2 3']],
  'different expressions': [['x^2', 'x^3'], ['\\sin x', '\\cos x'], ['x+y', 'x-y'], ['ab', 'a+b'], ['5', '5x']],
  'percent is not an arbitrary scale': [['50\\%', '5']],
  'inequalities keep direction and strictness': [['x>3', 'x<3'], ['x\\ge3', 'x>3']],
  'different text': [['\\text{Evelyn}', 'Navin'], ['(C)', '(D)']],
  'base notation is not decimal': [['1011_2', '11']],
  'infinity': [['\\infty', '10^{400}'], ['-\\infty', '\\infty']],
  'empty answer': [['2', '']],
  'multiple-choice labels': [['(B)', '\\textbf{(C)}\\ 26'], ['26', '\\textbf{(A)}\\ 27']],
  'matrices': [['\\begin{pmatrix}1\\\\2\\end{pmatrix}', '\\begin{pmatrix}2\\\\1\\end{pmatrix}'], ['\\begin{pmatrix}1&2\\end{pmatrix}', '\\begin{pmatrix}1\\\\2\\end{pmatrix}']],
  'tiny values beyond float range': [['e^{-40}', 'e^{-41}']],
};

describe('math equivalence: must match', () => {
  for (const [cls, cases] of Object.entries(MUST_MATCH)) {
    it(cls, () => {
      for (const [gold, pred] of cases) {
        const v = verifyMathAnswer(gold, pred);
        assert.equal(v.correct, true, `${cls}: ${JSON.stringify(gold)} vs ${JSON.stringify(pred)} should match (${v.reason})`);
        assert.ok(v.reason.length > 0);
      }
    });
  }
});

describe('math equivalence: must NOT match', () => {
  for (const [cls, cases] of Object.entries(MUST_NOT_MATCH)) {
    it(cls, () => {
      for (const [gold, pred] of cases) {
        const v = verifyMathAnswer(gold, pred);
        assert.equal(v.correct, false, `${cls}: ${JSON.stringify(gold)} vs ${JSON.stringify(pred)} must not match (${v.reason})`);
        assert.ok(v.reason.length > 0);
      }
    });
  }
});

describe('math equivalence: options', () => {
  it('precision: typed decimals equal exact values rounded to N places (default 6)', () => {
    assert.equal(verifyMathAnswer('\\frac{\\sqrt3}{2}', '0.866').correct, false);
    assert.equal(verifyMathAnswer('\\frac{\\sqrt3}{2}', '0.866', { precision: 3 }).correct, true);
    assert.equal(verifyMathAnswer('(\\frac{3}{5}, \\frac{8}{3}]', '(0.6, 2.6667]').correct, false);
    assert.equal(verifyMathAnswer('(\\frac{3}{5}, \\frac{8}{3}]', '(0.6, 2.6667]', { precision: 4 }).correct, true);
    assert.equal(verifyMathAnswer('(\\frac{3}{5}, \\frac{8}{3}]', '(0.6, 2.6667)', { precision: 4 }).correct, false);
    // Rounding is for typed decimals: two exact values are never "close enough".
    assert.equal(verifyMathAnswer('\\pi', '\\frac{355}{113}', { precision: 2 }).correct, false);
    assert.equal(verifyMathAnswer('1000000', '1000001', { precision: 0 }).correct, false);
    // Values too small to show at the precision are not equal because both round to 0.
    assert.equal(verifyMathAnswer('0.0000001', '0.0000002').correct, false);
  });
  it('strict: variables must match by name; off, the answer may rename them', () => {
    assert.equal(verifyMathAnswer('f(x) = x^2 + 1', 'f(y) = y^2 + 1').correct, false);
    assert.equal(verifyMathAnswer('f(x) = x^2 + 1', 'f(y) = y^2 + 1', { strict: false }).correct, true);
    assert.equal(verifyMathAnswer('f(x) = x^2 + 1', 'f(y) = y^2 + 2', { strict: false }).correct, false);
    assert.equal(verifyMathAnswer('a + 2b', 'b + 2a', { strict: false }).correct, true, 'renaming a↔b is what non-strict allows');
    assert.equal(verifyMathAnswer('a + 2b', 'b + 2a').correct, false);
  });
  it('allowSetRelation: inequalities equal intervals only when on', () => {
    for (const [g, p] of [['(3,\\infty)', 'x>3'], ['(-\\infty,2]', 'x\\le 2'], ['(2,5]', '2<x\\le5'], ['(2,5]', '5\\ge x>2'], ['x \\in [-2,7]', '-2 \\le x \\le 7']]) {
      assert.equal(verifyMathAnswer(g, p).correct, false, `${g} vs ${p} (off)`);
      assert.equal(verifyMathAnswer(g, p, { allowSetRelation: true }).correct, true, `${g} vs ${p} (on)`);
    }
    assert.equal(verifyMathAnswer('(3,\\infty)', 'x \\ge 3', { allowSetRelation: true }).correct, false);
    assert.equal(verifyMathAnswer('x > 3', '3 < x').correct, true, 'two inequalities compare without the option');
  });
  it('relativeTolerance only absorbs floating-point noise and never loosens exact rationals', () => {
    assert.equal(verifyMathAnswer('1000000', '1000001', { relativeTolerance: 1e-3 }).correct, false);
    assert.equal(verifyMathAnswer('\\frac{\\sqrt3}{3}', '\\frac{1}{\\sqrt3}').correct, true);
  });
  it('numeric answers are symmetric', () => {
    for (const [a, b] of [['\\frac{\\sqrt3}{3}', '\\frac{1}{\\sqrt3}'], ['x^2+2x+1', '(x+1)^2'], ['1-1/e', '1+1/e'], ['\\frac{1}{12}', '0.0833333333']]) {
      assert.equal(verifyMathAnswer(a, b).correct, verifyMathAnswer(b, a).correct, `${a} / ${b}`);
    }
  });
});

describe('math verdict states', () => {
  it('correct, wrong, no-answer, gold-unparseable', () => {
    assert.equal(verifyMathAnswer('2', '2').state, 'correct');
    assert.equal(verifyMathAnswer('2', '3').state, 'wrong');
    assert.equal(verifyMathAnswer('2', '').state, 'no-answer');
    assert.equal(verifyMathAnswer('\\frac{1}{7}\\triangle ABC', '5').state, 'gold-unparseable');
    assert.equal(verifyMathAnswer('\\frac{1}{7}\\triangle ABC', '\\frac{1}{7}\\triangle ABC').state, 'correct', 'identical text still matches');
    assert.equal(verifyMathAnswer('\\text{Evelyn}', 'Navin').state, 'wrong', 'a word answer is a valid reference');
  });
  it('a budget overrun is a timeout, not a wrong answer', () => {
    const items = Array.from({ length: 60 }, (_, k) => `${k + 2}^{${3000 + k}}`).join(',');
    const v = verifyMathAnswer(items, items.split(',').reverse().join(', '), { timeMs: 1, maxSteps: 1000 });
    assert.equal(v.state, 'timeout', v.reason);
    assert.equal(v.correct, false);
  });
  it('non-strings are an error', () => {
    assert.equal(verifyMathAnswer(undefined as unknown as string, '1').state, 'error');
  });
});
