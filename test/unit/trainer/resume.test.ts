// A run killed with SIGKILL after a checkpoint, then resumed, ends exactly where an uninterrupted
// run with the same seed ends: same metrics (timings aside), same samples, same final weights.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '../../..');
const cli = path.join(root, 'dist', 'cli.js');

function recipeFile(dir: string): string {
  const base = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'tiny-recipe.json'), 'utf8'));
  for (const s of base.stages) s.steps = 3;
  base.checkpointEvery = 2;
  const file = path.join(dir, 'recipe.json');
  fs.writeFileSync(file, JSON.stringify(base));
  return file;
}

function train(args: string[]): { status: number | null; stderr: string; stdout: string } {
  const r = spawnSync(process.execPath, [cli, 'train', ...args], { encoding: 'utf8', env: { ...process.env, TFJS_BACKEND: 'wasm' } });
  return { status: r.status, stderr: r.stderr, stdout: r.stdout };
}

function withoutTimings(file: string): unknown[] {
  return fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).map((line) => ({
    step: line.step,
    data: Object.fromEntries(Object.entries(line.data as Record<string, number>).filter(([k]) => !k.startsWith('timing_s/') && k !== 'perf/throughput')),
  }));
}

function finalWeights(runDir: string): Buffer {
  const ckpts = path.join(runDir, 'checkpoints');
  const last = fs.readdirSync(ckpts).filter((d) => /^\d+$/.test(d)).sort().pop()!;
  return fs.readFileSync(path.join(ckpts, last, 'weights.bin'));
}

test('SIGKILL after a checkpoint, resume → same metrics, samples and weights as an uninterrupted run', { timeout: 240_000 }, async () => {
  if (!fs.existsSync(cli)) spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { stdio: 'inherit' });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'resume-'));
  const recipe = recipeFile(dir);
  const out = path.join(dir, 'runs');

  const full = train(['--recipe', recipe, '--out', out, '--run-id', 'full', '--quiet']);
  assert.equal(full.status, 0, full.stderr);

  // Start the same run and kill -9 it as soon as its first RL checkpoint (step 2) is complete.
  const killedDir = path.join(out, 'killed');
  const child = spawn(process.execPath, [cli, 'train', '--recipe', recipe, '--out', out, '--run-id', 'killed', '--quiet'], { stdio: 'ignore', env: { ...process.env, TFJS_BACKEND: 'wasm' } });
  const marker = path.join(killedDir, 'checkpoints', '000002', 'trainer-state.json');
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const timer = setInterval(() => { if (fs.existsSync(marker)) child.kill('SIGKILL'); }, 5);
  await exited;
  clearInterval(timer);
  assert.ok(fs.existsSync(marker), 'the run exited before its first RL checkpoint');
  assert.equal(fs.existsSync(path.join(killedDir, 'report.html')), false, 'the run finished before it could be killed');

  const resumed = train(['--resume', killedDir, '--quiet']); // the run's own recipe.json is used
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.match(resumed.stdout, /resuming killed from .*checkpoints/);

  assert.deepEqual(withoutTimings(path.join(killedDir, 'metrics.jsonl')), withoutTimings(path.join(out, 'full', 'metrics.jsonl')));
  const samples = (d: string) => fs.readFileSync(path.join(d, 'samples.jsonl'), 'utf8');
  assert.equal(samples(killedDir), samples(path.join(out, 'full')));
  assert.ok(finalWeights(killedDir).equals(finalWeights(path.join(out, 'full'))), 'final weights differ');
  assert.ok(fs.existsSync(path.join(killedDir, 'report.html')));

  // An edited step in the latest checkpoint: one line naming file and field, nothing trained, nothing changed.
  const ckpts = path.join(killedDir, 'checkpoints');
  const latest = path.join(ckpts, fs.readdirSync(ckpts).filter((d) => /^\d+$/.test(d)).sort().pop()!, 'trainer-state.json');
  const state = JSON.parse(fs.readFileSync(latest, 'utf8'));
  fs.writeFileSync(latest, JSON.stringify({ ...state, step: 9999, rng: { ...state.rng, step: 9999 } }));
  const metricsBefore = fs.readFileSync(path.join(killedDir, 'metrics.jsonl'));
  const refused = train(['--resume', killedDir, '--quiet']);
  assert.equal(refused.status, 2, refused.stderr);
  assert.match(refused.stderr, /trainer-state\.json: field 'step': 9999, but .*metrics\.jsonl has no line for that step/);
  assert.doesNotMatch(refused.stderr, /\n\s+at /);
  assert.deepEqual(fs.readFileSync(path.join(killedDir, 'metrics.jsonl')), metricsBefore);
  fs.rmSync(dir, { recursive: true, force: true });
});

// --- checkpoint state cross-checked against the run's files (issue 17 item 5) ----------------------

import { checkpointDir, keptCheckpoints, latestCheckpoint, writeCheckpoint, type TrainerState } from '../../../src/trainer/rl/checkpoint';
import { UserError } from '../../../src/core/util/userError';

/** A run folder with metrics for steps 0 (eval) and 1..steps and a checkpoint at `at`, written by our writer. */
async function syntheticRun(steps: number, at: number, checkpointsAt: number[] = [at]): Promise<{ runDir: string; ckpts: string }> {
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ckpt-state-'));
  const ckpts = path.join(runDir, 'checkpoints');
  const metrics = [{ step: 0, data: { 'val-core/x/acc/mean@1': 0.1 } }, ...Array.from({ length: steps }, (_, i) => ({ step: i + 1, data: { 'critic/score/mean': 0.5 } }))];
  fs.writeFileSync(path.join(runDir, 'metrics.jsonl'), metrics.map((m) => JSON.stringify(m)).join('\n') + '\n');
  fs.writeFileSync(path.join(runDir, 'samples.jsonl'), metrics.map((m) => JSON.stringify({ step: m.step })).join('\n') + '\n');
  for (const step of checkpointsAt) {
    const state: TrainerState = {
      version: 1, runId: 'r', seed: 1, step, sftDone: true, evalsDone: ['before-rl'], activePrompts: { 'math-8k': ['p1', 'p2'] }, tallies: {},
      stagesStarted: ['math-8k'], log: { metricsLines: step + 1, samplesLines: step + 1 }, rng: { seed: 1, step }, elapsedSeconds: 1, time: 't',
    };
    await writeCheckpoint(ckpts, state, async (tmp) => {
      fs.writeFileSync(path.join(tmp, 'tokenizer.json'), JSON.stringify({ kind: 'char', version: 1, atoms: [], chars: ['a'] }));
    }, step === 2 ? { keep: 'end of stage math-8k' } : {});
  }
  return { runDir, ckpts };
}

function editState(ckpts: string, step: number, edit: (s: Record<string, any>) => void): void {
  const file = path.join(checkpointDir(ckpts, step), 'trainer-state.json');
  const state = JSON.parse(fs.readFileSync(file, 'utf8'));
  edit(state);
  fs.writeFileSync(file, JSON.stringify(state));
}

test('latestCheckpoint accepts an untouched checkpoint and returns its parsed tokenizer', async () => {
  const { ckpts } = await syntheticRun(8, 6);
  const r = latestCheckpoint(ckpts)!;
  assert.equal(r.state.step, 6);
  assert.deepEqual(r.tokenizer, { kind: 'char', version: 1, atoms: [], chars: ['a'] });
});

test('an edited step (9999 or 10 at step 6), metricsLines 1e6 or empty activePrompts is refused naming the field', async () => {
  const cases: [string, (s: Record<string, any>) => void, RegExp][] = [
    ['step 9999', (s) => { s.step = 9999; s.rng.step = 9999; }, /trainer-state\.json: field 'step': 9999, but .*metrics\.jsonl has no line for that step before this checkpoint \(the last is step 6\)/],
    ['step 3', (s) => { s.step = 3; s.rng.step = 3; }, /trainer-state\.json: field 'step': 3, but .*metrics\.jsonl line 5 \(before this checkpoint\) is step 4/],
    ['metricsLines 1e6', (s) => { s.log.metricsLines = 1_000_000; }, /field 'log\.metricsLines': 1000000, but .*metrics\.jsonl has 9 lines/],
    ['samplesLines', (s) => { s.log.samplesLines = 50; }, /field 'log\.samplesLines': 50, but .*samples\.jsonl has 9 lines/],
    ['rng step only', (s) => { s.rng.step = 2; }, /field 'rng\.step'/],
    ['empty active prompts', (s) => { s.activePrompts['math-8k'] = []; }, /trainer-state\.json: field 'activePrompts\.math-8k': .*labels\.jsonl is not involved/],
  ];
  for (const [name, edit, message] of cases) {
    const { ckpts } = await syntheticRun(8, 6);
    editState(ckpts, 6, edit);
    assert.throws(() => latestCheckpoint(ckpts), (e: Error) => e instanceof UserError && message.test(e.message), name);
  }
});

test('a changed byte of trainer-state.json or tokenizer.json fails the manifest; truncated or missing tokenizer is named', async () => {
  const { ckpts } = await syntheticRun(8, 6);
  const dir = checkpointDir(ckpts, 6);
  // Same fields, different bytes (pretty-printed): the checksum still sees it.
  const stateFile = path.join(dir, 'trainer-state.json');
  fs.writeFileSync(stateFile, JSON.stringify(JSON.parse(fs.readFileSync(stateFile, 'utf8'))) + ' ');
  assert.throws(() => latestCheckpoint(ckpts), /trainer-state\.json: \d+ bytes, but manifest\.json records/);

  const b = await syntheticRun(8, 6);
  const tok = path.join(checkpointDir(b.ckpts, 6), 'tokenizer.json');
  fs.writeFileSync(tok, fs.readFileSync(tok, 'utf8').slice(0, 20));
  assert.throws(() => latestCheckpoint(b.ckpts), (e: Error) => e instanceof UserError && /tokenizer\.json: /.test(e.message));
  fs.rmSync(tok);
  assert.throws(() => latestCheckpoint(b.ckpts), /tokenizer\.json: not found: the checkpoint has no tokenizer/);
});

test('retention keeps the last 3 plus every checkpoint marked kept (a stage boundary), even after it is replaced', async () => {
  const { ckpts } = await syntheticRun(8, 8, [1, 2, 3, 4, 5, 6, 7]);
  assert.deepEqual(fs.readdirSync(ckpts).filter((d) => /^\d+$/.test(d)), ['000002', '000005', '000006', '000007']);
  assert.deepEqual(keptCheckpoints(ckpts), { '000002': 'end of stage math-8k' });
  // Rewritten at the same step without the mark (e.g. a stop request right after the stage): still kept.
  const again = JSON.parse(fs.readFileSync(path.join(checkpointDir(ckpts, 2), 'trainer-state.json'), 'utf8'));
  await writeCheckpoint(ckpts, again, async (tmp) => fs.writeFileSync(path.join(tmp, 'tokenizer.json'), '{}'));
  assert.deepEqual(fs.readdirSync(ckpts).filter((d) => /^\d+$/.test(d)), ['000002', '000005', '000006', '000007']);
  // The refusal of a damaged latest one points at the previous checkpoint.
  editState(ckpts, 7, (s) => { s.step = 9999; });
  assert.throws(() => latestCheckpoint(ckpts), /delete .*000007 to resume from the previous checkpoint, 000006/);
});
