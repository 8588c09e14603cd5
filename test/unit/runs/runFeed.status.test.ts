import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { RunFeed } from '../../../src/core/runs/runFeed';

test('a run whose status.json says running but whose process is gone shows as crashed', () => {
  const runsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'feed-status-'));
  const dir = path.join(runsDir, 'r1');
  fs.mkdirSync(dir);
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  const write = (pid: number) => fs.writeFileSync(path.join(dir, 'status.json'), JSON.stringify({ status: 'running', time: new Date().toISOString(), pid }));
  write(Number(dead.stdout));
  const feed = new RunFeed({ kind: 'run', runsDir, runId: 'r1' });
  feed.poll();
  assert.equal(feed.info('primary').status, 'crashed');
  assert.match(feed.progress?.detail ?? '', /is gone without writing a final status/);
  write(process.pid);
  const alive = new RunFeed({ kind: 'run', runsDir, runId: 'r1' });
  alive.poll();
  assert.equal(alive.info('primary').status, 'running');
  fs.rmSync(runsDir, { recursive: true, force: true });
});
