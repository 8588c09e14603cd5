// Every reference solution of the LeetCode function-call problems in the shared data must pass its
// tests (with the import prelude), and deliberately broken variants of them must fail.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { CodeSandbox } from '../../../src/core/reward/code';
import { sharedData } from '../../helpers/sharedData';

const PROBLEMS = sharedData('code/problems.jsonl');

interface FunctionalRow { id: string; format: string; fn_name: string; tests: { input: string; output: string }[]; solutions: string[] }

function loadFunctionalRows(): FunctionalRow[] {
  return fs.readFileSync(PROBLEMS, 'utf8').split('\n').filter((l) => l.trim())
    .map((l) => JSON.parse(l) as FunctionalRow).filter((r) => r.format === 'functional');
}

/** A small seeded generator so the broken-variant sample is the same on every run. */
function seededSample<T>(items: T[], count: number, seed: number): T[] {
  let state = seed >>> 0;
  const next = () => { state = (Math.imul(state, 1664525) + 1013904223) >>> 0; return state / 2 ** 32; };
  const copy = items.slice();
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy.slice(0, count);
}

function plausiblyWrong(solution: string, fnName: string): string {
  return `${solution}

_acereason_original = Solution.${fnName}
def _acereason_off(self, *args, **kwargs):
    r = _acereason_original(self, *args, **kwargs)
    if isinstance(r, bool): return not r
    if isinstance(r, (int, float)): return r + 1
    if isinstance(r, str): return r + "x"
    if isinstance(r, (list, tuple)): return list(r) + [None]
    return [r]
Solution.${fnName} = _acereason_off
`;
}

let sandbox: CodeSandbox;
// A generous limit: this checks correctness, and the machine may be loaded by other suites.
before(() => { sandbox = new CodeSandbox({ concurrency: 2, timeoutS: 20 }); });
after(() => sandbox.close());

test('all 200 reference solutions pass all their tests', async () => {
  const rows = loadFunctionalRows();
  assert.equal(rows.length, 200);
  const results = await Promise.all(rows.map((row) => sandbox.runTests({ code: row.solutions[0], fnName: row.fn_name, tests: row.tests })));
  const failures = rows.map((row, i) => ({ id: row.id, r: results[i] })).filter((x) => !x.r.passed)
    .map((x) => `${x.id}: ${JSON.stringify(x.r.tests.at(-1))}`);
  assert.deepEqual(failures, [], `reference solutions that failed:\n${failures.join('\n')}`);
  assert.equal(results.reduce((n, r) => n + r.tests.length, 0), 492, 'every converted test ran');
});

test('broken variants of 40 sampled reference solutions all fail', async () => {
  const sample = seededSample(loadFunctionalRows(), 40, 20261122);
  const variants = sample.flatMap((row) => [
    { row, kind: 'off-by-one result', code: plausiblyWrong(row.solutions[0], row.fn_name), expect: ['WA'] },
    { row, kind: 'raises', code: `${row.solutions[0]}\n    def ${row.fn_name}(self, *a, **k):\n        raise RuntimeError("broken")\n`, expect: ['RE'] },
    { row, kind: 'truncated', code: row.solutions[0].slice(0, Math.floor(row.solutions[0].length / 2)) + '\n    (', expect: ['RE'] },
    { row, kind: 'no prelude import in scope', code: row.solutions[0].replace(/class Solution:/, 'List = None\ndel List\nclass Solution:'), expect: ['RE'] },
  ]);
  const results = await Promise.all(variants.map((v) => sandbox.runTests({ code: v.code, fnName: v.row.fn_name, tests: v.row.tests })));
  const wrong: string[] = [];
  variants.forEach((v, i) => {
    const r = results[i];
    if (v.kind === 'no prelude import in scope') {
      // Only solutions that annotate with List lose a name here; the others must still pass.
      const usesList = /\bList\[/.test(v.row.solutions[0]);
      if (usesList ? r.passed : !r.passed) wrong.push(`${v.row.id} ${v.kind}: ${JSON.stringify(r.tests.at(-1))}`);
      return;
    }
    const last = r.tests.at(-1)!;
    if (r.passed || r.reward !== 0 || !v.expect.includes(last.status)) wrong.push(`${v.row.id} ${v.kind}: ${JSON.stringify(last)}`);
  });
  assert.deepEqual(wrong, []);
});
