// `npm run studio`: open AceReason Studio in a real VS Code in the browser, for a person.
// Builds the bundles, packages the VSIX, installs code-server + Chromium if needed
// (scripts/setup-e2e.sh, cached in ~/.cache/acereason-e2e), installs the VSIX into a code-server
// profile kept in ~/.cache/acereason-e2e/studio, serves a workspace folder on 127.0.0.1 and prints
// the URL. Ctrl-C stops it.
//
//   npm run studio -- [--workspace DIR] [--port N] [--skip-build] [--check]
//     --workspace DIR  folder to open (default ~/acereason-workspace; created if missing)
//     --port N         loopback port (default 8080, or a free one if 8080 is taken)
//     --skip-build     use the existing dist/ and dist/acereason-studio.vsix
//     --check          start, confirm the editor page is served, print the URL, stop (for tests)
//
// code-server runs with --auth none, so it only listens on the loopback interface; from another
// machine use an SSH tunnel (ssh -L 8080:127.0.0.1:8080 host).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const vsix = path.join(root, 'dist', 'acereason-studio.vsix');

function fail(message) {
  console.error(`studio: ${message}`);
  process.exit(1);
}

let args;
try {
  args = parseArgs({
    options: {
      workspace: { type: 'string' },
      port: { type: 'string' },
      'skip-build': { type: 'boolean', default: false },
      check: { type: 'boolean', default: false },
    },
    strict: true,
  }).values;
} catch (e) {
  fail(`${e.message}\nusage: npm run studio -- [--workspace DIR] [--port N] [--skip-build] [--check]`);
}

const workspace = path.resolve(args.workspace ?? path.join(os.homedir(), 'acereason-workspace'));
const cacheRoot = process.env.ACEREASON_E2E_CACHE ?? path.join(os.homedir(), '.cache', 'acereason-e2e');
// The code-server profile (settings, installed extensions); ACEREASON_STUDIO_PROFILE moves it (tests).
const profile = process.env.ACEREASON_STUDIO_PROFILE ?? path.join(cacheRoot, 'studio');

function run(what, cmd, cmdArgs) {
  console.log(`studio: ${what}…`);
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) fail(`${what} failed (exit ${r.status ?? r.signal})`);
}

function portIsFree(port) {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

function anyFreePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function choosePort() {
  if (args.port !== undefined) {
    const port = Number(args.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`--port: "${args.port}" is not a port number (1–65535)`);
    if (!(await portIsFree(port))) fail(`--port ${port}: 127.0.0.1:${port} is already in use`);
    return port;
  }
  return (await portIsFree(8080)) ? 8080 : anyFreePort();
}

// Before the build, so a bad --port fails at once.
const port = await choosePort();

if (!args['skip-build']) {
  run('building the bundles', process.execPath, ['scripts/build.mjs']);
  run('packaging the VSIX', process.execPath, ['scripts/package-vsix.mjs']);
}
if (!fs.existsSync(vsix)) fail(`${vsix} is missing: run without --skip-build`);

console.log('studio: checking code-server (installed once into ~/.cache/acereason-e2e)…');
const setup = spawnSync('bash', [path.join(root, 'scripts', 'setup-e2e.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
const codeServer = setup.stdout.trim().split('\n').pop();
if (setup.status !== 0 || !codeServer || !fs.existsSync(codeServer)) fail('scripts/setup-e2e.sh could not install code-server');

fs.mkdirSync(workspace, { recursive: true });
const userData = path.join(profile, 'user-data');
const extensions = path.join(profile, 'extensions');
fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
fs.mkdirSync(extensions, { recursive: true });
const settingsFile = path.join(userData, 'User', 'settings.json');
// First run only: later the person's own changes to these settings are kept.
if (!fs.existsSync(settingsFile)) {
  fs.writeFileSync(settingsFile, JSON.stringify({
    'security.workspace.trust.enabled': false,
    'workbench.startupEditor': 'none',
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
  }, null, 2));
}

const configFile = path.join(profile, 'config.yaml');
fs.writeFileSync(configFile, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
const common = ['--config', configFile, '--user-data-dir', userData, '--extensions-dir', extensions];

console.log('studio: installing the VSIX into code-server…');
const install = spawnSync(codeServer, [...common, '--install-extension', vsix, '--force'], { encoding: 'utf8' });
if (install.status !== 0) fail(`installing ${vsix} failed:\n${install.stdout}${install.stderr}`);

const server = spawn(codeServer, [
  ...common, '--disable-telemetry', '--disable-update-check', '--disable-getting-started-override', workspace,
], { stdio: ['ignore', 'pipe', 'pipe'] });
const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`;
const stop = () => { if (server.exitCode === null) server.kill('SIGTERM'); };
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

let serverLog = '';
const ready = new Promise((resolve) => {
  const onData = (d) => {
    serverLog += d.toString();
    if (args.check === false) process.stderr.write(d);
    if (/HTTP server listening/.test(serverLog)) resolve();
  };
  server.stdout.on('data', onData);
  server.stderr.on('data', onData);
});
const exited = new Promise((resolve) => server.once('exit', (code, signal) => resolve(code ?? signal)));
const first = await Promise.race([ready.then(() => 'ready'), exited.then(() => 'exited')]);
if (first === 'exited') fail(`code-server stopped before listening:\n${serverLog}`);

if (args.check) {
  const res = await fetch(url).catch((e) => ({ ok: false, status: e.message, text: async () => '' }));
  const page = await res.text();
  stop();
  await exited;
  if (!res.ok || !/workbench/i.test(page)) fail(`${url} did not serve the editor (${res.status})`);
  console.log(`studio: ok — the editor was served at ${url}`);
  process.exit(0);
}

console.log(`\nAceReason Studio is running in code-server (VS Code 1.100). Open:\n\n  ${url}\n\nworkspace: ${workspace}\nCtrl-C stops it.\n`);
const code = await exited;
process.exit(typeof code === 'number' ? code : 0);
