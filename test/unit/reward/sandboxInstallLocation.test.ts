// The sandbox hides /tmp behind a private tmpfs; an extension installed under /tmp (as test harnesses
// and some VS Code servers do) must still be able to run its own Python helpers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..', '..');

test('verify code works from a copy of the bundles installed under /tmp', () => {
  const install = fs.mkdtempSync(path.join('/tmp', 'acereason-installed-'));
  try {
    fs.cpSync(path.join(root, 'dist', 'cli.js'), path.join(install, 'dist', 'cli.js'));
    fs.cpSync(path.join(root, 'dist', 'py'), path.join(install, 'dist', 'py'), { recursive: true });
    fs.cpSync(path.join(root, 'dist', 'workers'), path.join(install, 'dist', 'workers'), { recursive: true });
    fs.copyFileSync(path.join(root, 'package.json'), path.join(install, 'package.json'));
    const line = JSON.stringify({ code: 'print(int(input()) * 2)', tests: [{ input: '21\n', output: '42\n' }, { input: '1\n', output: '3\n' }] });
    const r = spawnSync(process.execPath, [path.join(install, 'dist', 'cli.js'), 'verify', 'code', '--input', '-'], {
      input: line + '\n', encoding: 'utf8', timeout: 60_000, env: { ...process.env, TMPDIR: os.tmpdir() },
    });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim());
    assert.deepEqual(out.tests.map((t: { status: string }) => t.status), ['AC', 'WA'], r.stdout);
    assert.equal(out.reward, 0);
  } finally {
    fs.rmSync(install, { recursive: true, force: true });
  }
});
