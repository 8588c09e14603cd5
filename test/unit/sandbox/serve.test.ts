// `sandbox serve` / the /run_code handler under a hostile client (issue 17 items 1, 2, 13): request
// limits never above the server's own, a shared secret, and a body dripped one byte at a time that
// must not hold the only request slot for more than seconds.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { CodeSandbox, startSandboxServer, type SandboxServer } from '../../../src/core/reward/code';
import { TOKEN_HEADER } from '../../../src/core/util/http';

const ROOT = path.resolve(__dirname, '../../..');
let sandbox: CodeSandbox;
let server: SandboxServer;
const token = `t-${process.pid}-${Date.now()}`;

before(async () => {
  // The operator allows 1 s and 128 MiB per run, whatever a request asks for.
  sandbox = new CodeSandbox({ concurrency: 1, timeoutS: 1, memoryMb: 128, maxTimeoutS: 1, maxMemoryMb: 128 });
  server = await startSandboxServer({ sandbox, maxPending: 1, bodyTimeoutMs: 1000, token });
});
after(async () => {
  await server.close();
  sandbox.close();
});

async function runCode(body: unknown, headers: Record<string, string> = { [TOKEN_HEADER]: token }): Promise<{ status: number; json: any }> {
  const res = await fetch(server.url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: res.status, json: await res.json().catch(() => undefined) };
}

test('requests without the shared secret are refused', async () => {
  assert.equal((await runCode({ code: 'print(1)', language: 'python' }, {})).status, 401);
  assert.equal((await runCode({ code: 'print(1)', language: 'python' }, { [TOKEN_HEADER]: 'wrong' })).status, 401);
  const ok = await runCode({ code: 'print(1)', language: 'python' });
  assert.equal(ok.status, 200);
  assert.equal(ok.json.run_result.stdout, '1\n');
});

test("a request's run_timeout and memory_limit_MB never exceed the server's", async () => {
  const started = Date.now();
  const slow = await runCode({ code: 'while True:\n    pass', language: 'python', run_timeout: 600 });
  assert.equal(slow.json.run_result.status, 'TimeLimitExceeded');
  assert.ok(Date.now() - started < 3000, `a 600 s request was held to the server's 1 s (took ${Date.now() - started} ms)`);
  const big = await runCode({ code: 'x = bytearray(512 * 1024 * 1024)\nfor i in range(0, len(x), 4096): x[i] = 1\nprint("allocated")', language: 'python', memory_limit_MB: 1_000_000 });
  assert.notEqual(big.json.run_result.stdout, 'allocated\n', '512 MiB on a 128 MiB server');
  assert.equal(big.json.status, 'Failed');
});

test('a slow-drip upload is cut off after the body timeout and frees its slot', async () => {
  const { port } = server;
  const socket = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  let response = '';
  socket.on('data', (c) => { response += c; });
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => undefined);
  socket.write(`POST /run_code HTTP/1.1\r\nHost: x\r\n${TOKEN_HEADER}: ${token}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{`);
  const drip = setInterval(() => { if (!socket.destroyed) socket.write(' '); }, 100);
  try {
    // The only slot (maxPending 1) is taken by the drip: others get 503 meanwhile.
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await runCode({ code: 'print(2)', language: 'python' })).status, 503);
    const t0 = Date.now();
    await closed;
    assert.ok(Date.now() - t0 < 3000, 'the dripping connection was closed within seconds');
    assert.match(response, /^HTTP\/1\.1 408/);
  } finally {
    clearInterval(drip);
    socket.destroy();
  }
  const after = await runCode({ code: 'print(2)', language: 'python' });
  assert.equal(after.status, 200, 'the slot is free again');
});

test('`acereason sandbox serve` off loopback: needs --allow-remote and a token from a file; then enforces it', async () => {
  const tokenFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'acereason-token-')), 'token');
  fs.writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'sandbox', 'serve', '--host', '0.0.0.0', '--port', '0', '--allow-remote', '--token-file', tokenFile], { cwd: ROOT });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (c) => {
        out += c;
        const m = /listening on http:\/\/0\.0\.0\.0:(\d+)/.exec(out);
        if (m) resolve(`http://127.0.0.1:${m[1]}/run_code`);
      });
      child.on('close', (code) => reject(new Error(`exited ${code}`)));
    });
    const cmdline = fs.readFileSync(`/proc/${child.pid}/cmdline`, 'utf8');
    assert.ok(!cmdline.includes(token), 'the secret is not in the command line');
    const body = JSON.stringify({ code: 'print(3)', language: 'python' });
    assert.equal((await fetch(url, { method: 'POST', body })).status, 401);
    const ok = await fetch(url, { method: 'POST', body, headers: { [TOKEN_HEADER]: token } });
    assert.equal(ok.status, 200);
  } finally {
    child.kill('SIGTERM');
    fs.rmSync(path.dirname(tokenFile), { recursive: true, force: true });
  }
});

test('`acereason serve`: 64 dripping uploads do not lock /verify/math out for more than seconds', async () => {
  const { startRewardService } = await import('../../../src/core/reward/service');
  const { MathVerifierPool } = await import('../../../src/core/reward/math');
  const math = new MathVerifierPool({ size: 1 });
  const codeSandbox = new CodeSandbox({ concurrency: 1 });
  const service = await startRewardService({ sandbox: codeSandbox, math, maxPending: 64 });
  const sockets: net.Socket[] = [];
  const drip = setInterval(() => { for (const s of sockets) if (!s.destroyed) s.write(' '); }, 200);
  try {
    for (let i = 0; i < 64; i++) {
      const s = net.connect(service.port, '127.0.0.1');
      s.on('error', () => undefined);
      s.write(`POST /verify/math HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n[`);
      sockets.push(s);
    }
    await new Promise((r) => setTimeout(r, 500));
    const body = JSON.stringify([{ gold: '2', pred: '2' }]);
    const during = await fetch(`${service.url}/verify/math`, { method: 'POST', body });
    assert.equal(during.status, 503, 'every slot is held by a dripping upload at first');
    const deadline = Date.now() + 15_000;
    let status = 503;
    while (status === 503 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      status = (await fetch(`${service.url}/verify/math`, { method: 'POST', body })).status;
    }
    assert.equal(status, 200, 'the slots were freed within seconds (the body-read timeout), not after 30 minutes');
  } finally {
    clearInterval(drip);
    for (const s of sockets) s.destroy();
    await service.close();
    await math.close();
    codeSandbox.close();
  }
});
