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
  fs.rmSync(dir, { recursive: true, force: true });
});
