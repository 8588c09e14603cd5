// Locating built assets (dist/workers/*.js, dist/py/*.py, dist/wasm/*.wasm) both from the bundles in
// dist/ and from sources run under tsx (tests, benchmarks).
import fs from 'node:fs';
import path from 'node:path';

let cachedRoot: string | undefined;

/** The package root: the nearest ancestor of this file with our package.json. */
export function packageRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = __dirname;
  for (;;) {
    const pj = path.join(dir, 'package.json');
    if (fs.existsSync(pj)) {
      try {
        if (JSON.parse(fs.readFileSync(pj, 'utf8')).name === 'acereason-studio') return (cachedRoot = dir);
      } catch { /* keep walking */ }
    }
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`cannot find the acereason-studio package root above ${__dirname}`);
    dir = up;
  }
}

/** Path of a built asset under dist/, e.g. distPath('workers', 'mathVerify.js'). */
export function distPath(...parts: string[]): string {
  return path.join(packageRoot(), 'dist', ...parts);
}
