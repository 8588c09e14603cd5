// Code sandbox throughput: tests per second on the warm fork-server path against the
// spawn-per-test baseline (a fresh interpreter per test, same isolation, same tests, same run), and
// the pass count of every reference solution in the shared LeetCode data.
import fs from 'node:fs';
import { CodeSandbox, type RunTestsRequest } from '../src/core/reward/code';

const PROBLEMS = '/work/shared/data/code/problems.jsonl';
const CONCURRENCY = 2;

function shortTests(): RunTestsRequest[] {
  const requests: RunTestsRequest[] = [];
  for (let i = 0; i < 120; i++) {
    requests.push({ code: 'a, b = map(int, input().split())\nprint(a + b)', tests: [{ input: `${i} ${i * 3}`, output: String(i * 4) }] });
  }
  for (let i = 0; i < 120; i++) {
    requests.push({
      code: 'class Solution:\n    def maxSum(self, nums: List[int], k: int) -> int:\n        return sum(nlargest(k, nums))',
      fnName: 'maxSum', tests: [{ input: `[${i}, 5, 9, 1]\n2`, output: String(Math.max(i, 9) + [i, 5, 9, 1].sort((x, y) => x - y)[2]) }],
    });
  }
  return requests;
}

async function measure(sandbox: CodeSandbox, requests: RunTestsRequest[]): Promise<{ seconds: number; tests: number; passed: number }> {
  await sandbox.runTests(requests[0]); // start the workers outside the timed region
  const t0 = process.hrtime.bigint();
  const results = await Promise.all(requests.map((r) => sandbox.runTests(r)));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { seconds, tests: results.reduce((n, r) => n + r.tests.length, 0), passed: results.filter((r) => r.passed).length };
}

export async function run(): Promise<void> {
  const warm = new CodeSandbox({ concurrency: CONCURRENCY });
  const spawned = new CodeSandbox({ concurrency: CONCURRENCY, pythonStrategy: 'spawn' });
  try {
    const info = await warm.info();
    console.log(`python: ${info.pythonHow} (${info.pythonVersion}); tests run as uid ${info.worker?.uid ?? '(same user)'}; `
      + `netns=${info.isolation.networkNamespace} private-tmp=${info.isolation.mountNamespace}${info.isolation.notes.length ? `; notes: ${info.isolation.notes.join('; ')}` : ''}`);

    const requests = shortTests();
    const w = await measure(warm, requests);
    const s = await measure(spawned, requests);
    if (w.passed !== requests.length || s.passed !== requests.length) throw new Error(`short tests must all pass (warm ${w.passed}, spawn ${s.passed} of ${requests.length})`);
    const warmRate = w.tests / w.seconds;
    const spawnRate = s.tests / s.seconds;
    console.log(`short tests (${w.tests}, concurrency ${CONCURRENCY}): warm fork server ${warmRate.toFixed(1)} tests/s`
      + ` | spawn-per-test baseline ${spawnRate.toFixed(1)} tests/s | ratio ${(warmRate / spawnRate).toFixed(2)}x (target ≥ 5x)`);

    if (fs.existsSync(PROBLEMS)) {
      const rows = fs.readFileSync(PROBLEMS, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l))
        .filter((r) => r.format === 'functional');
      const t0 = process.hrtime.bigint();
      const results = await Promise.all(rows.map((r) => warm.runTests({ code: r.solutions[0], fnName: r.fn_name, tests: r.tests })));
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      const tests = results.reduce((n, r) => n + r.tests.length, 0);
      console.log(`reference solutions: ${results.filter((r) => r.passed).length}/${rows.length} pass (${tests} tests in ${seconds.toFixed(2)} s, ${(tests / seconds).toFixed(1)} tests/s warm)`);
    } else {
      console.log(`reference solutions: skipped (${PROBLEMS} not present)`);
    }
  } finally {
    warm.close();
    spawned.close();
  }
}
