// The editor's heavy work in another process: the extension's job runner (src/extension/jobs.ts)
// drives the real CLI bundle (dist/cli.js `job`) — curation, loading a JSON-array dataset for the
// curator, verl export — follows its progress lines, reports input errors in one line, and cancels.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { distPath } from '../../../src/core/util/paths';
import { readReviewEntries, type ReviewDatasetHeader } from '../../../src/core/curate/reviewDataset';
import { JobCancelled, JobError, startJob, type JobProgress } from '../../../src/extension/jobs';

const CLI = distPath('cli.js');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'job-'));
const mathRow = (i: number) => ({ id: `m${i}`, source: 'gen', problem: `Compute ${i} + ${i * 3} and explain each step of the addition carefully.`, answer: String(i * 4) });

before(() => {
  assert.ok(fs.existsSync(CLI), `${CLI} is missing: run \`node scripts/build.mjs\` first (the job runs in the CLI bundle)`);
});

function isAlive(pid: number | undefined): boolean {
  if (!pid) return false;
  try { process.kill(pid, 0); return true; } catch { return false; }
}

test('curation runs in a child process with progress lines; the result is the pipeline report', async () => {
  const input = path.join(dir, 'math.jsonl');
  const rows = Array.from({ length: 300 }, (_, i) => mathRow(i));
  rows.push({ ...rows[0], id: 'dup' }); // an exact duplicate of m0
  fs.writeFileSync(input, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const progress: JobProgress[] = [];
  const job = startJob({ kind: 'curate', options: { domain: 'math', inputs: [input], outDir: path.join(dir, 'out') } }, { cliScript: CLI, onProgress: (p) => progress.push(p) });
  assert.ok(job.pid && job.pid !== process.pid, 'a separate process');
  const result = await job.result as { report: { input: number; kept: number; removed: Record<string, number> } };
  assert.equal(result.report.input, 301);
  assert.equal(result.report.removed['duplicate:exact'], 1);
  assert.ok(fs.existsSync(path.join(dir, 'out', 'curated.jsonl')));
  assert.ok(progress.length >= 2 && progress.some((p) => /kept \d+ of 301/.test(p.message)), progress.map((p) => p.message).join(' | '));
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(isAlive(job.pid), false, 'the child exited');
});

test('a JSON-array dataset is parsed in the child; the host reads the entries back line by line', async () => {
  const input = path.join(dir, 'array.json');
  const rows = Array.from({ length: 2000 }, (_, i) => mathRow(i));
  fs.writeFileSync(input, JSON.stringify(rows));
  const entriesFile = path.join(dir, 'entries.jsonl');
  const header = await startJob({ kind: 'loadReview', target: input, entriesFile }, { cliScript: CLI }).result as ReviewDatasetHeader & { entries: number };
  assert.equal(header.entries, 2000);
  assert.equal(header.curated, false);
  const ds = await readReviewEntries(entriesFile, header);
  assert.equal(ds.entries.length, 2000);
  assert.equal(ds.entries[1999].record.id, 'm1999');
  assert.equal(ds.entries[7].record.problem, rows[7].problem);
  assert.equal(ds.byId.get('m42'), 42);
});

test('verl export runs in the child and writes the Parquet files', async () => {
  const curated = path.join(dir, 'curated.jsonl');
  fs.writeFileSync(curated, Array.from({ length: 20 }, (_, i) => JSON.stringify({ ...mathRow(i), domain: 'math' })).join('\n') + '\n');
  const report = await startJob({ kind: 'exportVerl', inputs: [curated], outDir: path.join(dir, 'verl') }, { cliScript: CLI }).result as { files: { file: string; rows: number }[] };
  assert.deepEqual(report.files.map((f) => [path.basename(f.file), f.rows]), [['train-math.parquet', 20]]);
  assert.ok(fs.statSync(path.join(dir, 'verl', 'train-math.parquet')).size > 0);
});

test('the domain of a Parquet file is detected in the child (its first row group may be the whole file)', async () => {
  // A LeetCode-style code file as Parquet: problem text plus a JSON list of tests, one row group.
  const { parquetWriteBuffer } = await import('hyparquet-writer');
  const parquet = path.join(dir, 'code.parquet');
  const ids = Array.from({ length: 5 }, (_, i) => `c${i}`);
  fs.writeFileSync(parquet, new Uint8Array(parquetWriteBuffer({ columnData: [
    { name: 'id', data: ids, type: 'STRING' },
    { name: 'problem', data: ids.map((id) => `Print the number in ${id}.`), type: 'STRING' },
    { name: 'tests', data: ids.map((_, i) => JSON.stringify([{ input: '', output: `${i}\n` }])), type: 'STRING' },
  ] })));
  const json = path.join(dir, 'math-array.json');
  fs.writeFileSync(json, JSON.stringify([mathRow(1), mathRow(2)]));
  const detect = async (file: string) => (await startJob({ kind: 'detectDomain', file }, { cliScript: CLI }).result as { domain: string }).domain;
  assert.equal(await detect(json), 'math');
  assert.equal(await detect(parquet), 'code');
});

test('input problems come back as one line naming the file; a malformed request names the field', async () => {
  const missing = path.join(dir, 'nope.jsonl');
  await assert.rejects(startJob({ kind: 'loadReview', target: missing, entriesFile: path.join(dir, 'x.jsonl') }, { cliScript: CLI }).result,
    (e: unknown) => e instanceof JobError && e.input && e.message === `${missing}: no such file or folder`);
  await assert.rejects(startJob({ kind: 'curate', options: { domain: 'physics', inputs: [missing] } }, { cliScript: CLI }).result,
    (e: unknown) => e instanceof JobError && e.input && /domain must be 'math' or 'code', got 'physics'/.test(e.message));
  await assert.rejects(startJob({ kind: 'exportVerl', inputs: [], outDir: dir } as never, { cliScript: CLI }).result,
    (e: unknown) => e instanceof JobError && e.input && /invalid request at inputs/.test(e.message));
});

test('cancel stops the child process', async () => {
  const input = path.join(dir, 'big.jsonl');
  fs.writeFileSync(input, Array.from({ length: 60_000 }, (_, i) => JSON.stringify(mathRow(i))).join('\n') + '\n');
  let started!: () => void;
  const running = new Promise<void>((r) => { started = r; });
  const job = startJob({ kind: 'curate', options: { domain: 'math', inputs: [input] } }, { cliScript: CLI, onProgress: () => started() });
  await running;
  job.cancel();
  await assert.rejects(job.result, (e: unknown) => e instanceof JobCancelled);
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(isAlive(job.pid), false);
});
