// `npm run test:vscode`: the in-editor suite (test/integration/suite) in a desktop VS Code through
// @vscode/test-electron. VS Code comes from VSCODE_EXECUTABLE_PATH when set, else from a download
// (VSCODE_TEST_VERSION, default "stable"; cached in .vscode-test/). Where neither is possible (no
// network to the VS Code update server, as on the project's machines) it prints one line,
// 'skipped: no VS Code build available', and exits 0. Not part of `npm test`.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
// Idle time without a byte from the update server before the download is given up.
const DOWNLOAD_IDLE_TIMEOUT_MS = 5000;

const silentReporter = { report() {}, error() {} };

async function vscodeExecutable() {
  const fromEnv = process.env.VSCODE_EXECUTABLE_PATH;
  if (fromEnv) {
    if (!fs.existsSync(fromEnv)) {
      console.error(`VSCODE_EXECUTABLE_PATH=${fromEnv}: no such file`);
      process.exit(2);
    }
    return fromEnv;
  }
  try {
    return await downloadAndUnzipVSCode({
      version: process.env.VSCODE_TEST_VERSION || 'stable',
      timeout: DOWNLOAD_IDLE_TIMEOUT_MS,
      cachePath: path.join(root, '.vscode-test'),
      reporter: silentReporter,
    });
  } catch {
    return undefined;
  }
}

/** Electron needs a display; on a headless Linux box start Xvfb when it is installed. */
function ensureDisplay() {
  if (process.platform !== 'linux' || process.env.DISPLAY) return undefined;
  if (spawnSync('sh', ['-c', 'command -v Xvfb'], { stdio: 'ignore' }).status !== 0) {
    console.error('warning: no DISPLAY and no Xvfb (apt-get install xvfb); VS Code may fail to start');
    return undefined;
  }
  const display = `:${90 + (process.pid % 100)}`;
  const xvfb = spawn('Xvfb', [display, '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], { stdio: 'ignore' });
  process.env.DISPLAY = display;
  return xvfb;
}

const executable = await vscodeExecutable();
if (!executable) {
  console.log('skipped: no VS Code build available');
  process.exit(0);
}

const build = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status || 1);

const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'acereason-integration-'));
const xvfb = ensureDisplay();
let code = 0;
try {
  console.log(`VS Code: ${executable}`);
  code = await runTests({
    vscodeExecutablePath: executable,
    extensionDevelopmentPath: root,
    extensionTestsPath: path.join(root, 'test', 'integration', 'suite', 'index.js'),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
  });
} catch (e) {
  console.error(`the in-editor suite failed: ${e instanceof Error ? e.message : e}`);
  code = 1;
} finally {
  xvfb?.kill();
  fs.rmSync(workspace, { recursive: true, force: true });
}
process.exit(code);
