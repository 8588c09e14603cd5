// Extraction modes, named as Math-Verify names them: boxed (the recipe's reward), latex, expr; and
// several boxed answers (or math spans joined by "and") read as one set.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { extractAnswer, verifyMath, verifyMathAnswer } from '../../../src/core/reward/math';

const think = (body: string) => `<think>\nWe try \\boxed{99} and $x = 98$ first.\n</think>\n${body}`;

describe('extraction modes', () => {
  it('boxed: only the last \\boxed{} after </think>, nothing else', () => {
    assert.equal(extractAnswer(think('So it is \\boxed{7}.'), { extract: ['boxed'] }).answer, '7');
    assert.equal(extractAnswer(think('The answer is 7.'), { extract: ['boxed'] }).answer, null);
    assert.equal(extractAnswer(think('So $x = 7$.'), { extract: ['boxed'] }).answer, null);
    assert.equal(extractAnswer('<think>\\boxed{7}', { extract: ['boxed'] }).answer, null, 'an unclosed think block has no answer');
  });

  it('latex: boxed first, then math after "answer", then the last math span; never bare numbers', () => {
    assert.equal(extractAnswer(think('$y=2$, so the answer is $\\boxed{3}$ not $4$.'), { extract: ['latex'] }).answer, '3');
    assert.equal(extractAnswer(think('The final answer is $\\frac{1}{2}$. Check: $2 \\cdot \\frac12 = 1$.'), { extract: ['latex'] }).answer, '\\frac{1}{2}');
    assert.equal(extractAnswer(think('We get \\(x = 4\\) and then \\[y = 5\\]'), { extract: ['latex'] }).answer, 'y = 5');
    assert.equal(extractAnswer(think('Thus it is \\frac{10}{9} exactly'), { extract: ['latex'] }).answer, '\\frac{10}{9}');
    assert.equal(extractAnswer(think('It is 12.'), { extract: ['latex'] }).answer, null);
  });

  it('expr: plain numbers and expressions in running text', () => {
    const cases: Array<[string, string]> = [
      ['The result is -5.', '-5'], ['We need 7,425,000 liters.', '7,425,000'], ['That is 1 000 in total', '1 000'],
      ['about 28 percent of them', '28\\%'], ['a rise of 28 % overall', '28\\%'], ['roughly 0.3333 each', '0.3333'],
      ['so the ratio is 3/4.', '3/4'], ['Answer: 204', '204'], ['The cost is $100.', '100'],
    ];
    for (const [text, want] of cases) assert.equal(extractAnswer(think(text), { extract: ['expr'] }).answer, want, text);
    assert.equal(extractAnswer(think('Version XDY2K is out'), { extract: ['expr'] }).answer, null, 'digits inside a word are no number');
  });

  it('latex + expr (the CLI default): the later of the two, and a value after "answer" beats a lone variable', () => {
    assert.equal(extractAnswer('Final Answer: The largest $n$ is 34.').answer, '34');
    assert.equal(extractAnswer('We find $x = 3$ and so 4 remain.').answer, '4');
    assert.equal(extractAnswer('There are 4 left, so $x = 3$.').answer, 'x = 3');
    assert.equal(extractAnswer('The answer is $\\frac{1}{2}$. Then 3 + 4 = 7 checks out.').answer, '\\frac{1}{2}');
  });

  it('several boxes joined by commas or "and" are a set; boxes with words between are not', () => {
    assert.equal(extractAnswer('\\boxed{2}, \\boxed{3}, \\boxed{5}').answer, '2, 3, 5');
    assert.equal(extractAnswer('$\\boxed{(2, 2)}$ \\text{ and } $\\boxed{(6, 2)}$').answer, '(2, 2), (6, 2)');
    assert.equal(extractAnswer('first \\boxed{5} is wrong, after checking \\boxed{7}').answer, '7');
    assert.equal(verifyMathAnswer('\\{2,3,5\\}', '\\boxed{5}, \\boxed{2}, \\boxed{3}').correct, true);
    assert.equal(verifyMathAnswer('\\{2,3,5\\}', '\\boxed{2}, \\boxed{3}').correct, false);
  });

  it('math spans joined by "and" after "answer" are one answer', () => {
    assert.equal(extractAnswer('The answers are $(2,2)$ and $(6,2)$.').answer, '(2,2), (6,2)');
  });

  it('the trainer reward and the CLI default differ only in where they look', () => {
    const response = think('Hence the answer is 5.');
    assert.equal(verifyMath('5', response).state, 'correct');
    const boxed = verifyMath('5', response, { extract: ['boxed'] });
    assert.equal(boxed.state, 'no-answer');
    assert.match(boxed.reason, /no \\boxed\{\} after <\/think>/);
  });

  it('a given answer wrapped in prose is extracted; a bare or word answer is compared whole', () => {
    assert.equal(verifyMathAnswer('34', 'Final Answer: The largest $n$ is 34.').extracted, '34');
    assert.equal(verifyMathAnswer('7 minutes and 5 seconds', '7 minutes and 5 seconds').correct, true);
    assert.equal(verifyMathAnswer('\\text{Evelyn}', 'Evelyn').correct, true);
    assert.equal(verifyMathAnswer('\\frac{10}{9}', '\\frac{10}{9}').correct, true);
  });
});
