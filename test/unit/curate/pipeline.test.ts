import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { runCuration } from '../../../src/core/curate';
import { recordPassRates, loadPassRates, passRatesFile } from '../../../src/core/curate/passRates';
import { appendLabel } from '../../../src/core/labels/store';
import { labelsFile } from '../../../src/core/runs/layout';
import { command as curate } from '../../../src/cli/commands/curate';
import { CliError } from '../../../src/cli/command';
import { captureIO } from '../../helpers/captureIO';

function workspace(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'curate-'));
}

const jsonl = (rows: unknown[]) => rows.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n';

function fixture(dir: string): { input: string; bench: string } {
  const input = path.join(dir, 'train.jsonl');
  fs.writeFileSync(input, jsonl([
    { id: 'keep-me', problem: 'Find the number of positive divisors of 3600, counting one and the number itself.', answer: '45' },
    { id: 'dup', problem: 'find the NUMBER of positive divisors of 3600, counting one and the number itself!', answer: '45' },
    { id: 'leak', problem: 'Let x be the smallest positive integer such that x^2 ends in the digits 444. Compute x.', answer: '38' },
    { id: 'mc', problem: 'What is 2+3? $\\textbf{(A) }4 \\qquad \\textbf{(B) }5 \\qquad \\textbf{(C) }6$', answer: '5' },
    '{"id": "torn", "problem": ',
    { id: 'no-answer', problem: 'A prompt with no answer field at all, which cannot be used.' },
    { id: 'hand-excluded', problem: 'How many ways can five distinct books be arranged on a shelf in a row?', answer: '120' },
    { id: 'hand-kept', problem: 'Factor $t^2-49$.', answer: '(t-7)(t+7)' },
  ]));
  const bench = path.join(dir, 'bench.jsonl');
  fs.writeFileSync(bench, jsonl([{ id: 'B-17', problem: 'Let $x$ be the smallest positive integer such that $x^2$ ends in the digits 444. Find x.', answer: '38' }]));
  return { input, bench };
}

test('runCuration writes curated.jsonl, removed.jsonl with reasons and report.json with the agreed shape; labels are honoured', async () => {
  const dir = workspace();
  const { input, bench } = fixture(dir);
  const labels = labelsFile(dir);
  appendLabel(labels, { id: 'hand-excluded', decision: 'exclude', note: 'ambiguous wording' });
  appendLabel(labels, { id: 'hand-kept', decision: 'keep' });
  const out = path.join(dir, 'out');
  const phases = new Set<string>();
  const result = await runCuration({ domain: 'math', inputs: [input], benchmarks: [bench], labelsFile: labels, outDir: out }, (p) => phases.add(p.phase));
  assert.ok(phases.has('read') && phases.has('step') && phases.has('done'));

  const report = JSON.parse(fs.readFileSync(path.join(out, 'report.json'), 'utf8'));
  assert.equal(report.input, 6);
  assert.equal(report.rows_read, 8);
  assert.equal(report.kept, 2);
  assert.deepEqual(report.removed, { 'label:exclude': 1, 'duplicate:exact': 1, contaminated: 1, 'multiple-choice': 1 });
  assert.equal(report.skipped_lines, 2);
  assert.equal(report.kept_by_label, 1, '"keep" overrides the too-short rule');
  assert.equal(report.ngram, 9);
  assert.match(report.skipped[0], /train\.jsonl:5: not valid JSON/);
  assert.match(report.skipped[1], /train\.jsonl:6: field 'answer': missing/);

  const curated = fs.readFileSync(path.join(out, 'curated.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(curated.map((r) => r.id), ['keep-me', 'hand-kept']);
  assert.equal(curated[1].meta.overriddenRemovals[0].reason, 'too-short');

  const removed = fs.readFileSync(path.join(out, 'removed.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const leak = removed.find((r) => r.id === 'leak');
  assert.equal(leak.step, 'decontaminate');
  assert.deepEqual(leak.reasons[0].overlaps.map((o: { file: string; id: string }) => [o.file, o.id]), [[bench, 'B-17']]);
  assert.equal(removed.find((r) => r.id === 'dup').reasons[0].duplicateOf, 'keep-me');
  assert.equal(removed.find((r) => r.id === 'hand-excluded').reasons[0].reason, 'label:exclude');
  assert.equal(result.removed.length, 4);
});

test('runCuration rejects bad options with a clear message', async () => {
  await assert.rejects(runCuration({ domain: 'math', inputs: [] }), /no input files/);
  await assert.rejects(runCuration({ domain: 'math', inputs: ['x.jsonl'], steps: ['nope'] }), /unknown step 'nope'/);
  await assert.rejects(runCuration({ domain: 'math', inputs: ['x.jsonl'], ngram: 0 }), /ngram must be/);
});

test('pass rates: recorded per prompt, latest wins, bad lines reported; the difficulty filter uses them', async () => {
  const dir = workspace();
  const file = passRatesFile(dir);
  recordPassRates(file, [{ id: 'keep-me', passes: 8, k: 8 }, { id: 'hand-kept', passes: 1, k: 8 }]);
  recordPassRates(file, [{ id: 'keep-me', passes: 16, k: 16, run: 'r1' }]);
  fs.appendFileSync(file, '{"id": "x", "passes": 9, "k": 8}\n');
  assert.throws(() => recordPassRates(file, [{ id: 'y', passes: -1, k: 8 }]), /field 'passes'/);
  const { rates, badLines } = loadPassRates(file);
  assert.equal(rates.get('keep-me')?.k, 16);
  assert.equal(rates.get('keep-me')?.bucket, 'solved');
  assert.equal(badLines.length, 1);
  assert.equal(badLines[0].line, 4);

  const { input } = fixture(dir);
  const result = await runCuration({ domain: 'math', inputs: [input], passRatesFile: file, maxPassRate: 6 / 16, minProblemTokens: 1 });
  assert.equal(result.report.removed['difficulty:too-easy'], 1);
  assert.equal(result.curated.find((r) => r.id === 'hand-kept')?.passRate, 1 / 8);
});

const fakeIO = (cwd: string) => captureIO({ cwd });

test('acereason curate: writes the outputs, prints a summary and the skipped lines, no progress bar off a terminal', async () => {
  const dir = workspace();
  fixture(dir);
  appendLabel(labelsFile(dir), { id: 'hand-excluded', decision: 'exclude' });
  const io = fakeIO(dir);
  const code = await curate.run(['--domain', 'math', '--input', 'train.jsonl', '--benchmarks', 'bench.jsonl', '--out', 'out', '--ngram', '9'], io);
  assert.equal(code, 0);
  const report = JSON.parse(fs.readFileSync(path.join(dir, 'out', 'report.json'), 'utf8'));
  assert.deepEqual(Object.keys(report).slice(0, 4), ['input', 'kept', 'removed', 'skipped_lines']);
  assert.equal(report.removed['label:exclude'], 1, 'the workspace labels.jsonl is found by default');
  assert.match(io.out(), /kept 1 of 6 prompts; 2 input line\(s\) skipped/);
  assert.match(io.err(), /train\.jsonl:6 field 'answer': missing/);
  assert.doesNotMatch(io.err(), /\[.*\] \d+\/\d+/, 'no bar when stderr is not a terminal');
});

test('acereason curate: usage errors are CliErrors naming the flag', async () => {
  const dir = workspace();
  fixture(dir);
  const io = fakeIO(dir);
  await assert.rejects(curate.run(['--input', 'train.jsonl', '--out', 'o'], io), (e) => e instanceof CliError && /--domain/.test(e.message));
  await assert.rejects(curate.run(['--domain', 'math', '--input', 'missing.jsonl', '--out', 'o'], io), /no such file/);
  await assert.rejects(curate.run(['--domain', 'math', '--input', 'train.jsonl', '--out', 'o', '--ngram', 'x'], io), /--ngram must be an integer/);
  await assert.rejects(curate.run(['--domain', 'math', '--input', 'train.jsonl', '--out', 'o', '--date-cutoff', '2024/1/1'], io), /YYYY-MM-DD/);
  await assert.rejects(curate.run(['--domain', 'math', '--input', 'train.jsonl', '--out', 'o', '--map', 'answer'], io), /--map/);
  await assert.rejects(curate.run(['--domain', 'code', '--input', 'train.jsonl', '--out', 'o'], io), (e) => e instanceof CliError && /no code preset fits/.test(e.message));
});

test('acereason curate: a progress bar per phase on stderr when it is a terminal', async () => {
  const dir = workspace();
  fixture(dir);
  const io = fakeIO(dir);
  (io.stderr as PassThrough & { isTTY?: boolean; columns?: number }).isTTY = true;
  (io.stderr as PassThrough & { columns?: number }).columns = 120;
  assert.equal(await curate.run(['--domain', 'math', '--input', 'train.jsonl', '--out', 'out'], io), 0);
  const err = io.err();
  for (const phase of ['read', 'normalize', 'dedup', 'math-rules', 'answer-check']) assert.match(err, new RegExp(`${phase} +\\[[=-]+\\] \\d+/\\d+`), phase);
  assert.doesNotMatch(io.out(), /\[[=-]+\]/, 'stdout stays clean');
});
