// Math checks per second, in this process and as a whole `acereason verify math` process, with the
// median and p99 time of one check, on a mix built from MATH-500 answers (half equivalent
// re-typesettings, half wrong answers) plus the labelled suite's answer classes. Baselines measured
// in the same run: string equality of the last \boxed{} (in-process), and a bare node process that
// reads the same JSONL and does that string compare (the cost of a process and its I/O).
// Adversarial inputs (towers, 9999!, 100 KB, 200 nested braces) must end within the per-check limit.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_TIME_MS, MathVerifierPool, verifyMath, verifyMathAnswer } from '../src/core/reward/math';

const MATH500 = '/work/shared/data/benchmarks/math500.jsonl';
/** Math-Verify 0.8.0's throughput as whole processes on this kind of machine (issue 10: 35–50 checks/s); we compare to the upper figure. */
const MATH_VERIFY_RATE = 50;
const LABELLED = path.resolve(__dirname, '../test/unit/reward/mathSuite/labelled.jsonl');

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

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function row(label: string, n: number, seconds: number, extra = ''): number {
  const rate = n / seconds;
  console.log(`${label.padEnd(52)} ${String(n).padStart(6)} checks in ${seconds.toFixed(3).padStart(7)} s → ${rate.toFixed(0).padStart(7)} checks/s${extra}`);
  return rate;
}

const NAIVE_PROCESS = `
const fs = require('fs');
const lines = fs.readFileSync(process.argv[1], 'utf8').trim().split('\\n');
let out = '';
for (const l of lines) {
  const o = JSON.parse(l);
  const r = o.response; const at = r.lastIndexOf('\\\\boxed{'); let ok = false;
  if (at >= 0) { let d = 0; for (let i = at + 6; i < r.length; i++) { if (r[i] === '{') d++; else if (r[i] === '}' && --d === 0) { ok = r.slice(at + 7, i).trim() === String(o.gold).trim(); break; } } }
  out += JSON.stringify({ correct: ok }) + '\\n';
}
process.stdout.write(out);`;

export async function run(): Promise<void> {
  const answers = loadAnswers();
  const items = answers.flatMap((a, i) => {
    const variant = a.replace(/\\frac/g, '\\dfrac').replace(/,(?!\d{3})/g, ', ');
    const other = answers[(i + 1) % answers.length];
    return [
      { gold: a, response: `<think>Working…</think> So the answer is $\\boxed{${variant}}$.`, expected: true },
      { gold: a, response: `<think>Working…</think> So the answer is $\\boxed{${other}}$.`, expected: a === other },
    ];
  });
  const n = items.length;

  // Baseline, in-process: 20 passes so that the clock resolution does not matter.
  let t0 = performance.now();
  for (let rep = 0; rep < 20; rep++) for (const it of items) naiveCheck(it.gold, it.response);
  const naiveRate = row('baseline: string equality of \\boxed{} (in-process)', n * 20, (performance.now() - t0) / 1000);

  verifyMath(items[0].gold, items[0].response); // warm the JIT
  const times: number[] = [];
  let right = 0;
  t0 = performance.now();
  for (const it of items) {
    const s = performance.now();
    const v = verifyMath(it.gold, it.response, { extract: ['boxed'] });
    times.push(performance.now() - s);
    if (v.correct === it.expected) right++;
  }
  const syncRate = row('verifyMath, extract boxed (in-process)', n, (performance.now() - t0) / 1000);
  times.sort((a, b) => a - b);
  console.log(`${''.padEnd(52)} per check: median ${quantile(times, 0.5).toFixed(3)} ms, p99 ${quantile(times, 0.99).toFixed(3)} ms, max ${times[times.length - 1].toFixed(1)} ms`);

  const suite = fs.readFileSync(LABELLED, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const suiteTimes: number[] = [];
  t0 = performance.now();
  for (let rep = 0; rep < 5; rep++) {
    for (const r of suite) {
      const s = performance.now();
      const opts = { precision: r.precision as number | undefined, strict: r.strict as boolean | undefined, allowSetRelation: r.allow_set_relation as boolean | undefined, extract: r.extract as ['boxed'] | undefined };
      if (typeof r.pred === 'string') verifyMathAnswer(String(r.gold), r.pred, opts);
      else verifyMath(String(r.gold), String(r.response), opts);
      suiteTimes.push(performance.now() - s);
    }
  }
  row('labelled suite, every answer class (in-process)', suite.length * 5, (performance.now() - t0) / 1000);
  suiteTimes.sort((a, b) => a - b);
  console.log(`${''.padEnd(52)} per check: median ${quantile(suiteTimes, 0.5).toFixed(3)} ms, p99 ${quantile(suiteTimes, 0.99).toFixed(3)} ms`);

  const pool = new MathVerifierPool({ size: 2, timeoutMs: 10_000 });
  try {
    await Promise.all([pool.verify('1', '\\boxed{1}'), pool.verify('2', '\\boxed{2}')]); // start both workers
    t0 = performance.now();
    await Promise.all(items.map((it) => pool.verify(it.gold, it.response, { extract: ['boxed'] })));
    row('MathVerifierPool, 2 worker threads', n, (performance.now() - t0) / 1000);
  } finally {
    await pool.close();
  }

  // Whole processes: start-up, reading, grading and writing all included.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'math-bench-'));
  try {
    const input = path.join(dir, 'in.jsonl');
    // Four copies of the mix: an audit file has thousands of lines, and start-up is paid once.
    const copies = 4;
    const lines = items.map((it) => JSON.stringify({ gold: it.gold, response: it.response }));
    fs.writeFileSync(input, Array.from({ length: copies }, () => lines.join('\n')).join('\n') + '\n');
    const total = n * copies;
    const cli = path.resolve(__dirname, '../dist/cli.js');
    t0 = performance.now();
    const base = spawnSync(process.execPath, ['-e', NAIVE_PROCESS, input], { encoding: 'utf8', maxBuffer: 1 << 28 });
    const baseRate = row('baseline: node process, string equality', total, (performance.now() - t0) / 1000);
    if (base.status !== 0) throw new Error(`baseline process failed: ${base.stderr}`);
    if (!fs.existsSync(cli)) {
      console.log('whole-process figures skipped: dist/cli.js is missing (npm run bench builds it first)');
    } else {
      for (const workers of ['0', '2']) {
        t0 = performance.now();
        const r = spawnSync(process.execPath, [cli, 'verify', 'math', '--input', input, '--extract', 'boxed', '--workers', workers], { encoding: 'utf8', maxBuffer: 1 << 28 });
        const s = (performance.now() - t0) / 1000;
        if (r.status !== 0) throw new Error(`acereason verify math failed (${r.status}): ${r.stderr}`);
        row(`acereason verify math --workers ${workers} (whole process)`, total, s, `  (${(total / s / MATH_VERIFY_RATE).toFixed(1)}x Math-Verify's ~${MATH_VERIFY_RATE}/s; ${(total / s / baseRate).toFixed(3)}x the process baseline)`);
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }

  // Adversarial inputs: each must end (any state) within the per-check budget.
  const nested = '{'.repeat(200) + '7' + '}'.repeat(200);
  const boxed = (x: string) => `<think>…</think> so \\boxed{${x}}`;
  const adversarial: Array<[string, string]> = [
    ['10^{10^{10^{10}}}', boxed('10^{10^{10^{10}}}+1')], ['7', boxed('10^{10^{10^{10}}}')], ['9999!', boxed('9999!+1')], ['7', boxed('9999!')],
    ['7', boxed(`${'x+'.repeat(50_000)}1`)], ['7', `The answer is ${'1+'.repeat(50_000)}1`], ['7', boxed(nested)], [nested, boxed('7')],
    ['\\sum_{k=1}^{10^{12}} k', boxed('1')], ['7', 'a'.repeat(100_000)],
  ];
  for (const [gold, response] of adversarial) {
    const s = performance.now();
    const v = verifyMath(gold, response);
    const ms = performance.now() - s;
    const label = `adversarial ${JSON.stringify(gold.slice(0, 20))} vs ${JSON.stringify(response.replace('<think>…</think> so ', '').slice(0, 24))} (${response.length} chars)`;
    console.log(`${label.padEnd(70)} ${v.state.padEnd(8)} in ${ms.toFixed(1).padStart(7)} ms (limit ${DEFAULT_TIME_MS} ms)${ms > DEFAULT_TIME_MS ? '  OVER THE LIMIT' : ''}`);
  }

  console.log(`agreement with the intended labels on the MATH-500 mix: ${right}/${n}`);
  console.log(`ratio in-process verifier / string-equality baseline: ${(syncRate / naiveRate).toFixed(4)}x (a string compare is the floor, so < 1 is expected)`);
}

