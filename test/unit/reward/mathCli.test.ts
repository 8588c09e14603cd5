// `acereason verify math`: JSONL in, one verdict line per input line in order, malformed lines
// reported and skipped, exit code 0.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { command as verifyCommand } from '../../../src/cli/commands/verify';
import { CliError, EXIT } from '../../../src/cli/command';
import { captureIO } from '../../helpers/captureIO';

function fakeIO(stdinText = '') {
  const io = captureIO({ stdin: stdinText });
  return { io, out: io.out, err: io.err };
}

const LINES = [
  JSON.stringify({ gold: '\\frac12', response: '<think>try \\boxed{3}</think> So \\boxed{0.5}.' }),
  'this is not json',
  JSON.stringify({ gold: '1-1/e', pred: '$1+1/e$' }),
  JSON.stringify({ gold: 3, pred: '3' }),
  '',
  JSON.stringify({ gold: '(1,2]', pred: '\\boxed{(1, 2]}' }),
  JSON.stringify({ gold: '5' }),
  JSON.stringify([1, 2]),
  JSON.stringify({ gold: '\\sqrt3/2', pred: '0.866' }),
  JSON.stringify({ gold: '5', response: 'So the answer is 5.', extract: ['boxed'] }),
  JSON.stringify({ gold: '\\frac23', pred: '0.6667', precision: 4 }),
  JSON.stringify({ gold: '5', pred: '5', extract: ['boxes'] }),
  JSON.stringify({ gold: '5', pred: '5', precision: -1 }),
  JSON.stringify({ gold: 'f(x)=x^2', pred: 'f(t)=t^2', strict: false }),
  JSON.stringify({ gold: '(3,\\infty)', pred: 'x > 3', allow_set_relation: true }),
  JSON.stringify({ gold: '\\frac{1}{7}\\triangle ABC', pred: '5' }),
];

function parseOutput(text: string): Array<Record<string, unknown>> {
  return text.trim().split('\n').map((l) => JSON.parse(l));
}

function checkOutput(rows: Array<Record<string, unknown>>, tolerant: boolean): void {
  assert.equal(rows.length, LINES.length);
  assert.deepEqual(rows[0], { correct: true, state: 'correct', extracted: '0.5', reason: rows[0].reason });
  assert.match(String(rows[0].reason), /after <\/think>/);
  assert.deepEqual(rows[1], { error: rows[1].error, line: 2 });
  assert.match(String(rows[1].error), /^line 2: not JSON/);
  assert.equal(rows[2].correct, false);
  assert.equal(rows[2].extracted, '1+1/e');
  assert.equal(rows[3].correct, true, 'a number where a string is expected ("gold": 3) is read as its text');
  assert.deepEqual(rows[4], { error: 'line 5: empty line', line: 5 });
  assert.equal(rows[5].correct, true);
  assert.match(String(rows[6].error), /needs a string field "response" or "pred"/);
  assert.match(String(rows[7].error), /expected a JSON object/);
  assert.equal(rows[8].correct, tolerant);
  assert.equal(rows[9].state, 'no-answer', 'per-line extract: ["boxed"]');
  assert.equal(rows[10].correct, true, 'per-line precision: 4');
  assert.match(String(rows[11].error), /line 12: field "extract": unknown extraction mode "boxes"/);
  assert.match(String(rows[12].error), /line 13: field "precision" must be a whole number/);
  assert.equal(rows[13].correct, true, 'per-line strict: false');
  assert.equal(rows[14].correct, true, 'per-line allow_set_relation: true');
  assert.equal(rows[15].state, 'gold-unparseable');
}

describe('acereason verify math', () => {
  let dir: string;
  let input: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verify-math-'));
    input = path.join(dir, 'in.jsonl');
    fs.writeFileSync(input, LINES.join('\n') + '\n');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads a file, checks in a worker pool, writes verdicts in order (exit 0)', async () => {
    const f = fakeIO();
    const code = await verifyCommand.run(['math', '--input', input, '--workers', '2'], f.io);
    assert.equal(code, EXIT.malformedLines, 'malformed lines were reported in place');
    checkOutput(parseOutput(f.out()), false);
  });

  it('reads stdin with "-", in-thread with --workers 0, honouring --tolerance', async () => {
    const f = fakeIO(LINES.join('\n'));
    const code = await verifyCommand.run(['math', '--input', '-', '--workers', '0', '--tolerance', '1e-3'], f.io);
    assert.equal(code, EXIT.malformedLines);
    checkOutput(parseOutput(f.out()), true);
  });

  it('--boxed-only turns the answer fallbacks off', async () => {
    const f = fakeIO(JSON.stringify({ gold: '5', response: 'the answer is 5' }) + '\n');
    await verifyCommand.run(['math', '--input', '-', '--workers', '0', '--boxed-only'], f.io);
    const [row] = parseOutput(f.out());
    assert.equal(row.correct, false);
    assert.equal(row.extracted, null);
  });

  it('flags set the defaults: --extract, --precision, --no-strict, --allow-set-relation; exit 0 when every line is valid', async () => {
    const lines = [
      { gold: '5', response: 'So the answer is 5.' }, { gold: '\\frac23', pred: '0.6667' }, { gold: 'x^2', pred: 'y^2' }, { gold: '(3,\\infty)', pred: 'x>3' },
      { gold: '5', response: 'So the answer is 5.', extract: ['expr'] },
    ].map((l) => JSON.stringify(l)).join('\n');
    const plain = fakeIO(lines);
    assert.equal(await verifyCommand.run(['math', '--input', '-', '--workers', '0'], plain.io), EXIT.ok);
    assert.deepEqual(parseOutput(plain.out()).map((r) => r.correct), [true, false, false, false, true]);
    const flagged = fakeIO(lines);
    assert.equal(await verifyCommand.run(['math', '--input', '-', '--workers', '0', '--extract', 'boxed', '--precision', '4', '--no-strict', '--allow-set-relation'], flagged.io), EXIT.ok);
    assert.deepEqual(parseOutput(flagged.out()).map((r) => r.correct), [false, true, true, true, true], 'a line\'s own extract overrides --extract');
  });

  it('--summary ends with counts per state and per answer class', async () => {
    const f = fakeIO(LINES.join('\n'));
    await verifyCommand.run(['math', '--input', '-', '--workers', '0', '--summary'], f.io);
    const rows = parseOutput(f.out());
    const { summary } = rows[rows.length - 1] as { summary: { total: number; malformed: number; states: Record<string, number>; classes: Record<string, { total: number }> } };
    assert.equal(summary.malformed, 6);
    assert.equal(summary.total, LINES.length - 6);
    assert.equal(Object.values(summary.states).reduce((a, b) => a + b, 0), summary.total);
    assert.equal(summary.states['gold-unparseable'], 1);
    assert.equal(summary.states['no-answer'], 1);
    assert.ok(summary.classes.fraction && summary.classes.interval && summary.classes.integer, JSON.stringify(summary.classes));
    assert.match(f.err(), /math verify summary: \d+ checked, 6 malformed line\(s\)/);
  });

  it('rejects bad options and missing files with a clear message', async () => {
    await assert.rejects(verifyCommand.run(['math'], fakeIO().io), (e: Error) => e instanceof CliError && /--input FILE\|- is required/.test(e.message));
    await assert.rejects(verifyCommand.run(['math', '--input', path.join(dir, 'missing.jsonl')], fakeIO().io), (e: Error) => e instanceof CliError && /no such file/.test(e.message));
    await assert.rejects(verifyCommand.run(['math', '--input', input, '--tolerance', 'abc'], fakeIO().io), (e: Error) => e instanceof CliError && /--tolerance must be a positive number/.test(e.message));
    await assert.rejects(verifyCommand.run(['math', '--input', input, '--bogus'], fakeIO().io), (e: Error) => e instanceof CliError && /bogus/.test(e.message));
    await assert.rejects(verifyCommand.run(['math', '--input', input, '--extract', 'boxed,lates'], fakeIO().io), (e: Error) => e instanceof CliError && /--extract: unknown extraction mode "lates"/.test(e.message));
    await assert.rejects(verifyCommand.run(['math', '--input', input, '--precision', '2.5'], fakeIO().io), (e: Error) => e instanceof CliError && /--precision must be a whole number/.test(e.message));
    await assert.rejects(verifyCommand.run(['math', '--input', input, '--strict', '--no-strict'], fakeIO().io), (e: Error) => e instanceof CliError && /contradict/.test(e.message));
  });

  const cli = path.resolve(__dirname, '../../../dist/cli.js');
  it('works from the built CLI with the built worker (after npm run build)', { skip: !fs.existsSync(cli) && 'dist/cli.js not built' }, () => {
    const r = spawnSync(process.execPath, [cli, 'verify', 'math', '--input', '-'], { input: LINES.join('\n'), encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, EXIT.malformedLines, r.stderr);
    checkOutput(parseOutput(r.stdout), false);
  });
});
