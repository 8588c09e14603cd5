// The Runs view's stage boundaries: each stage of the run's recipe and phase with its global step
// range (hand-computed for a recipe of 30 + 30 math steps, then 18 code steps), and how far the run got.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { preset } from '../../../src/core/rl/presets';
import type { Recipe, StageSpec } from '../../../src/core/rl/recipe';
import { stageRows } from '../../../src/extension/runs/stageRows';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stages-'));
const stage = (name: string, domain: 'math' | 'code', steps: number): StageSpec => ({
  name, domain, steps, promptsPerStep: 8, rolloutsPerPrompt: 8, maxResponseLength: 24, temperature: 0.7, topP: 1, learningRate: 1e-3, overlongFiltering: false,
});
/** The demo preset's model and data with a schedule fixed here, so the expected ranges are this file's arithmetic. */
const RECIPE: Recipe = { ...preset('demo'), stages: [stage('math-24', 'math', 30), stage('math-48', 'math', 30), stage('code-64', 'code', 18)] };
function config(name: string, body: object): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, JSON.stringify(body));
  return file;
}

test('stages of the whole demo recipe with their step ranges; done / current / pending from the last step', () => {
  const file = config('all.json', { recipe: RECIPE, phase: 'all' });
  assert.deepEqual(stageRows(file, 40).map((r) => [r.name, r.domain, r.firstStep, r.lastStep, r.state]), [
    ['math-24', 'math', 1, 30, 'done'],
    ['math-48', 'math', 31, 60, 'current'],
    ['code-64', 'code', 61, 78, 'pending'],
  ]);
  assert.deepEqual(stageRows(file, undefined).map((r) => r.state), ['pending', 'pending', 'pending'], 'a run with no steps has reached no stage');
});

test('a code-phase run lists only its code stages, numbered from step 1', () => {
  const file = config('code.json', { recipe: RECIPE, phase: 'code' });
  assert.deepEqual(stageRows(file, 18).map((r) => [r.name, r.firstStep, r.lastStep, r.state]), [['code-64', 1, 18, 'done']]);
});

test('no config, a recipe given by name only, or an invalid recipe: no rows (the run item stays flat)', () => {
  assert.deepEqual(stageRows(path.join(dir, 'missing.json'), 3), []);
  assert.deepEqual(stageRows(config('name.json', { recipe: 'demo' }), 3), []);
  assert.deepEqual(stageRows(config('bad.json', { recipe: { name: 'x' } }), 3), []);
});
