// The worker-thread pool: same verdicts as the synchronous verifier, and a hard wall-clock timeout
// that terminates and replaces a worker stuck in a check.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MathVerifierPool, verifyMathAnswer } from '../../../src/core/reward/math';

describe('MathVerifierPool', () => {
  const pool = new MathVerifierPool({ size: 2, timeoutMs: 20_000 });
  after(() => pool.close());

  it('gives the same verdicts as the synchronous verifier, in order, for concurrent checks', async () => {
    const cases: Array<[string, string]> = [
      ['\\frac12', '0.5'], ['1-1/e', '1+1/e'], ['(1,2]', '(1,2)'], ['x^2+2x+1', '(x+1)^2'], ['3x-y+13=0', '3x+4y+14=0'],
      ['\\{1,2\\}', '\\{2,1\\}'], ['\\frac{1}{2004!}', '\\frac{1}{2006!}'], ['50\\%', '0.5'], ['x=3', '3'], ['7', '8'],
    ];
    const verdicts = await Promise.all(cases.map(([g, p]) => pool.verifyAnswer(g, p)));
    verdicts.forEach((v, i) => assert.deepEqual(v, verifyMathAnswer(...cases[i]), `case ${i}`));
    assert.deepEqual(verdicts.map((v) => v.correct), [true, false, false, true, false, true, false, true, true, false]);
  });

  it('grades full responses', async () => {
    const v = await pool.verify('\\frac{3}{4}', '<think>\\boxed{1}</think> So $\\boxed{\\dfrac34}$.');
    assert.deepEqual(v, { correct: true, state: 'correct', extracted: '\\dfrac34', reason: v.reason });
    assert.match(v.reason, /after <\/think>/);
  });

  it('passes per-check options to the worker (extract, precision, strict, allowSetRelation)', async () => {
    const response = '<think>…</think> So the answer is 5.';
    assert.equal((await pool.verify('5', response)).state, 'correct');
    assert.equal((await pool.verify('5', response, { extract: ['boxed'] })).state, 'no-answer');
    assert.equal((await pool.verifyAnswer('\\frac{2}{3}', '0.6667')).correct, false);
    assert.equal((await pool.verifyAnswer('\\frac{2}{3}', '0.6667', { precision: 4 })).correct, true);
    assert.equal((await pool.verifyAnswer('x^2', 'y^2', { strict: false })).correct, true);
    assert.equal((await pool.verifyAnswer('(3,\\infty)', 'x > 3', { allowSetRelation: true })).correct, true);
  });

  it('answers a non-string input without sending it to a worker', async () => {
    const v = await pool.verify(undefined as unknown as string, 'x');
    assert.equal(v.correct, false);
    assert.equal(v.state, 'error');
    assert.match(v.reason, /must be strings/);
  });
});

describe('MathVerifierPool timeout', () => {
  it('returns a timeout verdict, restarts the worker, and keeps working', async () => {
    // Generous in-thread budgets so that only the pool's wall clock can stop this check.
    const pool = new MathVerifierPool({ size: 1, timeoutMs: 20_000, verify: { timeMs: 600_000, maxSteps: 1e15 } });
    try {
      assert.equal((await pool.verifyAnswer('2', '2.0')).correct, true); // the worker is up
      // 150 big powers matched in any order: seconds of bigint work, far beyond this check's limit.
      const items = Array.from({ length: 150 }, (_, k) => `${k + 2}^{${60000 + k}}`).join(',');
      const slow = await pool.verifyAnswer(items, items.split(',').reverse().join(', '), { timeoutMs: 300 });
      assert.equal(slow.correct, false);
      assert.equal(slow.state, 'timeout');
      assert.match(slow.reason, /^timeout: no verdict within 300 ms/);
      assert.equal(pool.restarts, 1);
      const next = await pool.verifyAnswer('\\sqrt{4}', '2');
      assert.equal(next.correct, true, next.reason);
    } finally {
      await pool.close();
    }
  });

  it('close() answers checks still queued', async () => {
    const pool = new MathVerifierPool({ size: 1, timeoutMs: 10_000 });
    const pending = pool.verifyAnswer('1', '1');
    await pool.close();
    const v = await pending;
    assert.equal(v.correct, false);
    assert.equal(v.state, 'error');
    assert.match(v.reason, /closed/);
    assert.match((await pool.verifyAnswer('1', '1')).reason, /closed/);
  });
});
