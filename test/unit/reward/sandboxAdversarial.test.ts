// Hostile programs: each must get the right verdict, leave no process and no file behind, not take
// the worker down, and the next normal test must still pass.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { CodeSandbox, type RunTestsRequest, type SandboxInfo, type Verdict } from '../../../src/core/reward/code';

const SECRET = `hunter2-${process.pid}-${Date.now()}`;
process.env.ACEREASON_FAKE_SECRET = SECRET;

let sandbox: CodeSandbox;
let info: SandboxInfo;
let workerPid: number;
const hostDir = fs.mkdtempSync(path.join(os.tmpdir(), 'acereason-escape-'));
fs.chmodSync(hostDir, 0o777); // world-writable on purpose: only the namespaces keep the test out

before(async () => {
  sandbox = new CodeSandbox({ concurrency: 1, timeoutS: 1.5, memoryMb: 256, outputLimitBytes: 1024 * 1024 });
  info = await sandbox.info();
  workerPid = sandbox.workerPids()[0];
});
after(() => {
  sandbox.close();
  fs.rmSync(hostDir, { recursive: true, force: true });
  delete process.env.ACEREASON_FAKE_SECRET;
});

function processesWithMarker(marker: string): number[] {
  const found: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(marker)) found.push(Number(entry));
    } catch { /* gone */ }
  }
  return found;
}

/** Runs a hostile program and checks the verdict and everything that must hold afterwards. */
async function hostile(name: string, req: Omit<RunTestsRequest, 'tests'> & { tests?: RunTestsRequest['tests'] }, expected: Verdict[], marker?: string) {
  const r = await sandbox.runTests({ tests: [{ input: '', output: 'unreachable' }], ...req });
  const last = r.tests.at(-1)!;
  assert.ok(expected.includes(last.status), `${name}: expected ${expected.join('/')}, got ${JSON.stringify(last).slice(0, 600)}`);
  assert.equal(r.reward, 0, `${name}: no reward`);
  const [leftovers] = await sandbox.leftovers();
  assert.deepEqual(leftovers.scratchEntries, [], `${name}: scratch dirs removed`);
  for (const [dir, entries] of Object.entries(leftovers.maskedEntries)) assert.deepEqual(entries, [], `${name}: nothing left in private ${dir}`);
  assert.deepEqual(leftovers.uidProcesses, [], `${name}: no process of the test uid left`);
  if (marker) assert.deepEqual(processesWithMarker(marker), [], `${name}: no process with marker ${marker}`);
  const normal = await sandbox.runTests({ code: 'print(int(input()) + 1)', tests: [{ input: '41', output: '42' }] });
  assert.equal(normal.passed, true, `${name}: the next normal test passes (${JSON.stringify(normal.tests)})`);
  assert.deepEqual(sandbox.workerPids(), [workerPid], `${name}: the warm worker survived`);
  return r;
}

test('isolation in force on this machine is reported', () => {
  assert.ok(info.python.startsWith('/'), info.python);
  if (info.isolation.dropPrivileges) assert.ok((info.worker?.uid ?? 0) >= 60000, 'tests run as a dedicated uid');
  if (info.isolation.mountNamespace) assert.ok(info.worker?.masked.includes('/tmp'), 'private /tmp');
});

test('infinite loop → TLE', async () => {
  const r = await hostile('busy loop', { code: 'while True:\n    pass' }, ['TLE']);
  assert.ok(r.tests[0].timeMs < 4000, `stopped near the limit (${r.tests[0].timeMs} ms)`);
});

test('sleeping past the limit → TLE (wall clock, not CPU)', async () => {
  const r = await hostile('sleep', { code: 'import time\ntime.sleep(60)' }, ['TLE']);
  assert.ok(r.tests[0].timeMs < 4000);
});

test('fork bomb → contained (TLE or RE), every fork killed', async () => {
  const marker = `forkbomb-${process.pid}`;
  const code = `import os, sys\nsys.argv.append(${JSON.stringify(marker)})\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass`;
  await hostile('fork bomb', { code }, ['TLE', 'RE']);
});

test('memory bomb → MLE (one big allocation, and gradual growth)', async () => {
  await hostile('big allocation', { code: 'x = bytearray(2 * 1024 ** 3)\nprint(len(x))' }, ['MLE']);
  await hostile('gradual growth', { code: 'chunks = []\nwhile True:\n    chunks.append(bytearray(8 * 1024 * 1024))' }, ['MLE']);
});

test('huge output → OLE', async () => {
  await hostile('print forever', { code: 'import sys\nwhile True:\n    sys.stdout.write("x" * 65536)' }, ['OLE']);
  await hostile('function returns a giant value', { code: 'def f():\n    return "y" * (8 * 1024 * 1024)', fnName: 'f', tests: [{ input: '', output: '"y"' }] }, ['OLE']);
});

test('deep recursion → RE, and the worker does not crash', async () => {
  await hostile('RecursionError', { code: 'def f(n):\n    return f(n + 1) + 1\nf(0)' }, ['RE']);
  // Python 3.11 keeps Python frames off the C stack; nested containers still recurse in C.
  await hostile('C stack overflow', { code: 'import sys\nsys.setrecursionlimit(10 ** 8)\nx = []\nfor _ in range(2 * 10 ** 5):\n    x = [x]\nprint(len(repr(x)))', timeoutS: 6 }, ['RE']);
});

test('writing outside the scratch dir fails and leaves no file', async () => {
  const targets = [path.join(hostDir, 'escaped.txt'), path.join(os.tmpdir(), `acereason-escaped-${process.pid}.txt`), path.join(process.cwd(), `acereason-escaped-${process.pid}.txt`)];
  const code = [
    'import os',
    `targets = ${JSON.stringify(targets)}`,
    'written = []',
    'for t in targets:',
    '    try:',
    '        with open(t, "w") as f: f.write("pwned")',
    '        written.append(t)',
    '    except OSError:',
    '        pass',
    'open("../sibling.txt", "w").write("x") if os.access("..", os.W_OK) else None',
    'print(written)',
    'raise SystemExit(1 if written else 0)',
  ].join('\n');
  const r = await sandbox.runCode({ code, language: 'python' });
  for (const t of targets) assert.equal(fs.existsSync(t), false, `${t} must not exist`);
  const checks = await hostile('write outside', { code: `${code}` }, ['RE', 'WA']);
  assert.ok(checks);
  // The host's /tmp is masked by a private tmpfs (a write to /tmp/x lands there and is wiped after
  // the test, which \`hostile\` checks); the world-writable host dir and the working tree stay out of reach.
  if (info.isolation.dropPrivileges && info.isolation.mountNamespace) {
    assert.ok(!r.stdout.includes(targets[0]) && !r.stdout.includes(targets[2]), `a host path was writable from the sandbox: ${r.stdout}`);
  }
});

test("the parent's environment is not visible", async () => {
  const code = [
    'import os',
    'seen = [repr(dict(os.environ))]',
    'for p in ["/proc/self/environ", f"/proc/{os.getppid()}/environ", "/proc/1/environ", "/proc/%d/environ" % ' + process.pid + ']:',
    '    try:',
    '        seen.append(open(p, "rb").read().decode(errors="replace"))',
    '    except OSError as e:',
    '        seen.append(type(e).__name__)',
    'print("\\n".join(seen))',
  ].join('\n');
  const r = await sandbox.runCode({ code, language: 'python' });
  assert.equal(r.exitCode, 0, r.stderr);
  assert.ok(!r.stdout.includes(SECRET), `the fake secret leaked:\n${r.stdout.slice(0, 2000)}`);
  assert.ok(r.stdout.includes('PATH'), 'the program saw its own (scrubbed) environment');
  const js = await sandbox.runCode({ code: 'console.log(JSON.stringify(process.env))', language: 'javascript' });
  assert.ok(!js.stdout.includes(SECRET));
  await hostile('env leak (reads, then fails on purpose)', { code: `${code}\nraise SystemExit(1)` }, ['RE']);
});

test('opening a network connection fails', async (t) => {
  let connections = 0;
  const server = net.createServer((s) => { connections++; s.destroy(); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  try {
    const code = `import socket\ns = socket.create_connection(("127.0.0.1", ${port}), timeout=1)\nprint("connected")`;
    if (!info.isolation.networkNamespace) {
      t.skip('no network namespace on this machine');
      return;
    }
    const r = await hostile('socket', { code, tests: [{ input: '', output: 'connected' }] }, ['RE']);
    assert.match(r.tests[0].stderr ?? '', /OSError|Network is unreachable|Connection refused|ConnectionRefused/);
    assert.equal(connections, 0, 'the host server saw no connection');
    const outside = await sandbox.runCode({ code: 'import socket\nsocket.create_connection(("1.1.1.1", 53), timeout=1)', language: 'python' });
    assert.notEqual(outside.exitCode, 0);
  } finally {
    server.close();
  }
});

test('a daemon that tries to outlive the test is killed', async () => {
  const marker = `${(Date.now() % 100000) + 1000}.${process.pid}`;
  const code = [
    'import os, time',
    'if os.fork() == 0:',
    '    os.setsid()',
    '    if os.fork() == 0:',
    '        os.closerange(0, 1024)',
    `        os.execv("/bin/sleep", ["sleep", "${marker}"])`,
    '    os._exit(0)',
    'time.sleep(0.2)',
    'print("parent done")',
  ].join('\n');
  const r = await sandbox.runTests({ code, timeoutS: 5, tests: [{ input: '', output: 'parent done' }] });
  assert.equal(r.tests[0].status, 'AC', JSON.stringify(r.tests[0]));
  assert.deepEqual(processesWithMarker(marker), [], 'the daemon is gone');
  await hostile('daemon (then fails on purpose)', { code: `${code}\nraise SystemExit(1)`, timeoutS: 5 }, ['RE'], marker);
});

test('JavaScript: infinite loop → TLE, heap bomb → MLE', async () => {
  await hostile('js busy loop', { code: 'while (true) {}', language: 'javascript' }, ['TLE']);
  await hostile('js heap bomb', { code: 'const a = []; while (true) a.push(new Array(1e6).fill(1));', language: 'javascript', memoryMb: 96, timeoutS: 6 }, ['MLE']);
});
