// `npm run studio` (scripts/open-in-code-server.mjs) as the README shows it, minus the build (npm
// test has just built and packaged): it installs the VSIX into a code-server profile and serves
// the editor for the given workspace on loopback.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freeLoopbackPort } from './harness';
import { packageRoot } from '../../src/core/util/paths';

test('npm run studio installs the extension and serves the editor on loopback', { timeout: 120_000 }, async () => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'acereason-studio-script-'));
  try {
    const port = await freeLoopbackPort();
    const workspace = path.join(scratch, 'my workspace');
    const r = spawnSync(process.execPath, [
      path.join(packageRoot(), 'scripts', 'open-in-code-server.mjs'), '--skip-build', '--check', '--port', String(port), '--workspace', workspace,
    ], { encoding: 'utf8', timeout: 110_000, env: { ...process.env, ACEREASON_STUDIO_PROFILE: path.join(scratch, 'profile') } });
    assert.equal(r.status, 0, `exit ${r.status}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
    assert.match(r.stdout, new RegExp(`the editor was served at http://127\\.0\\.0\\.1:${port}/\\?folder=${encodeURIComponent(workspace).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    assert.ok(fs.statSync(workspace).isDirectory(), 'the workspace folder was created');
    const installed = fs.readdirSync(path.join(scratch, 'profile', 'extensions'));
    assert.ok(installed.some((d) => d.startsWith('acereason.acereason-studio-')), `the VSIX is installed: ${installed.join(', ')}`);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
});
