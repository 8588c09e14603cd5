import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parquetReadObjects } from 'hyparquet';
import { appendLabel } from '../../../src/core/labels/store';
import { CODE_INSTRUCTION, MATH_INSTRUCTION } from '../../../src/core/dataset/records';
import { exportVerl, readExportRecords } from '../../../src/core/verl/export';
import { filterFromRollouts } from '../../../src/core/verl/rolloutFilter';
import { rewardModuleSource } from '../../../src/core/verl/rewardModule';
import { captureIO } from '../../helpers/captureIO';

const fixture = path.join(__dirname, '..', '..', 'fixtures', 'verl', 'curated.jsonl');
const goldenRows = path.join(__dirname, '..', '..', 'golden', 'verl', 'export-rows.json');
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'verl-export-'));

async function readParquet(file: string): Promise<any[]> {
  const buf = fs.readFileSync(file);
  const rows = await parquetReadObjects({ file: buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) });
  return JSON.parse(JSON.stringify(rows, (_k, v) => (typeof v === 'bigint' ? Number(v) : v)));
}

test('bad lines are reported with file, line and field, good ones kept', async () => {
  const { records, issues } = await readExportRecords(fixture);
  assert.deepEqual(records.map((r) => r.id).sort(), ['c1', 'c2', 'm1', 'm2']);
  assert.equal(issues.length, 2);
  assert.deepEqual([issues[0].file, issues[0].line, issues[0].field], [fixture, 5, 'answer']);
  assert.equal(issues[1].line, 6);
  assert.match(issues[1].error, /not valid JSON/);
  // With --domain the other domain's valid records are left out, not reported as bad lines.
  const math = await readExportRecords(fixture, 'math');
  assert.deepEqual(math.records.map((r) => r.id), ['m1', 'm2']);
  assert.deepEqual(math.issues.map((i) => i.line), [5, 6]);
});

test('export writes verl parquet that reads back with the recipe prompt and ground truth', async () => {
  const out = tmp();
  const report = await exportVerl({ inputs: [fixture], validation: [fixture], outDir: out });
  assert.deepEqual(report.files.map((f) => path.basename(f.file)).sort(), ['train-code.parquet', 'train-math.parquet', 'val-code.parquet', 'val-math.parquet']);
  assert.equal(report.skippedLines.length, 4, 'two bad lines, in each of the two reads');
  const math = await readParquet(path.join(out, 'train-math.parquet'));
  const code = await readParquet(path.join(out, 'train-code.parquet'));
  assert.equal(math.length, 2);
  assert.deepEqual(math[0].prompt, [{ role: 'user', content: `What is $1+1$?\n\n${MATH_INSTRUCTION}` }]);
  assert.deepEqual(math[1].reward_model, { style: 'rule', ground_truth: '\\frac{5}{6}' });
  assert.deepEqual(math[0].extra_info, { id: 'm1', source: 'deepscaler', split: 'train', index: 0, ability: 'math' });
  assert.equal(code[0].ability, 'code');
  assert.ok(code[0].prompt[0].content.includes(CODE_INSTRUCTION));
  assert.ok(code[0].prompt[0].content.endsWith('Function header:\n```python\nclass Solution:\n    def add(self, a: int, b: int) -> int:\n```'));
  assert.deepEqual(JSON.parse(code[0].reward_model.ground_truth), { inputs: ['1\n2', '5\n-5'], outputs: ['3', '0'], fn_name: 'add' });
  assert.deepEqual(JSON.parse(code[1].reward_model.ground_truth), { inputs: ['3\n'], outputs: ['6\n'] }, 'stdin problems carry no fn_name');
  const val = await readParquet(path.join(out, 'val-math.parquet'));
  assert.equal(val[0].extra_info.split, 'val');
  const all = { math, code };
  if (process.env.UPDATE_GOLDEN === '1') fs.writeFileSync(goldenRows, JSON.stringify(all, null, 2) + '\n');
  assert.deepEqual(all, JSON.parse(fs.readFileSync(goldenRows, 'utf8')));
  fs.rmSync(out, { recursive: true, force: true });
});

test('prompts excluded in labels.jsonl are left out; the latest decision wins', async () => {
  const out = tmp();
  const labels = path.join(out, 'labels.jsonl');
  appendLabel(labels, { id: 'm1', decision: 'exclude' });
  appendLabel(labels, { id: 'c2', decision: 'exclude' });
  appendLabel(labels, { id: 'c2', decision: 'keep' });
  const report = await exportVerl({ inputs: [fixture], validation: [], outDir: out, labelsFile: labels });
  assert.equal(report.excludedByLabel, 1);
  assert.deepEqual((await readParquet(path.join(out, 'train-math.parquet'))).map((r) => r.extra_info.id), ['m2']);
  assert.deepEqual((await readParquet(path.join(out, 'train-code.parquet'))).map((r) => r.extra_info.id), ['c1', 'c2']);
  fs.rmSync(out, { recursive: true, force: true });
});

test('the curriculum filter drops prompts solved above the threshold, from ids or prompt text', async () => {
  const dir = tmp();
  const { records } = await readExportRecords(fixture);
  const rows = [
    // m1 solved 4/4 (by id); m2 solved 1/4 (matched by prompt text, no id), c1 2/4.
    ...[1, 1, 1, 1].map((s) => ({ input: 'x', score: s, acereason_id: 'm1' })),
    ...[1, 0, 0, 0].map((s) => ({ input: `<|user|>Compute $\\frac{1}{2}+\\frac{1}{3}$.\n\n${MATH_INSTRUCTION}<|assistant|>`, score: s })),
    ...[1, 1, 0, 0].map((s) => ({ input: 'x', score: s, acereason_id: 'c1' })),
    { input: 'unrelated prompt', score: 1 },
  ];
  fs.writeFileSync(path.join(dir, '10.jsonl'), rows.slice(0, 6).map((r) => JSON.stringify(r)).join('\n') + '\n');
  fs.writeFileSync(path.join(dir, '20.jsonl'), rows.slice(6).map((r) => JSON.stringify(r)).join('\n') + '\n{"torn": ');
  const r = await filterFromRollouts(dir, records, 0.375);
  assert.deepEqual([...r.dropIds].sort(), ['c1', 'm1']);
  assert.equal(r.rates.get('m2')!.rate, 0.25);
  assert.equal(r.unmatchedRows, 1);
  assert.equal(r.badLines.length, 1);
  assert.equal((await filterFromRollouts(dir, records, 0.5)).dropIds.has('c1'), false, 'exactly at the threshold is kept');
  await assert.rejects(filterFromRollouts(path.join(dir, 'missing'), records, 0.5), /not found/);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('the reward module bakes in the service URL and refuses a URL that could break out of the string', () => {
  assert.match(rewardModuleSource('http://10.1.2.3:8321'), /DEFAULT_URL = "http:\/\/10\.1\.2\.3:8321"/);
  assert.throws(() => rewardModuleSource('http://x"; import os; "'), /not an http/);
});

test('a benchmark file in its own layout exports as validation data through the dataset presets', async () => {
  const out = tmp();
  const bench = path.join(__dirname, '..', '..', '..', '..', 'shared', 'data', 'benchmarks', 'aime24.jsonl');
  assert.ok(fs.existsSync(bench), `${bench}: ../shared/data must be beside the repo (as in CI)`);
  await assert.rejects(exportVerl({ inputs: [fixture], validation: [bench], outDir: out }), /pass --domain/);
  const report = await exportVerl({ inputs: [fixture], validation: [bench], outDir: out, domain: 'math' });
  const val = await readParquet(path.join(out, 'val-math.parquet'));
  assert.equal(val.length, 30);
  assert.equal(report.files.find((f) => f.split === 'val')!.rows, 30);
  assert.equal(val[0].reward_model.ground_truth.length > 0, true);
  assert.ok(val[0].prompt[0].content.endsWith(MATH_INSTRUCTION));
  fs.rmSync(out, { recursive: true, force: true });
});

test('the CLI curriculum filter reads public layouts the way the export does (--domain)', async () => {
  const { runCli } = await import('../../../src/cli/main');
  const { PassThrough } = await import('node:stream');
  const out = tmp();
  const bench = path.join(__dirname, '..', '..', '..', '..', 'shared', 'data', 'benchmarks', 'aime24.jsonl');
  assert.ok(fs.existsSync(bench), `${bench}: ../shared/data must be beside the repo (as in CI)`);
  const firstId = JSON.parse(fs.readFileSync(bench, 'utf8').split('\n')[0]).id as string;
  const rollouts = path.join(out, 'rollouts');
  fs.mkdirSync(rollouts);
  fs.writeFileSync(path.join(rollouts, '1.jsonl'), [1, 1, 1, 0].map((s) => JSON.stringify({ input: 'x', score: s, acereason_id: firstId })).join('\n') + '\n');
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let text = '';
  stdout.on('data', (d) => { text += d; });
  stderr.resume();
  const code = await runCli(['export', 'verl', '--input', bench, '--domain', 'math', '--out', out, '--filter-rollouts', rollouts, '--drop-solved-above', '0.5'],
    { stdout, stderr, stdin: new PassThrough(), isTTY: false, cwd: out });
  assert.equal(code, 0, text);
  assert.match(text, /1 solved above 0\.5 dropped/);
  const ids = (await readParquet(path.join(out, 'train-math.parquet'))).map((r) => r.extra_info.id);
  assert.equal(ids.length, 29);
  assert.ok(!ids.includes(firstId));
  fs.rmSync(out, { recursive: true, force: true });
});

async function runExport(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const { runCli } = await import('../../../src/cli/main');
  const io = captureIO({ cwd });
  const code = await runCli(['export', 'verl', ...args], io);
  return { code, stdout: io.out(), stderr: io.err() };
}

test('export verl reads Parquet through the shared reader (it used to find "no prompts to export")', async () => {
  const { parquetWriteBuffer } = await import('hyparquet-writer');
  const dir = tmp();
  const input = path.join(dir, 'deepscaler.parquet');
  const problems = Array.from({ length: 12 }, (_, i) => `Compute ${i} times ${i + 1} and give the product.`);
  fs.writeFileSync(input, new Uint8Array(parquetWriteBuffer({
    columnData: [
      { name: 'problem', data: problems, type: 'STRING' },
      { name: 'answer', data: problems.map((_, i) => String(i * (i + 1))), type: 'STRING' },
    ],
    rowGroupSize: 5,
  })));
  const r = await runExport(['--input', input, '--domain', 'math', '--out', 'out'], dir);
  assert.equal(r.code, 0, r.stderr);
  const rows = await readParquet(path.join(dir, 'out', 'train-math.parquet'));
  assert.equal(rows.length, 12);
  assert.equal(rows[11].reward_model.ground_truth, '132');
  assert.equal(fs.readFileSync(path.join(dir, 'out', 'skipped.jsonl'), 'utf8'), '', 'nothing skipped, and the list says so');
  // Without --domain a public layout is refused in one line that says what to do.
  const bare = await runExport(['--input', input, '--out', 'out2'], dir);
  assert.equal(bare.code, 2);
  assert.match(bare.stderr, /deepscaler\.parquet: not curated JSONL .*pass --domain/);
  assert.equal(bare.stderr.trim().split('\n').length, 1);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a JSONL file named .parquet is a one-line error naming the file, and every bad line is listed in skipped.jsonl', async () => {
  const dir = tmp();
  const fake = path.join(dir, 'curated.parquet');
  fs.copyFileSync(fixture, fake);
  const r = await runExport(['--input', fake, '--out', 'out'], dir);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /curated\.parquet: not a readable Parquet file: .*is it a \.jsonl file named \.parquet\?/);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.doesNotMatch(r.stderr, /\n\s+at /);

  const ok = await runExport(['--input', fixture, '--out', 'out'], dir);
  assert.equal(ok.code, 0, ok.stderr);
  const skipped = fs.readFileSync(path.join(dir, 'out', 'skipped.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(skipped.map((s) => [path.basename(s.file), s.line, s.field ?? null]), [['curated.jsonl', 5, 'answer'], ['curated.jsonl', 6, null]]);
  assert.match(ok.stderr, /skipped 2 of 6 input line\(s\), all listed in .*skipped\.jsonl/);
  fs.rmSync(dir, { recursive: true, force: true });
});
