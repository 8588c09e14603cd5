// Issue 17 item 7: passrates.jsonl stays one line per (run, stage, prompt) when a run killed at the end
// of a stage is resumed and repeats its write; readers count a repeated line once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadPassRates, recordPassRates, type PassRateMeasurement } from '../../../src/core/curate/passRates';

const stage = (run: string, step: number, n: number): PassRateMeasurement[] =>
  Array.from({ length: n }, (_, i) => ({ id: `p${i}`, passes: i % 5, k: 4 + (i % 5), run, step }));

test('kill during the end-of-stage write, resume repeats it: one line per prompt, no duplicates counted', { timeout: 60_000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'passrates-'));
  const file = path.join(dir, 'passrates.jsonl');
  const measurements = stage('run-a', 12, 432);
  // The writer (a child, as the trainer is) is killed with SIGKILL once part of the stage is on disk.
  const script = `const { recordPassRates } = require(${JSON.stringify(path.resolve(__dirname, '../../../src/core/curate/passRates.ts'))});
    const ms = ${JSON.stringify(measurements)};
    for (let i = 0; i < ms.length; i++) recordPassRates(${JSON.stringify(file)}, [ms[i]]);
    process.send?.('done'); setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], { stdio: 'ignore' });
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const lines = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').length : 0;
      if (lines > 100) { clearInterval(timer); child.kill('SIGKILL'); }
    }, 2);
    child.once('exit', () => { clearInterval(timer); resolve(); });
  });
  const before = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).length;
  assert.ok(before > 0 && before < 432, `the kill landed mid-stage (${before} lines)`);
  // Resume: the stage's write runs again in full, then once more (a second resume).
  const appended = recordPassRates(file, measurements);
  assert.equal(appended, 432 - before);
  assert.equal(recordPassRates(file, measurements), 0);
  assert.equal(fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).length, 432);
  const loaded = loadPassRates(file);
  assert.equal(loaded.measurements, 432);
  assert.equal(loaded.duplicates, 0);
  assert.equal(loaded.rates.size, 432);
  // The next stage of the same run (another step) and another run are new measurements.
  assert.equal(recordPassRates(file, stage('run-a', 24, 3)), 3);
  assert.equal(recordPassRates(file, stage('run-b', 12, 3)), 3);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a file written before the fix, with repeated lines, is read with each measurement counted once', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'passrates-'));
  const file = path.join(dir, 'passrates.jsonl');
  const ms = stage('old-run', 30, 10);
  const lines = [...ms, ...ms.slice(0, 4)].map((m) => JSON.stringify({ time: 't', ...m }));
  fs.writeFileSync(file, lines.join('\n') + '\n');
  const loaded = loadPassRates(file);
  assert.equal(loaded.measurements, 10);
  assert.equal(loaded.duplicates, 4);
  assert.equal(loaded.rates.get('p3')!.passRate, 3 / 7);
  // Without a run there is no identity: a newer measurement of the same prompt wins, as before.
  recordPassRates(file, [{ id: 'p3', passes: 1, k: 1 }]);
  recordPassRates(file, [{ id: 'p3', passes: 0, k: 1 }]);
  assert.equal(loadPassRates(file).rates.get('p3')!.passRate, 0);
  fs.rmSync(dir, { recursive: true, force: true });
});
