// The SandboxFusion-compatible HTTP service and the two CLI commands of the sandbox.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CodeSandbox, startSandboxServer, type SandboxServer } from '../../../src/core/reward/code';
import { runCli } from '../../../src/cli/main';
import { EXIT } from '../../../src/cli/command';
import { captureIO } from '../../helpers/captureIO';

let sandbox: CodeSandbox;
let server: SandboxServer;
before(async () => {
  sandbox = new CodeSandbox({ concurrency: 2 });
  server = await startSandboxServer({ sandbox, port: 0, maxRequestBytes: 64 * 1024 });
});
after(async () => {
  await server.close();
  sandbox.close();
});

async function post(body: unknown): Promise<{ status: number; json: Record<string, any> }> {
  const res = await fetch(server.url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.status, json: await res.json() as Record<string, any> };
}

test('binds to loopback on a free port by default', () => {
  assert.equal(server.host, '127.0.0.1');
  assert.ok(server.port > 0);
  assert.equal(server.url, `http://127.0.0.1:${server.port}/run_code`);
});

test('POST /run_code runs python with stdin and answers in SandboxFusion shape', async () => {
  const { status, json } = await post({ code: 'print(input()[::-1])', language: 'python', stdin: 'abc', run_timeout: 5, memory_limit_MB: -1, compile_timeout: 10 });
  assert.equal(status, 200);
  assert.equal(json.status, 'Success');
  assert.equal(json.compile_result, null);
  assert.equal(json.run_result.status, 'Finished');
  assert.equal(json.run_result.return_code, 0);
  assert.equal(json.run_result.stdout, 'cba\n');
  assert.equal(json.run_result.stderr, '');
  assert.equal(typeof json.run_result.execution_time, 'number');
  assert.ok(json.run_result.execution_time > 0 && json.run_result.execution_time < 5);
});

test('nodejs, failures and time limits map to Failed / TimeLimitExceeded', async () => {
  const js = await post({ code: 'console.log(6 * 7)', language: 'nodejs' });
  assert.equal(js.json.status, 'Success');
  assert.equal(js.json.run_result.stdout, '42\n');
  const failed = await post({ code: 'import sys\nsys.stderr.write("bad")\nsys.exit(4)', language: 'python' });
  assert.equal(failed.json.status, 'Failed');
  assert.equal(failed.json.run_result.status, 'Finished');
  assert.equal(failed.json.run_result.return_code, 4);
  assert.equal(failed.json.run_result.stderr, 'bad');
  const slow = await post({ code: 'import time\ntime.sleep(30)', language: 'python', run_timeout: 0.5 });
  assert.equal(slow.json.status, 'Failed');
  assert.equal(slow.json.run_result.status, 'TimeLimitExceeded');
});

test('unsupported languages are a SandboxError; malformed requests are 400 naming the field', async () => {
  const cpp = await post({ code: 'int main(){}', language: 'cpp' });
  assert.equal(cpp.status, 200);
  assert.equal(cpp.json.status, 'SandboxError');
  assert.match(cpp.json.message, /unsupported language 'cpp'/);
  const noCode = await post({ language: 'python' });
  assert.equal(noCode.status, 400);
  assert.match(noCode.json.detail, /field 'code'/);
  const badTimeout = await post({ code: '1', language: 'python', run_timeout: 'soon' });
  assert.equal(badTimeout.status, 400);
  assert.match(badTimeout.json.detail, /run_timeout/);
  const notJson = await post('{"code": ');
  assert.equal(notJson.status, 400);
  assert.match(notJson.json.detail, /not JSON/);
});

test('oversize requests are refused with 413; other routes 404; ping answers', async () => {
  const big = await post({ code: `print(${JSON.stringify('x'.repeat(100 * 1024))})`, language: 'python' });
  assert.equal(big.status, 413);
  assert.match(big.json.detail, /exceeds the limit/);
  const still = await post({ code: 'print(1)', language: 'python' });
  assert.equal(still.json.status, 'Success', 'the server keeps serving after a refusal');
  const missing = await fetch(`http://127.0.0.1:${server.port}/nope`);
  assert.equal(missing.status, 404);
  const get = await fetch(server.url);
  assert.equal(get.status, 405);
  const ping = await fetch(`http://127.0.0.1:${server.port}/v1/ping`);
  assert.equal(await ping.text(), 'pong');
});

test('more requests than maxPending at once get 503', async () => {
  const small = await startSandboxServer({ sandbox, port: 0, maxPending: 1 });
  try {
    const send = () => fetch(small.url, { method: 'POST', body: JSON.stringify({ code: 'import time\ntime.sleep(0.5)', language: 'python' }) });
    const statuses = (await Promise.all([send(), send(), send()])).map((r) => r.status).sort();
    assert.equal(statuses[0], 200);
    assert.ok(statuses.includes(503), `statuses: ${statuses}`);
  } finally {
    await small.close();
  }
});


test('acereason verify code: one verdict line per input line, errors name the line', async () => {
  const lines = [
    JSON.stringify({ code: 'print(int(input()) * 2)', tests: [{ input: '2', output: '4' }, { input: '5', output: '10' }] }),
    'not json',
    JSON.stringify({ response: '<think>plan</think>\nHere:\n```python\nclass Solution:\n    def f(self, a: List[int]) -> int:\n        return min(a)\n```', fn_name: 'f', tests: [{ input: '[3, 1]', output: '1' }, { input: '[2]', output: '3' }] }),
    '',
    JSON.stringify({ code: 'x', tests: 'none' }),
    JSON.stringify({ response: 'no code at all', tests: [{ input: '', output: '' }] }),
    JSON.stringify({ code: 'while True: pass', tests: [{ input: '', output: '' }], timeout_s: 0.5 }),
  ];
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'verify-code-')), 'in.jsonl');
  fs.writeFileSync(file, lines.join('\n') + '\n');
  const cap = captureIO();
  const code = await runCli(['verify', 'code', '--input', file, '--concurrency', '2'], cap);
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
  assert.equal(code, EXIT.malformedLines, 'malformed lines give the exit code every verify command uses for them');
  const out = cap.out().trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(out.length, 6);
  assert.equal(out[0].passed, true);
  assert.equal(out[0].reward, 1);
  assert.deepEqual(out[0].tests.map((t: any) => t.status), ['AC', 'AC']);
  assert.equal(typeof out[0].tests[0].time_ms, 'number');
  assert.deepEqual(out[1], { error: out[1].error, line: 2 });
  assert.match(out[1].error, /not JSON/);
  assert.equal(out[2].passed, false);
  assert.equal(out[2].reward, 0);
  assert.deepEqual(out[2].tests.map((t: any) => t.status), ['AC', 'WA']);
  assert.equal(out[3].line, 5);
  assert.match(out[3].error, /"tests" must be an array/);
  assert.equal(out[4].reward, 0);
  assert.match(out[4].message, /no complete fenced code block/);
  assert.equal(out[5].tests[0].status, 'TLE');
});

test('acereason verify code reads stdin with -, and refuses a missing --input', async () => {
  const cap = captureIO({ stdin: JSON.stringify({ code: 'console.log(1)', language: 'javascript', tests: [{ input: '', output: '1' }] }) + '\n' });
  assert.equal(await runCli(['verify', 'code', '--input', '-'], cap), 0);
  assert.equal(JSON.parse(cap.out()).passed, true);
  const none = captureIO();
  assert.equal(await runCli(['verify', 'code'], none), 2);
  assert.match(none.err(), /--input FILE\|- is required/);
});

test('acereason sandbox serve: listens, answers /run_code, stops on SIGTERM', async () => {
  const cli = path.join(__dirname, '../../../src/cli/main.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', cli, 'sandbox', 'serve', '--port', '0', '--concurrency', '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let text = '';
      child.stdout.on('data', (d) => {
        text += d;
        const m = /listening on (http:\/\/\S+)/.exec(text);
        if (m) resolve(m[1]);
      });
      child.on('exit', (c) => reject(new Error(`exited early (${c})`)));
      setTimeout(() => reject(new Error(`no listening line: ${text}`)), 30_000).unref();
    });
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/run_code$/);
    const res = await fetch(url, { method: 'POST', body: JSON.stringify({ code: 'print(2 + 2)', language: 'python' }) });
    const json = await res.json() as Record<string, any>;
    assert.equal(json.run_result.stdout, '4\n');
    const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});
