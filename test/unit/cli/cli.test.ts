// The CLI as a user meets it (issue 16 items 11–13, 15; issue 17 item 12): flags with several values,
// one-line errors with "did you mean", no stack trace without --debug, no EPIPE trace under `| head`,
// one exit code for malformed lines, curated.jsonl read as it is, float tolerance, tracebacks and
// time limits in code verdicts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EXIT, parseArgs } from '../../../src/cli/command';
import { describeError, runCli } from '../../../src/cli/main';
import { commands } from '../../../src/cli/registry';
import { UserError } from '../../../src/core/util/userError';
import { FieldError } from '../../../src/core/dataset/errors';
import { captureIO } from '../../helpers/captureIO';

const ROOT = path.resolve(__dirname, '../../..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'acereason-cli-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

async function cli(args: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> {
  const io = captureIO({ cwd: tmp, stdin });
  const code = await runCli(args, io);
  return { code, out: io.out(), err: io.err() };
}

function writeJsonl(name: string, rows: unknown[]): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, rows.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n');
  return file;
}

test('a repeatable flag takes several values after it, and repeating it still works', () => {
  const options = { benchmarks: { type: 'string', multiple: true }, out: { type: 'string' }, quiet: { type: 'boolean' } } as const;
  const { values } = parseArgs({ args: ['--benchmarks', 'a.jsonl', 'b.jsonl', '--out', 'd', '--benchmarks', 'c.jsonl', '--quiet'], options, strict: true });
  assert.deepEqual(values.benchmarks, ['a.jsonl', 'b.jsonl', 'c.jsonl']);
  assert.equal(values.out, 'd');
  assert.equal(values.quiet, true);
  const stdin = parseArgs({ args: ['--benchmarks', '-', 'x'], options, strict: true });
  assert.deepEqual(stdin.values.benchmarks, ['-', 'x']);
  assert.throws(() => parseArgs({ args: ['--out', 'a', 'b'], options, strict: true }), /unexpected argument 'b'/);
});

test("unknown flags and commands answer in one line with 'did you mean'", async () => {
  const flag = await cli(['verify', 'code', '--inptu', 'x.jsonl']);
  assert.equal(flag.code, EXIT.usage);
  assert.equal(flag.err.trim().split('\n').length, 1, flag.err);
  assert.match(flag.err, /unknown option '--inptu' \(did you mean '--input'\?\)/);
  const command = await cli(['trian']);
  assert.equal(command.code, EXIT.usage);
  assert.equal(command.err.trim().split('\n').length, 1, command.err);
  assert.match(command.err, /unknown command 'trian' \(did you mean 'train'\?\)/);
  // A command that calls node:util's parseArgs itself gets the same one-line form from main.
  const other = await cli(['launch', 'verl', '--recipee', 'demo']);
  assert.equal(other.code, EXIT.usage);
  assert.equal(other.err.trim().split('\n').length, 1, other.err);
  assert.match(other.err, /unknown option '--recipee' \(did you mean '--recipe'\?\)/);
  const sub = await cli(['verify', 'cod']);
  assert.equal(sub.err.trim().split('\n').length, 1);
  assert.match(sub.err, /did you mean 'code'/);
});

test('bad input prints one line without a stack trace; --debug adds the trace', async () => {
  const missing = path.join(tmp, 'nope.jsonl');
  const plain = await cli(['verify', 'code', '--input', missing]);
  assert.equal(plain.code, EXIT.usage);
  assert.deepEqual(plain.err.trim().split('\n'), [`acereason verify: --input ${missing}: no such file`]);
  const debug = await cli(['verify', 'code', '--input', missing, '--debug']);
  assert.match(debug.err, /\n\s+at /, 'the stack trace is shown with --debug');
});

test('error descriptions: UserError, FieldError, ENOENT on a path, JSON syntax errors, bugs', () => {
  assert.deepEqual(describeError(new UserError('width 4096 is not supported', { file: 'ckpt/policy.json', field: 'width' })),
    { line: "ckpt/policy.json: field 'width': width 4096 is not supported", exitCode: EXIT.usage });
  assert.equal(describeError(new FieldError('gold', 'must be a string')).line, "field 'gold': must be a string");
  let enoent: unknown;
  try { fs.readFileSync(path.join(tmp, 'tokenizer.json')); } catch (e) { enoent = e; }
  assert.deepEqual(describeError(enoent), { line: `${path.join(tmp, 'tokenizer.json')}: no such file or directory`, exitCode: EXIT.usage });
  let syntax: unknown;
  try { JSON.parse('{"truncated": '); } catch (e) { syntax = e; }
  assert.equal(describeError(syntax).exitCode, EXIT.usage);
  assert.match(describeError(syntax).line, /^invalid JSON: /);
  const bug = describeError(new TypeError("Cannot read properties of undefined (reading 'x')"));
  assert.equal(bug.exitCode, EXIT.internalError);
  assert.match(bug.line, /^internal error: TypeError: .*--debug/);
});

test('serve and sandbox serve refuse a token in argv and a remote bind without --allow-remote and a secret', async () => {
  for (const cmd of [['serve'], ['sandbox', 'serve']]) {
    const argvToken = await cli([...cmd, '--token', 'hunter2']);
    assert.equal(argvToken.code, EXIT.usage);
    assert.match(argvToken.err, /--token-file FILE or ACEREASON_SERVE_TOKEN/);
    assert.ok(!argvToken.err.includes('hunter2'));
    const remote = await cli([...cmd, '--host', '0.0.0.0', '--port', '0']);
    assert.equal(remote.code, EXIT.usage);
    assert.match(remote.err, /not a loopback address; pass --allow-remote/);
    const saved = process.env.ACEREASON_SERVE_TOKEN;
    delete process.env.ACEREASON_SERVE_TOKEN;
    try {
      const noSecret = await cli([...cmd, '--host', '0.0.0.0', '--port', '0', '--allow-remote']);
      assert.equal(noSecret.code, EXIT.usage);
      assert.match(noSecret.err, /needs a shared secret/);
      const emptyFile = path.join(tmp, 'empty-token');
      fs.writeFileSync(emptyFile, '\n');
      const empty = await cli([...cmd, '--host', '0.0.0.0', '--port', '0', '--allow-remote', '--token-file', emptyFile]);
      assert.match(empty.err, /token file is empty/);
    } finally {
      if (saved !== undefined) process.env.ACEREASON_SERVE_TOKEN = saved;
    }
  }
});

test('the help lists every command with the summary its module declares, without loading the modules', async () => {
  for (const entry of commands) assert.equal(entry.summary, (await entry.load()).summary, entry.name);
  const script = `require('./src/cli/main.ts').runCli(['--help']).then(() => {
    const loaded = Object.keys(require.cache).filter((k) => k.includes('/src/cli/commands/'));
    process.stdout.write(JSON.stringify(loaded));
  });`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout.slice(r.stdout.lastIndexOf('['))), []);
});

test('`acereason … | head` ends quietly (no EPIPE stack trace)', async () => {
  const rows = Array.from({ length: 3000 }, (_, i) => ({ code: 'print(1)', tests: [{ input: '', output: '1' }], id: i }));
  const input = writeJsonl('many.jsonl', rows);
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'verify', 'code', '--input', input], { cwd: ROOT });
  let stderr = '';
  child.stderr.on('data', (c) => { stderr += c; });
  await new Promise<void>((resolve) => child.stdout.once('data', () => { child.stdout.destroy(); resolve(); }));
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  assert.ok(!/EPIPE|at Socket|Error:/.test(stderr), `stderr after the reader left:\n${stderr.slice(0, 1000)}`);
  assert.ok(code === 0 || code === null || code === 141, `exit ${code}`);
});

test('verify code: malformed lines → error lines and exit code 3; no partial credit unless asked', async () => {
  const file = writeJsonl('mixed.jsonl', [
    { code: 'print(int(input()) * 2)', tests: [{ input: '2', output: '4' }, { input: '3', output: '7' }, { input: '4', output: '8' }] },
    '{"code": "print(1)", "tests": ',
    { code: 'print(1)' },
  ]);
  const r = await cli(['verify', 'code', '--input', file]);
  assert.equal(r.code, EXIT.malformedLines, r.err);
  const lines = r.out.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.length, 3);
  assert.equal(lines[0].passed, false);
  assert.equal('partial' in lines[0], false, 'no partial credit without --partial-credit');
  assert.match(lines[1].error, /^line 2: /);
  assert.equal(lines[2].line, 3);
  const partial = await cli(['verify', 'code', '--input', file, '--partial-credit']);
  const first = JSON.parse(partial.out.split('\n')[0]);
  assert.ok(Math.abs(first.partial - 2 / 3) < 1e-9, JSON.stringify(first));
});

test('every verify command exits with the same code for malformed lines', async () => {
  const math = writeJsonl('math-mixed.jsonl', [{ gold: '2', pred: '2' }, 'not json', { pred: '1' }]);
  const code = writeJsonl('code-mixed.jsonl', [{ code: 'print(1)', tests: [{ input: '', output: '1' }] }, 'not json']);
  const m = await cli(['verify', 'math', '--input', math, '--workers', '0']);
  const c = await cli(['verify', 'code', '--input', code]);
  assert.equal(m.code, EXIT.malformedLines, m.err);
  assert.equal(c.code, EXIT.malformedLines, c.err);
  const fine = await cli(['verify', 'math', '--input', writeJsonl('math-ok.jsonl', [{ gold: '2', pred: '2' }]), '--workers', '0']);
  assert.equal(fine.code, EXIT.ok);
});

test('verify code reads curated.jsonl records as they are (fnName, starterCode, solutions)', async () => {
  const solution = 'class Solution:\n    def addTwo(self, a: int, b: int) -> int:\n        return a + b\n';
  const tests = [{ input: '1\n2', output: '3' }, { input: '-5\n5', output: '0' }];
  const file = writeJsonl('curated.jsonl', [
    { id: 'p1', source: 'lc', domain: 'code', format: 'functional', problem: 'add', tests, fnName: 'addTwo', solutions: [solution] },
    { id: 'p2', source: 'lc', domain: 'code', format: 'functional', problem: 'add', tests, starterCode: 'class Solution:\n    def addTwo(self, a: int, b: int) -> int:\n        ', solutions: [solution] },
    { id: 'p3', source: 'lc', domain: 'code', problem: 'add', tests, code: solution },
  ]);
  const r = await cli(['verify', 'code', '--input', file]);
  const lines = r.out.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines[0].passed, true, JSON.stringify(lines[0]));
  assert.equal(lines[1].passed, true, JSON.stringify(lines[1]));
  assert.match(lines[2].error, /class Solution but the line has no "fn_name"\/"fnName"/);
  assert.equal(r.code, EXIT.malformedLines);
});

test('verify code: float tolerance, RE tracebacks, and a TLE reported at the time limit', async () => {
  const file = writeJsonl('verdicts.jsonl', [
    { code: 'print(0.1 + 0.2)', tests: [{ input: '', output: '0.3' }] },
    { code: 'def f(x):\n    return 1 / x\nprint(f(0))', tests: [{ input: '', output: '1' }] },
    { code: 'while True:\n    pass', timeout_s: 1, tests: [{ input: '', output: '1' }, { input: '', output: '1' }, { input: '', output: '1' }, { input: '', output: '1' }] },
  ]);
  const exact = (await cli(['verify', 'code', '--input', file])).out.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(exact[0].tests[0].status, 'WA', '0.30000000000000004 ≠ 0.3 without a tolerance (LiveCodeBench default)');
  assert.equal(exact[1].tests[0].status, 'RE');
  assert.match(exact[1].tests[0].traceback, /^Traceback \(most recent call last\):[\s\S]*line 2, in f[\s\S]*ZeroDivisionError: division by zero$/);
  assert.match(exact[1].tests[0].message, /ZeroDivisionError: division by zero/);
  assert.equal(exact[2].tests.length, 1, 'tests after the first TLE are not run');
  assert.equal(exact[2].tests[0].status, 'TLE');
  assert.ok(exact[2].tests[0].time_ms < 1600, `TLE reported near the 1 s limit: ${exact[2].tests[0].time_ms} ms`);
  const tolerant = (await cli(['verify', 'code', '--input', file, '--float-tolerance', '1e-9'])).out.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(tolerant[0].passed, true, JSON.stringify(tolerant[0]));
});

test('a `while True` with four tests and two workers takes one time limit, not two', async () => {
  const file = writeJsonl('tle.jsonl', [{ code: 'while True:\n    pass', timeout_s: 2, tests: Array.from({ length: 4 }, () => ({ input: '', output: '1' })) }]);
  const started = Date.now();
  const r = await cli(['verify', 'code', '--input', file, '--concurrency', '2']);
  const elapsed = Date.now() - started;
  assert.equal(JSON.parse(r.out).tests[0].status, 'TLE');
  assert.ok(elapsed < 3900, `took ${elapsed} ms for a 2 s limit`);
});

test('--help after a subcommand word prints that usage: sandbox serve, export verl, launch verl, verify math', async () => {
  const cases: [string[], RegExp][] = [
    [['sandbox', 'serve', '--help'], /^Usage: acereason sandbox serve/],
    [['export', 'verl', '--help'], /^Usage: acereason export verl/],
    [['launch', 'verl', '-h'], /^Usage: acereason launch verl/],
    [['verify', 'math', '--help'], /^Usage: acereason verify math/],
    [['verify', '--help'], /^Usage: acereason verify <math\|code>/],
    [['curate', '--domain', 'math', '--help'], /^Usage: acereason curate/],
  ];
  for (const [args, usage] of cases) {
    const r = await cli(args);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.err}`);
    assert.match(r.out, usage, args.join(' '));
  }
});
