import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitMath } from '../../../src/core/runs/mathSegments';

test('display and inline math, bare \\boxed{}, prices and escaped dollars', () => {
  assert.deepEqual(splitMath('Find $x^2$ if $$x=\\frac12$$ costs $5 and \\$3.'), [
    { kind: 'text', text: 'Find ' },
    { kind: 'math', tex: 'x^2', display: false, source: '$x^2$' },
    { kind: 'text', text: ' if ' },
    { kind: 'math', tex: 'x=\\frac12', display: true, source: '$$x=\\frac12$$' },
    { kind: 'text', text: ' costs $5 and \\$3.' },
  ]);
  assert.deepEqual(splitMath('so \\boxed{\\frac{5}{6}} and \\(a\\) \\[b\\]').filter((s) => s.kind === 'math').map((s) => s.kind === 'math' && [s.tex, s.display]),
    [['\\boxed{\\frac{5}{6}}', false], ['a', false], ['b', true]]);
  assert.deepEqual(splitMath('between $5 and $6 dollars'), [{ kind: 'text', text: 'between $5 and $6 dollars' }], 'a closing $ before a digit is no formula');
  assert.deepEqual(splitMath('a lone $x and\n\nmore $'), [{ kind: 'text', text: 'a lone $x and\n\nmore $' }]);
  assert.deepEqual(splitMath(''), []);
});
