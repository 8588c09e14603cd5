import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'node:test';
import { listRunGroups } from '../../../src/core/runs/runGroups';
import { listRunIds } from '../../../src/core/runs/runSummary';

function runsFolder(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'run-groups-'));
  for (const id of ['abl-default-seed0', 'abl-no-curriculum-seed0', 'abl-default-seed1', 'abl-no-curriculum-seed1', 'demo-s0', 'demo-s1', 'demo-s2']) {
    fs.mkdirSync(path.join(dir, id));
    fs.writeFileSync(path.join(dir, id, 'metrics.jsonl'), '');
  }
  const group = (id: string, body: unknown) => {
    fs.mkdirSync(path.join(dir, id));
    fs.writeFileSync(path.join(dir, id, 'group.json'), typeof body === 'string' ? body : JSON.stringify(body));
  };
  group('20261201-abl', { kind: 'ablation', outcome: 'finished', winner: 'default', skipped: [], runs: [
    { variant: 'default', seed: 0, runId: 'abl-default-seed0', wallSeconds: 1 }, { variant: 'no-curriculum', seed: 0, runId: 'abl-no-curriculum-seed0', wallSeconds: 1 },
    { variant: 'default', seed: 1, runId: 'abl-default-seed1', wallSeconds: 1 }, { variant: 'no-curriculum', seed: 1, runId: 'abl-no-curriculum-seed1', wallSeconds: 1 },
  ] });
  // A member that was deleted is left out; the rest still open together.
  group('20261202-seeds', { kind: 'seeds', runs: [{ runId: 'demo-s0', seed: 0 }, { runId: 'demo-s1', seed: 1 }, { runId: 'demo-s2', seed: 2 }, { runId: 'gone', seed: 3 }], claims: [] });
  group('20261203-broken', '{"kind": "ablation", "runs": [');
  group('20261204-escape', { kind: 'seeds', runs: [{ runId: '../outside', seed: 0 }] });
  group('20261205-empty', { kind: 'seeds', runs: [{ runId: 'gone', seed: 0 }] });
  return dir;
}

test('run groups: ablations and seed groups list their existing member runs, newest first', () => {
  const dir = runsFolder();
  const groups = listRunGroups(dir);
  assert.deepEqual(groups.map((g) => g.id), ['20261202-seeds', '20261201-abl']);
  const [seeds, abl] = groups;
  assert.deepEqual(abl.runIds, ['abl-default-seed0', 'abl-no-curriculum-seed0', 'abl-default-seed1', 'abl-no-curriculum-seed1']);
  assert.equal(abl.kind, 'ablation');
  assert.equal(abl.description, 'ablation · 2 variants × 2 seeds');
  assert.deepEqual(seeds.runIds, ['demo-s0', 'demo-s1', 'demo-s2']);
  assert.equal(seeds.description, '3 seeds');
  // Group folders are not runs.
  assert.ok(!listRunIds(dir).some((id) => id.startsWith('2026120')));
});

test('run groups: a group.json that is truncated, names a path outside the runs folder, or no existing run is not offered', () => {
  const ids = listRunGroups(runsFolder()).map((g) => g.id);
  for (const bad of ['20261203-broken', '20261204-escape', '20261205-empty']) assert.ok(!ids.includes(bad), bad);
  assert.deepEqual(listRunGroups(path.join(os.tmpdir(), 'no-such-runs-folder-xyz')), []);
});
