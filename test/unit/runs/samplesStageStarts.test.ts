// Stage boundaries of a finished run come from its whole samples.jsonl, not only from the latest
// samples the dashboard keeps: a run with more samples than the kept capacity still shows where its
// first stages started.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RunFeed } from '../../../src/core/runs/runFeed';

test('stage starts older than the kept samples still mark their stages', () => {
  const runsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'feed-stages-'));
  try {
    const dir = path.join(runsDir, 'r1');
    fs.mkdirSync(dir);
    // 4 samples per step: math-24 at steps 1–40, math-48 at 41–80 (320 lines), evaluation samples at 40 and 80.
    const lines: string[] = [];
    const sample = (step: number, stage: string, i: number) => JSON.stringify({ step, stage, promptId: `p${step}-${i}`, domain: 'math', prompt: 'q', response: 'a', reward: 0, verdict: 'wrong' });
    for (let step = 1; step <= 80; step++) {
      for (let i = 0; i < 4; i++) lines.push(sample(step, step <= 40 ? 'math-24' : 'math-48', i));
      if (step === 40) lines.push(sample(40, 'after-math-24', 0));
    }
    lines.push(sample(80, 'after-math-48', 0));
    fs.writeFileSync(path.join(dir, 'samples.jsonl'), lines.join('\n') + '\n');
    fs.writeFileSync(path.join(dir, 'status.json'), JSON.stringify({ status: 'finished', step: 80, time: new Date().toISOString() }));
    const feed = new RunFeed({ kind: 'run', runsDir, runId: 'r1' }, 100);
    feed.poll();
    assert.equal(feed.snapshot().samples.length, 100, 'only the latest 100 samples are kept');
    assert.deepEqual(feed.snapshot().stages, [{ name: 'math-24', startStep: 1 }, { name: 'math-48', startStep: 41 }]);
  } finally {
    fs.rmSync(runsDir, { recursive: true, force: true });
  }
});
