// The reference-solutions step with the real code sandbox (Python), on real LeetCode rows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCuration } from '../../../src/core/curate';

test('--verify-references removes the problem whose reference solution fails its tests, in the real sandbox', async () => {
  const rows = fs.readFileSync('/work/shared/data/code/problems.jsonl', 'utf8').split('\n').slice(0, 3).map((l) => JSON.parse(l));
  const broken = rows[1];
  broken.solutions = [broken.solutions[0].replace(/return ([^\n]+)/, 'return ($1) if False else -12345')];
  assert.notEqual(broken.solutions[0], JSON.parse(fs.readFileSync('/work/shared/data/code/problems.jsonl', 'utf8').split('\n')[1]).solutions[0]);
  const input = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'refs-')), 'three.jsonl');
  fs.writeFileSync(input, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const result = await runCuration({ domain: 'code', inputs: [input], verifyReferences: true, sandboxConcurrency: 2, steps: ['reference-solutions'] });
  assert.deepEqual(result.removed.map((r) => r.id), [broken.id]);
  assert.equal(result.removed[0].reasons[0].reason, 'reference-fails');
  assert.match(result.removed[0].reasons[0].detail ?? '', /fails test 1: WA/);
  assert.equal(result.report.kept, 2);
  assert.deepEqual(result.report.steps[0].stats, { references_checked: 3, without_reference: 0 });
});
