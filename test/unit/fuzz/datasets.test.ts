// Fuzz: generated malformed JSONL, JSON and Parquet through the one dataset reader and the commands
// that use it (curate, export verl, the rollout filter). Never a crash, a file:line (and field when
// one is to blame) for every bad line, and nothing already saved changed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { runCli } from '../../../src/cli/main';
import { loadDataset } from '../../../src/core/dataset/load';
import { DatasetError, describeRowProblem, type RowProblem } from '../../../src/core/dataset/errors';
import { filterFromRollouts } from '../../../src/core/verl/rolloutFilter';
import { Fuzz, SCALE, SEED, snapshot } from './fuzzKit';

// A damaged page can make the decoder loop; the reader stops it after this budget per row group.
process.env.ACEREASON_PARQUET_GROUP_TIMEOUT_S = '2';
const fz = new Fuzz(SEED);
const note = `(FUZZ_SEED=${SEED})`;
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'fuzz-data-'));

const MATH = (i: number) => JSON.stringify({ id: `m${i}`, source: 's', problem: `Find the sum of the first ${i + 3} positive integers, counting each once.`, answer: String(((i + 3) * (i + 4)) / 2) });
const CODE = (i: number) => JSON.stringify({ domain: 'code', id: `c${i}`, source: 's', problem: `Read n and print n plus ${i}, followed by a newline.`, format: 'stdin', tests: [{ input: '1\n', output: `${1 + i}\n` }] });
const CURATED = (i: number) => JSON.stringify({ domain: 'math', id: `k${i}`, source: 's', problem: `Compute ${i} squared plus ${i} and give the result.`, answer: String(i * i + i) });

function fuzzedJsonl(make: (i: number) => string, lines: number): { text: Buffer; mutated: number } {
  const parts: Buffer[] = [];
  let mutated = 0;
  for (let i = 0; i < lines; i++) {
    const valid = make(i);
    if (fz.next() < 0.4) { parts.push(fz.mutateLine(valid)); mutated++; } else parts.push(Buffer.from(valid));
  }
  return { text: Buffer.concat(parts.flatMap((p) => [p, Buffer.from('\n')])), mutated };
}

function assertLocated(problems: readonly RowProblem[], file: string, maxLine: number): void {
  for (const p of problems) {
    assert.equal(p.file, file, note);
    assert.ok(Number.isInteger(p.line) && p.line >= 1 && p.line <= maxLine, `line ${p.line} of ${maxLine} ${note}`);
    assert.ok(p.error && !/\n/.test(p.error), `one-line reason: ${p.error} ${note}`);
    assert.ok(describeRowProblem(p).startsWith(`${file}:${p.unit === 'row' ? 'row ' : ''}${p.line}: `), note);
  }
}

test(`fuzz: malformed JSONL through loadDataset never throws and accounts for every line ${note}`, { timeout: 60_000 }, async () => {
  const dir = tmp();
  for (let round = 0; round < Math.round(40 * SCALE); round++) {
    const domain = fz.pick(['math', 'code'] as const);
    const file = path.join(dir, `r${round}.jsonl`);
    const lines = 20 + fz.int(40);
    fs.writeFileSync(file, fuzzedJsonl(domain === 'math' ? MATH : CODE, lines).text);
    const loaded = await loadDataset([file], { domain, preset: fz.next() < 0.5 ? undefined : domain === 'math' ? 'math-answer' : 'acereason-code' }).catch((e) => {
      // Auto-detection may find no preset in a file of garbage: a file-level DatasetError naming the file.
      assert.ok(e instanceof DatasetError && e.message.startsWith(file), `${(e as Error).stack} ${note}`);
      return undefined;
    });
    if (!loaded) continue;
    assert.equal(loaded.records.length + loaded.skipped.length, loaded.rowsRead, `every row is a record or a named skip ${note}`);
    assertLocated(loaded.skipped, file, lines + 1);
    assertLocated(loaded.warnings, file, lines + 1);
    for (const r of loaded.records) JSON.stringify(r); // nothing downstream can overflow on a record
  }
});

test(`fuzz: curate on malformed JSONL lists every skipped line and leaves inputs and labels untouched ${note}`, { timeout: 60_000 }, async () => {
  const dir = tmp();
  fs.mkdirSync(path.join(dir, '.acereason'));
  fs.writeFileSync(path.join(dir, '.acereason', 'labels.jsonl'), JSON.stringify({ id: 'm3', decision: 'exclude', time: 't' }) + '\n');
  for (let round = 0; round < Math.round(6 * SCALE); round++) {
    const file = path.join(dir, `in${round}.jsonl`);
    fs.writeFileSync(file, fuzzedJsonl(MATH, 150).text);
    const before = snapshot(path.join(dir, '.acereason'));
    const input = snapshot(dir);
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let err = '';
    stdout.resume();
    stderr.on('data', (d) => { err += d; });
    const code = await runCli(['curate', '--domain', 'math', '--preset', 'math-answer', '--input', file, '--out', `out${round}`, '--steps', 'math-rules,labels'], { stdout, stderr, stdin: new PassThrough(), isTTY: false, cwd: dir });
    assert.equal(code, 0, `${err} ${note}`);
    assert.doesNotMatch(err, /internal error|\n\s+at /, note);
    assert.deepEqual(snapshot(path.join(dir, '.acereason')), before, `labels untouched ${note}`);
    for (const [p, h] of Object.entries(input)) assert.equal(snapshot(dir)[p], h, `input ${p} untouched ${note}`);
    const report = JSON.parse(fs.readFileSync(path.join(dir, `out${round}`, 'report.json'), 'utf8'));
    const skipped = fs.readFileSync(path.join(dir, `out${round}`, 'skipped.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    assert.equal(skipped.length, report.skipped_lines, `every skipped line is listed ${note}`);
    for (const s of skipped) assert.ok(s.file === file && s.line >= 1 && typeof s.reason === 'string', note);
  }
});

test(`fuzz: JSON arrays and Parquet with damaged bytes give rows or one file-level error naming the file ${note}`, { timeout: 60_000 }, async () => {
  const dir = tmp();
  const { parquetWriteBuffer } = await import('hyparquet-writer');
  const problems = Array.from({ length: 60 }, (_, i) => `Compute ${i} times ${i + 2} and give the product as an integer.`);
  const good = Buffer.from(parquetWriteBuffer({ columnData: [{ name: 'problem', data: problems, type: 'STRING' }, { name: 'answer', data: problems.map((_, i) => String(i * (i + 2))), type: 'STRING' }, { name: 'id', data: problems.map((_, i) => BigInt(i) * 10n ** 17n + 7n), type: 'INT64' }], rowGroupSize: 16 }));
  const array = Buffer.from(JSON.stringify(problems.map((p, i) => ({ id: i, problem: p, answer: String(i) }))));
  // A previous good curate run whose outputs must survive every failed one.
  fs.writeFileSync(path.join(dir, 'good.parquet'), good);
  const io = () => ({ stdout: new PassThrough().resume(), stderr: new PassThrough(), stdin: new PassThrough(), isTTY: false, cwd: dir });
  assert.equal(await runCli(['curate', '--domain', 'math', '--input', 'good.parquet', '--out', 'out', '--steps', 'math-rules'], io()), 0);
  const saved = snapshot(path.join(dir, 'out'));
  for (let round = 0; round < Math.round(40 * SCALE); round++) {
    const parquet = round % 2 === 0;
    const bytes = Buffer.from(parquet ? good : array);
    const flips = 1 + fz.int(6);
    for (let k = 0; k < flips; k++) {
      const at = fz.int(bytes.length);
      if (fz.next() < 0.5) bytes[at] = fz.int(256);
      else bytes.fill(fz.pick([0, 0xff, 0x7b]), at, Math.min(bytes.length, at + 1 + fz.int(32)));
    }
    const file = path.join(dir, `d${round}.${parquet ? 'parquet' : 'json'}`);
    fs.writeFileSync(file, fz.next() < 0.1 ? bytes.subarray(0, fz.int(bytes.length)) : bytes);
    if (process.env.FUZZ_TRACE) console.error(`round ${round} ${file}`);
    try {
      const loaded = await loadDataset([file], { domain: 'math', preset: 'math-answer' });
      assert.equal(loaded.records.length + loaded.skipped.length, loaded.rowsRead, note);
      assertLocated(loaded.skipped, file, 60);
    } catch (e) {
      assert.ok(e instanceof DatasetError, `${(e as Error)?.stack ?? e} ${note}`);
      assert.ok(e.message.startsWith(`${file}: `) && !e.message.includes('\n    at '), `${e.message} ${note}`);
      const stderr = new PassThrough();
      let err = '';
      stderr.on('data', (d) => { err += d; });
      const code = await runCli(['curate', '--domain', 'math', '--input', file, '--out', 'out', '--steps', 'math-rules'], { ...io(), stderr });
      assert.equal(code, 2, note);
      assert.equal(err.trim().split('\n').length, 1, `one line: ${err} ${note}`);
      assert.deepEqual(snapshot(path.join(dir, 'out')), saved, `a failed run changes nothing saved ${note}`);
    }
  }
});

test(`fuzz: export verl and the rollout filter on malformed curated files and dumps ${note}`, { timeout: 60_000 }, async () => {
  const dir = tmp();
  for (let round = 0; round < Math.round(8 * SCALE); round++) {
    const file = path.join(dir, `cur${round}.jsonl`);
    fs.writeFileSync(file, fuzzedJsonl(fz.next() < 0.5 ? CURATED : CODE, 60).text);
    const rollouts = path.join(dir, `roll${round}`);
    fs.mkdirSync(rollouts);
    fs.writeFileSync(path.join(rollouts, '1.jsonl'), fuzzedJsonl((i) => JSON.stringify({ input: `p${i}`, score: i % 2, acereason_id: `k${i}` }), 80).text);
    const stderr = new PassThrough();
    let err = '';
    stderr.on('data', (d) => { err += d; });
    const code = await runCli(['export', 'verl', '--input', file, '--out', `out${round}`, '--filter-rollouts', rollouts], { stdout: new PassThrough().resume(), stderr, stdin: new PassThrough(), isTTY: false, cwd: dir });
    assert.ok(code === 0 || code === 2, `exit ${code}: ${err} ${note}`);
    assert.doesNotMatch(err, /internal error|\n\s+at /, note);
    if (code === 0) {
      const skipped = fs.readFileSync(path.join(dir, `out${round}`, 'skipped.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
      for (const s of skipped) assert.ok(s.file === file && s.line >= 1 && s.line <= 61, note);
    }
    const filtered = await filterFromRollouts(rollouts, [], 0.5);
    for (const b of filtered.badLines) assert.ok(b.file === '1.jsonl' && b.line >= 1 && b.line <= 81 && b.error, note);
  }
});
