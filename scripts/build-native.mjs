// Builds the optional native BLAS addon (native/blas_addon.c) into
// dist/native/<platform>-<arch>/acereason_blas.node with the C compiler found on this machine.
// The addon is optional: where no compiler or no Node headers exist, the build says so and the trainer
// keeps the wasm path. The binary is N-API (ABI-stable), so it is built once per platform and shipped
// inside the VSIX; users never need a compiler. BLAS itself is found at run time with dlopen.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

function nodeIncludeDir() {
  const candidates = [
    process.env.ACEREASON_NODE_INCLUDE,
    path.resolve(path.dirname(process.execPath), '..', 'include', 'node'),
    '/usr/include/node',
    '/usr/local/include/node',
  ].filter(Boolean);
  return candidates.find((d) => fs.existsSync(path.join(d, 'node_api.h')));
}

/** Returns the built file, or null with a one-line reason on stderr. */
export function buildNative({ quiet = false } = {}) {
  const say = (m) => { if (!quiet) console.error(`build-native: ${m}`); };
  if (process.env.ACEREASON_SKIP_NATIVE === '1') { say('skipped (ACEREASON_SKIP_NATIVE=1)'); return null; }
  const src = path.join(root, 'native', 'blas_addon.c');
  const outDir = path.join(root, 'dist', 'native', `${process.platform}-${process.arch}`);
  const out = path.join(outDir, 'acereason_blas.node');
  if (fs.existsSync(out) && fs.statSync(out).mtimeMs >= fs.statSync(src).mtimeMs) return out;
  if (process.platform === 'win32') { say('no native build on Windows; the trainer uses wasm'); return null; }
  const include = nodeIncludeDir();
  if (!include) { say('Node headers (node_api.h) not found; the trainer uses wasm'); return null; }
  const cc = process.env.CC || 'cc';
  fs.mkdirSync(outDir, { recursive: true });
  const tmp = `${out}.tmp-${process.pid}`;
  const args = ['-O2', '-fPIC', '-shared', '-std=c11', '-Wall', '-DNAPI_VERSION=8', `-I${include}`, '-o', tmp, src];
  if (process.platform === 'darwin') args.push('-undefined', 'dynamic_lookup');
  else args.push('-ldl', '-lm');
  const r = spawnSync(cc, args, { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    say(`${cc} failed (${r.error ? r.error.message : (r.stderr || '').split('\n')[0]}); the trainer uses wasm`);
    fs.rmSync(tmp, { force: true });
    return null;
  }
  fs.renameSync(tmp, out);
  say(`built ${path.relative(root, out)}`);
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) buildNative();
