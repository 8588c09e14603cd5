import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lastBoxedContent } from '../../../src/core/dataset/boxed';

test('lastBoxedContent takes the last box and balances nested braces', () => {
  assert.equal(lastBoxedContent('a \\boxed{1} then \\boxed{\\frac{1}{2}}.'), '\\frac{1}{2}');
  assert.equal(lastBoxedContent('\\boxed{\\{1, 2\\}}'), '\\{1, 2\\}');
  assert.equal(lastBoxedContent('so \\fbox{7}'), '7');
  assert.equal(lastBoxedContent('\\boxed 5.'), '5.');
  assert.equal(lastBoxedContent('no box'), undefined);
  assert.equal(lastBoxedContent('\\boxed{unclosed'), undefined);
});
