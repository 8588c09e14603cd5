// Real public data for tests lives in ../shared/data beside the repository (as CI lays it out). A test
// that needs it must fail with a clear message when it is absent, never skip: a silent skip in CI
// would hide that the test never ran.
import fs from 'node:fs';
import path from 'node:path';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const CANDIDATES = [path.resolve(REPO_ROOT, '..', 'shared', 'data'), '/work/shared/data'];

/** Absolute path of `rel` under shared/data; throws a message that says where it looked. */
export function sharedData(rel: string): string {
  for (const dir of CANDIDATES) {
    const p = path.join(dir, rel);
    if (fs.existsSync(p)) return p;
  }
  throw new Error(`test data ${rel} not found: expected ../shared/data beside the repository (looked in ${CANDIDATES.join(', ')})`);
}
