import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { appendLabel } from '../../../src/core/labels/store';
import { PromptPool } from '../../../src/trainer/rl/promptPool';
import { latestCheckpoint, writeCheckpoint, type TrainerState } from '../../../src/trainer/rl/checkpoint';
import { sftLearningRate } from '../../../src/trainer/sft/sft';

const rec = (id: string) => ({ id, source: 's', domain: 'math' as const, problem: `p${id}`, answer: '1' });

test('prompt pool: draws depend only on (seed, step); exclusions appended mid-run apply at the next draw', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pool-'));
  const labels = path.join(dir, 'labels.jsonl');
  const records = Array.from({ length: 10 }, (_, i) => rec(String(i)));
  const pool = new PromptPool(records, records.map((r) => r.id), labels);
  const a = pool.select(4, 1, 7).records.map((r) => r.id);
  assert.deepEqual(pool.select(4, 1, 7).records.map((r) => r.id), a);
  assert.notDeepEqual(pool.select(4, 1, 8).records.map((r) => r.id), a);
  appendLabel(labels, { id: a[0], decision: 'exclude' });
  const b = pool.select(10, 1, 7);
  assert.equal(b.excludedCount, 1);
  assert.ok(!b.records.some((r) => r.id === a[0]));
  appendLabel(labels, { id: a[0], decision: 'keep' }); // the latest decision wins
  assert.equal(pool.select(10, 1, 7).excludedCount, 0);
  for (const r of records) appendLabel(labels, { id: r.id, decision: 'exclude' });
  assert.throws(() => pool.select(2, 1, 1), /no prompts left to sample/);
});

test('checkpoints: the newest complete one wins; a folder without trainer-state.json is ignored', async () => {
  const run = fs.mkdtempSync(path.join(os.tmpdir(), 'ckpt-'));
  const dir = path.join(run, 'checkpoints');
  // The run's own files, which a checkpoint's position is checked against on resume.
  fs.writeFileSync(path.join(run, 'metrics.jsonl'), [1, 2, 3, 4].map((step) => JSON.stringify({ step, data: {} })).join('\n') + '\n');
  fs.writeFileSync(path.join(run, 'samples.jsonl'), '');
  const state = (step: number): TrainerState => ({ version: 1, runId: 'r', seed: 1, step, sftDone: true, evalsDone: [], activePrompts: {}, tallies: {}, stagesStarted: [], log: { metricsLines: step, samplesLines: 0 }, rng: { seed: 1, step }, elapsedSeconds: 0, time: 'now' });
  const model = (w: string) => async (d: string) => { fs.writeFileSync(path.join(d, 'weights.bin'), w); fs.writeFileSync(path.join(d, 'tokenizer.json'), '{}'); };
  await writeCheckpoint(dir, state(2), model('w2'));
  await writeCheckpoint(dir, state(4), model('w4'));
  fs.mkdirSync(path.join(dir, '000006')); // a kill before the state file: incomplete
  const latest = latestCheckpoint(dir)!;
  assert.equal(latest.state.step, 4);
  assert.equal(fs.readFileSync(path.join(latest.dir, 'weights.bin'), 'utf8'), 'w4');
  fs.writeFileSync(path.join(dir, '000004', 'trainer-state.json'), '{"version":1}');
  assert.throws(() => latestCheckpoint(dir), /trainer-state\.json: field 'runId'/);
});

test('SFT learning rate: linear warm-up, cosine decay to 10% of the peak', () => {
  assert.ok(Math.abs(sftLearningRate(1, 0, 100) - 0.2) < 1e-12); // warm-up of 5 steps
  assert.ok(Math.abs(sftLearningRate(1, 4, 100) - 1) < 1e-12);
  assert.ok(Math.abs(sftLearningRate(1, 100, 100) - 0.1) < 1e-12);
  assert.ok(sftLearningRate(1, 50, 100) < 1 && sftLearningRate(1, 50, 100) > 0.1);
});

test('a samples.jsonl line carries the verdict state, whether the verifier failed, and the reference answer', async () => {
  const { sampleRecord } = await import('../../../src/trainer/rl/sampleRecord');
  const { SampleRecord } = await import('../../../src/core/protocol/trainer');
  const line = sampleRecord({
    step: 3, stage: 'math-24', record: rec('7'), prompt: 'p7=?', response: '</think> \\boxed{1}', truncated: false,
    verdict: { reward: 0, state: 'timeout', verifierFailed: true, extracted: '1', verdict: 'timeout: no verdict within 5000 ms' },
  });
  assert.deepEqual(
    { id: line.promptId, state: line.verdictState, failed: line.verifierFailed, reference: line.reference, reward: line.reward },
    { id: '7', state: 'timeout', failed: true, reference: '1', reward: 0 },
  );
  assert.ok(SampleRecord.safeParse(line).success, 'the line validates against the protocol');
});
