// Hostile programs from the security audit (issue 17, items 2–4): memory split across children and
// memfds, reads of host files, /proc snooping for a server's command line, namespace and ptrace
// tricks. Each passed (the attack worked) before the whole-test memory cage, the minimal root, the
// pid namespace and the seccomp filter; each must fail now. Both ways of enforcing memory are
// exercised: the cgroup (where the machine allows it) and the polling fallback.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CodeSandbox, type SandboxInfo } from '../../../src/core/reward/code';

const MEMORY_MB = 256;

/** Four children of 150 MiB each: every process is under the limit, the test together is not. */
const SPLIT_ACROSS_CHILDREN = `
import os, time
pids = []
for i in range(4):
    pid = os.fork()
    if pid == 0:
        block = bytearray(150 * 1024 * 1024)
        for j in range(0, len(block), 4096):
            block[j] = 1
        time.sleep(1.0)
        os._exit(0)
    pids.append(pid)
ok = all(os.waitpid(p, 0)[1] == 0 for p in pids)
print("all children held their memory" if ok else "a child died")
`;

/** Ten memfds of 64 MiB: written with write(), so they never count against RLIMIT_AS. */
const MEMFDS = `
import os
fds = []
chunk = b"m" * (1 << 20)
for i in range(10):
    fd = os.memfd_create(f"hoard{i}")
    for _ in range(64):
        os.write(fd, chunk)
    fds.append(fd)
print("held", len(fds) * 64, "MiB in memfds")
`;

function sandboxInfoSupportsConfinement(info: SandboxInfo): boolean {
  return info.isolation.dropPrivileges && info.isolation.pidNamespace;
}

for (const memoryEnforcement of ['auto', 'poll'] as const) {
  describe(`whole-test memory limit (${memoryEnforcement})`, () => {
    let sandbox: CodeSandbox;
    let info: SandboxInfo;
    before(async () => {
      sandbox = new CodeSandbox({ concurrency: 1, timeoutS: 8, memoryMb: MEMORY_MB, memoryEnforcement });
      info = await sandbox.info();
    });
    after(() => sandbox.close());

    test('the enforcement in force is reported', () => {
      if (memoryEnforcement === 'poll') assert.equal(info.worker?.memory, 'poll');
      else if (info.isolation.dropPrivileges) assert.match(info.worker?.memory ?? '', /^cgroup-v[12]$/, 'root on this machine can create memory cgroups');
    });

    test('memory split across child processes → MLE', async () => {
      const r = await sandbox.runTests({ code: SPLIT_ACROSS_CHILDREN, tests: [{ input: '', output: 'all children held their memory' }] });
      assert.equal(r.tests[0].status, 'MLE', JSON.stringify(r.tests[0]).slice(0, 800));
      assert.equal(r.reward, 0);
    });

    test('memory parked in memfds → MLE', async () => {
      const r = await sandbox.runTests({ code: MEMFDS, tests: [{ input: '', output: 'held 640 MiB in memfds' }] });
      assert.equal(r.tests[0].status, 'MLE', JSON.stringify(r.tests[0]).slice(0, 800));
    });

    test('a program within the limit still passes, and nothing is left behind', async () => {
      const r = await sandbox.runTests({ code: 'x = bytearray(64 * 1024 * 1024)\nprint(len(x) // (1024 * 1024))', tests: [{ input: '', output: '64' }] });
      assert.equal(r.passed, true, JSON.stringify(r.tests));
      const [left] = await sandbox.leftovers();
      assert.deepEqual(left.uidProcesses, []);
      assert.deepEqual(left.scratchEntries, []);
    });
  });
}

describe('what a test can see and do', () => {
  let sandbox: CodeSandbox;
  let info: SandboxInfo;
  let decoy: ChildProcess;
  const secret = `sekrit-${process.pid}-${Date.now()}`;
  const hostFiles = [path.resolve('package.json'), '/etc/hostname', '/etc/passwd', path.resolve('.git/config')].filter((f) => fs.existsSync(f));

  before(async () => {
    // A host process with a secret in its command line, like `serve --token SECRET` used to be.
    decoy = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)', '--', '--token', secret], { stdio: 'ignore' });
    sandbox = new CodeSandbox({ concurrency: 1, timeoutS: 5 });
    info = await sandbox.info();
  });
  after(() => {
    decoy.kill('SIGKILL');
    sandbox.close();
  });

  test('host files are not readable and the root holds only what the interpreters need', async (t) => {
    if (!sandboxInfoSupportsConfinement(info)) return t.skip(`no pid namespace as root here: ${info.isolation.notes.join('; ')}`);
    assert.equal(info.worker?.root, 'minimal');
    assert.ok(hostFiles.length >= 2, 'the host has files to protect');
    const code = [
      'import json, os',
      `paths = ${JSON.stringify(hostFiles)}`,
      'readable = []',
      'for p in paths:',
      '    try:',
      '        open(p, "rb").read(1)',
      '        readable.append(p)',
      '    except OSError:',
      '        pass',
      'print(json.dumps({"readable": readable, "root": sorted(os.listdir("/")), "etc": sorted(os.listdir("/etc"))}))',
    ].join('\n');
    const r = await sandbox.runCode({ code, language: 'python' });
    assert.equal(r.exitCode, 0, r.stderr);
    const seen = JSON.parse(r.stdout) as { readable: string[]; root: string[]; etc: string[] };
    assert.deepEqual(seen.readable, [], `host files readable from a test: ${seen.readable.join(', ')}`);
    for (const entry of seen.root) assert.ok(['usr', 'bin', 'lib', 'lib32', 'lib64', 'libx32', 'sbin', 'etc', 'dev', 'proc', 'tmp', 'root', 'opt', 'home'].includes(entry), `unexpected top-level entry /${entry}`);
    assert.ok(!seen.root.includes('work'), 'the repositories are not there');
    assert.deepEqual(seen.etc, ['ld.so.cache']);
    const write = await sandbox.runCode({ code: 'open("/usr/pwned", "w")', language: 'python' });
    assert.match(write.stderr, /Read-only file system|Permission denied/);
  });

  test("/proc shows only the test's own processes, never a host command line", async (t) => {
    if (!sandboxInfoSupportsConfinement(info)) return t.skip('no pid namespace here');
    const code = [
      'import os',
      'found = []',
      'pids = [e for e in os.listdir("/proc") if e.isdigit()]',
      'for e in pids:',
      '    try:',
      '        found.append(open(f"/proc/{e}/cmdline", "rb").read().decode(errors="replace"))',
      '    except OSError:',
      '        pass',
      'print(len(pids), os.getpid() in map(int, pids))',
      'print("\\n".join(found))',
    ].join('\n');
    const r = await sandbox.runCode({ code, language: 'python' });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.ok(!r.stdout.includes(secret), 'the decoy secret is visible through /proc');
    const [count, selfVisible] = r.stdout.split('\n')[0].split(' ');
    assert.equal(selfVisible, 'True');
    assert.equal(Number(count), 1, `only the test itself is visible in /proc: ${r.stdout.slice(0, 500)}`);
  });

  test('namespaces cannot be created and ptrace is refused inside a test', async (t) => {
    if (!sandboxInfoSupportsConfinement(info)) return t.skip('no confinement here');
    assert.equal(info.worker?.seccomp, true);
    const code = [
      'import ctypes, os, subprocess',
      'libc = ctypes.CDLL(None, use_errno=True)',
      'CLONE_NEWUSER, CLONE_NEWNS, CLONE_NEWNET = 0x10000000, 0x20000, 0x40000000',
      'print("unshare", libc.unshare(CLONE_NEWUSER | CLONE_NEWNS), ctypes.get_errno())',
      'print("unshare-net", libc.unshare(CLONE_NEWUSER | CLONE_NEWNET), ctypes.get_errno())',
      'print("ptrace", libc.ptrace(0, 0, 0, 0), ctypes.get_errno())',
      'r = subprocess.run(["/usr/bin/unshare", "--user", "--map-root-user", "--mount", "/bin/true"], capture_output=True)',
      'print("unshare-cmd", r.returncode)',
      'r = subprocess.run(["/bin/echo", "subprocess works"], capture_output=True, text=True)',
      'print(r.stdout.strip())',
    ].join('\n');
    const r = await sandbox.runCode({ code, language: 'python' });
    assert.equal(r.exitCode, 0, r.stderr);
    const lines = Object.fromEntries(r.stdout.trim().split('\n').map((l) => { const [k, ...v] = l.split(' '); return [k, v.join(' ')]; }));
    assert.equal(lines.unshare, '-1 1', `unshare(CLONE_NEWUSER|CLONE_NEWNS) must fail with EPERM: ${r.stdout}`);
    assert.equal(lines['unshare-net'], '-1 1');
    assert.equal(lines.ptrace, '-1 1', 'PTRACE_TRACEME must fail with EPERM');
    assert.notEqual(lines['unshare-cmd'], '0');
    assert.equal(lines.subprocess, 'works', 'fork/exec still work under the filter');
  });

  test('JavaScript tests still run in the minimal root', async () => {
    const r = await sandbox.runTests({ code: 'const s = require("fs").readFileSync(0, "utf8"); console.log(Number(s) * 2)', language: 'javascript', tests: [{ input: '21', output: '42' }] });
    assert.equal(r.passed, true, JSON.stringify(r.tests));
  });
});

test('closing the sandbox removes its memory cgroups', async (t) => {
  const own = fs.readFileSync('/proc/self/cgroup', 'utf8').split('\n').map((l) => l.split(':'));
  const v1 = own.find((parts) => parts[1]?.split(',').includes('memory'));
  const dir = v1 ? path.join('/sys/fs/cgroup/memory', v1[2]) : undefined;
  const sandbox = new CodeSandbox({ concurrency: 2 });
  const info = await sandbox.info();
  if (!dir || !info.worker?.memory.startsWith('cgroup-v1')) {
    sandbox.close();
    return t.skip(`no cgroup v1 memory hierarchy in use here (${info.worker?.memory})`);
  }
  await Promise.all([1, 2].map((i) => sandbox.runTests({ code: `print(${i})`, tests: [{ input: '', output: String(i) }] })));
  const ours = () => fs.readdirSync(dir).filter((e) => e.startsWith(`acereason-sandbox-${process.pid}-`));
  assert.equal(ours().length, 2, 'one cgroup per worker while it runs');
  sandbox.close();
  const deadline = Date.now() + 5000;
  while (ours().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(ours(), []);
});
