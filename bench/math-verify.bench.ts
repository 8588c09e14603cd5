// Math checks per second: the synchronous verifier and the worker-thread pool, on a mix built from
// MATH-500 answers (half equivalent re-typesettings, half wrong answers), against a naive baseline
// (string equality of the last \boxed{} content) measured in the same run.
import fs from 'node:fs';
import path from 'node:path';
import { MathVerifierPool, verifyMath } from '../src/core/reward/math';

const MATH500 = '/work/shared/data/benchmarks/math500.jsonl';

function loadAnswers(): string[] {
  const file = fs.existsSync(MATH500) ? MATH500 : path.resolve(__dirname, '../../shared/data/benchmarks/math500.jsonl');
  return fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => String((JSON.parse(l) as { answer: unknown }).answer));
}

function naiveCheck(gold: string, response: string): boolean {
  const at = response.lastIndexOf('\\boxed{');
  if (at < 0) return false;
  let depth = 0;
  for (let i = at + 6; i < response.length; i++) {
    if (response[i] === '{') depth++;
    else if (response[i] === '}' && --depth === 0) return response.slice(at + 7, i).trim() === gold.trim();
  }
  return false;
}

function timeIt(label: string, n: number, f: () => void): number {
  const t0 = performance.now();
  f();
  const s = (performance.now() - t0) / 1000;
  const rate = n / s;
  console.log(`${label.padEnd(44)} ${n} checks in ${s.toFixed(3)} s  → ${rate.toFixed(0)} checks/s`);
  return rate;
}

export async function run(): Promise<void> {
  const answers = loadAnswers();
  const items = answers.flatMap((a, i) => {
    const variant = a.replace(/\\frac/g, '\\dfrac').replace(/,(?!\d{3})/g, ', ');
    return [
      { gold: a, response: `<think>Working…</think> So the answer is $\\boxed{${variant}}$.`, expected: true },
      { gold: a, response: `<think>Working…</think> So the answer is $\\boxed{${answers[(i + 1) % answers.length]}}$.`, expected: a === answers[(i + 1) % answers.length] },
    ];
  });
  const n = items.length;

  const naiveRight = items.filter((it) => naiveCheck(it.gold, it.response) === it.expected).length;
  // The baseline is fast: time 20 passes over the mix so the clock resolution does not matter.
  const naiveRate = timeIt('baseline: naive string equality of \\boxed{}', n * 20, () => {
    for (let rep = 0; rep < 20; rep++) for (const it of items) naiveCheck(it.gold, it.response);
  });

  verifyMath(items[0].gold, items[0].response); // warm the JIT and mathjs
  let syncRight = 0;
  const syncRate = timeIt('verifyMath (synchronous, this thread)', n, () => {
    for (const it of items) if (verifyMath(it.gold, it.response).correct === it.expected) syncRight++;
  });

  const pool = new MathVerifierPool({ size: 2, timeoutMs: 10_000 });
  try {
    await Promise.all([pool.verify('1', '\\boxed{1}'), pool.verify('2', '\\boxed{2}')]); // start both workers
    const t0 = performance.now();
    const verdicts = await Promise.all(items.map((it) => pool.verify(it.gold, it.response)));
    const s = (performance.now() - t0) / 1000;
    const poolRate = n / s;
    const poolRight = verdicts.filter((v, i) => v.correct === items[i].expected).length;
    console.log(`${'MathVerifierPool (2 worker threads)'.padEnd(44)} ${n} checks in ${s.toFixed(3)} s  → ${poolRate.toFixed(0)} checks/s`);
    console.log(`agreement with the intended labels: verifier ${syncRight}/${n} (pool ${poolRight}/${n}), naive ${naiveRight}/${n}`);
    console.log(`ratio sync verifier / naive baseline: ${(syncRate / naiveRate).toFixed(4)}x (the baseline is a string compare, so < 1 is expected)`);
    console.log(`ratio pool / naive baseline:          ${(poolRate / naiveRate).toFixed(4)}x`);
    console.log(`ratio pool / sync:                    ${(poolRate / syncRate).toFixed(2)}x`);
  } finally {
    await pool.close();
  }
}
