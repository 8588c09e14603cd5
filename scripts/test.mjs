// `npm test`: type check, build the bundles, package the VSIX, install what the end-to-end suite needs
// (code-server + Chromium, cached outside the repo), then run node's built-in test runner over
//   test/unit/**/*.test.ts     pure logic (core, trainer, CLI)            — run 2 files at a time
//   test/webview/**/*.test.ts  webview pages in headless Chromium
//   test/e2e/**/*.test.ts      a real VS Code (code-server) driven by playwright-core — one file at a time
// `--only unit|webview|e2e` runs one suite (and skips the steps it does not need).
// The last line is a plain "tests: N passed, N failed" summary over all suites.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
const onlyIdx = process.argv.indexOf('--only');
const only = onlyIdx >= 0 ? process.argv[onlyIdx + 1] : undefined;
const suites = only ? [only] : ['unit', 'webview', 'e2e'];

function step(name, cmd, args, opts = {}) {
  const t0 = Date.now();
  console.log(`\n▶ ${name}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.status !== 0) {
    console.error(`✖ ${name} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status || 1);
  }
  console.log(`✔ ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}

function findTests(dir) {
  const out = [];
  const walk = (d) => {
    if (!fs.existsSync(d)) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.test.ts')) out.push(path.relative(root, p));
    }
  };
  walk(path.join(root, dir));
  return out.sort();
}

function runNodeTests(name, files, concurrency, env = {}) {
  return new Promise((resolve) => {
    if (files.length === 0) { console.log(`(no ${name} tests)`); resolve({ pass: 0, fail: 0, code: 0 }); return; }
    console.log(`\n▶ ${name} tests: ${files.length} files`);
    const child = spawn(process.execPath, [
      '--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files,
    ], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
    // Node's spec reporter ends each run with "ℹ pass N", "ℹ fail N", "ℹ cancelled N" lines; read them
    // as they stream (failure details can follow them), and count cancelled tests as failures.
    const counts = { pass: 0, fail: 0, cancelled: 0 };
    let partial = '';
    child.stdout.on('data', (d) => {
      process.stdout.write(d);
      const lines = (partial + d.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        const m = /^ℹ (pass|fail|cancelled) (\d+)\s*$/.exec(line);
        if (m) counts[m[1]] = Number(m[2]);
      }
    });
    child.on('close', (code) => {
      const failed = counts.fail + counts.cancelled;
      resolve({ pass: counts.pass, fail: failed + (code !== 0 && failed === 0 ? 1 : 0), code: code ?? 1 });
    });
  });
}

if (!only) step('type check', 'npx', ['tsc', '-p', '.', '--noEmit']);
if (!only) step('import cycles', process.execPath, ['scripts/check-cycles.mjs']);
// Every suite uses built assets (workers, Python helpers, webview bundles).
step('build', process.execPath, ['scripts/build.mjs']);
if (suites.includes('e2e')) step('package VSIX', process.execPath, ['scripts/package-vsix.mjs']);
// Python packages for the sandbox, Chromium, code-server: installed once, cached outside the repo.
step('test prerequisites', 'bash', ['scripts/setup-e2e.sh']);

let pass = 0, fail = 0, worst = 0;
for (const s of suites) {
  const r = await runNodeTests(s, findTests(`test/${s}`), s === 'e2e' ? 1 : 2);
  pass += r.pass; fail += r.fail; worst = worst || r.code;
}
console.log(`\ntests: ${pass} passed, ${fail} failed`);
process.exit(worst ? 1 : 0);
