// Builds every bundle with esbuild:
//   dist/extension.js  (node, cjs, `vscode` external)      — the extension host side
//   dist/trainer.js    (node, cjs)                          — the process the extension forks
//   dist/cli.js        (node, cjs)                          — `acereason …`
//   dist/workers/*.js  (node, cjs)  from src/**/*.worker.ts — worker threads / child processes
//   dist/webview/*.js  (browser, iife) from webview/<view>/main.ts, plus webview/<view>/*.css
//   dist/wasm/*.wasm   tfjs-backend-wasm binaries;  dist/py/*.py  Python helpers from src/**
//   dist/native/<platform>-<arch>/acereason_blas.node  the optional BLAS addon (build-native.mjs)
// `--watch` rebuilds on change.
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildNative } from './build-native.mjs';
import { copyKatexAssets } from '../webview/shared/katexAssets.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

function walk(dir, out = []) {
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out); else out.push(p);
  }
  return out;
}

// Optional native tfjs packages are detected at run time, never bundled.
const nodeExternal = ['vscode', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', 'playwright-core', 'fsevents'];
const nodeCommon = {
  bundle: true, platform: 'node', format: 'cjs', target: 'node20', sourcemap: true,
  minify: production, external: nodeExternal, logLevel: 'warning',
  // tfjs-core probes `require('node-fetch')` etc. only in paths we never use.
  mainFields: ['module', 'main'],
};

const workerEntries = walk(path.join(root, 'src')).filter((f) => f.endsWith('.worker.ts'));
const webviewEntries = fs.existsSync(path.join(root, 'webview'))
  ? fs.readdirSync(path.join(root, 'webview')).filter((v) => fs.existsSync(path.join(root, 'webview', v, 'main.ts')))
  : [];

const builds = [
  { ...nodeCommon, entryPoints: { extension: 'src/extension/extension.ts' }, outdir: dist },
  { ...nodeCommon, entryPoints: { trainer: 'src/trainer/main.ts', cli: 'src/cli/main.ts' }, outdir: dist },
];
if (workerEntries.length) {
  builds.push({
    ...nodeCommon,
    entryPoints: Object.fromEntries(workerEntries.map((f) => [path.basename(f, '.worker.ts'), path.relative(root, f)])),
    outdir: path.join(dist, 'workers'),
  });
}
if (webviewEntries.length) {
  builds.push({
    bundle: true, platform: 'browser', format: 'iife', target: 'es2022', sourcemap: true, minify: production,
    logLevel: 'warning', loader: { '.css': 'css', '.ttf': 'file', '.woff2': 'file' },
    entryPoints: Object.fromEntries(webviewEntries.map((v) => [v, `webview/${v}/main.ts`])),
    outdir: path.join(dist, 'webview'),
  });
}

function copyAssets() {
  const wasmSrc = path.join(root, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist');
  const wasmOut = path.join(dist, 'wasm');
  fs.mkdirSync(wasmOut, { recursive: true });
  for (const f of fs.existsSync(wasmSrc) ? fs.readdirSync(wasmSrc) : []) {
    if (f.endsWith('.wasm')) fs.copyFileSync(path.join(wasmSrc, f), path.join(wasmOut, f));
  }
  const pyOut = path.join(dist, 'py');
  fs.mkdirSync(pyOut, { recursive: true });
  for (const f of walk(path.join(root, 'src')).filter((f) => f.endsWith('.py'))) {
    fs.copyFileSync(f, path.join(pyOut, path.basename(f)));
  }
  const cssOut = path.join(dist, 'webview');
  fs.mkdirSync(cssOut, { recursive: true });
  for (const v of webviewEntries) {
    for (const f of fs.readdirSync(path.join(root, 'webview', v))) {
      if (f.endsWith('.css')) fs.copyFileSync(path.join(root, 'webview', v, f), path.join(cssOut, `${v}-${f}`));
    }
  }
  const uplotCss = path.join(root, 'node_modules', 'uplot', 'dist', 'uPlot.min.css');
  if (fs.existsSync(uplotCss)) fs.copyFileSync(uplotCss, path.join(cssOut, 'uPlot.min.css'));
  copyKatexAssets(cssOut);
  const codicons = path.join(root, 'node_modules', '@vscode', 'codicons', 'dist');
  if (fs.existsSync(codicons)) {
    for (const f of ['codicon.css', 'codicon.ttf']) fs.copyFileSync(path.join(codicons, f), path.join(cssOut, f));
  }
}

const t0 = Date.now();
if (watch) {
  for (const b of builds) (await esbuild.context(b)).watch();
  copyAssets();
  console.log('[build] watching for changes…');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  copyAssets();
  buildNative();
  console.log(`[build] ${builds.length} bundle groups in ${Date.now() - t0} ms → ${path.relative(process.cwd(), dist) || 'dist'}/`);
}
