// Which Python the sandbox runs. A pyenv shim on PATH is a shell script that costs ~150 ms per start
// and hides the real interpreter, so it is resolved once to the binary it execs; Debian's
// /usr/bin/python3 is preferred when present (fastest start-up here, and readable by any uid, which
// the spawn baseline needs after dropping privileges).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

export interface ResolvedPython {
  /** Absolute path of the real interpreter binary. */
  path: string;
  version: string;
  /** How it was found, for the report and logs. */
  how: string;
}

const cache = new Map<string, ResolvedPython>();

function probe(candidate: string): { executable: string; version: string } | undefined {
  const r = spawnSync(candidate, ['-I', '-S', '-c', 'import sys; print(sys.executable); print(sys.version.split()[0])'], {
    encoding: 'utf8', timeout: 15_000, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/' },
  });
  if (r.status !== 0 || !r.stdout) return undefined;
  const [executable, version] = r.stdout.trim().split('\n');
  if (!executable || !version || !version.startsWith('3.')) return undefined;
  return { executable: fs.realpathSync(executable), version };
}

/** Resolves the interpreter once per process. `preferred` (a setting or option) wins when given. */
export function resolvePython(preferred?: string): ResolvedPython {
  const key = preferred ?? '';
  const hit = cache.get(key);
  if (hit) return hit;
  const candidates: [string, string][] = [];
  if (preferred) candidates.push([preferred, `configured (${preferred})`]);
  else {
    if (fs.existsSync('/usr/bin/python3')) candidates.push(['/usr/bin/python3', 'Debian /usr/bin/python3']);
    candidates.push(['python3', 'python3 on PATH'], ['python', 'python on PATH']);
  }
  for (const [candidate, how] of candidates) {
    const found = probe(candidate);
    if (found) {
      const resolved = { path: found.executable, version: found.version, how: `${how} → ${found.executable}` };
      cache.set(key, resolved);
      return resolved;
    }
  }
  throw new Error(preferred
    ? `the configured Python interpreter '${preferred}' does not run (need Python 3)`
    : 'no Python 3 interpreter found (tried /usr/bin/python3, python3, python); set acereason.pythonPath');
}
