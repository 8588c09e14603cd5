import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadRecipeFile, parseRecipe, PRESET_INPUTS } from '../../../src/core/rl/index';
import { preset, presetNames } from '../../../src/core/rl/presets';
import { describePlan, planStages, stageAt, totalSteps } from '../../../src/core/rl/schedule';
import { dropSolvedPrompts, SolveTally } from '../../../src/core/rl/curriculum';

test('both presets validate; demo grows math length over ≥2 stages, then code, then a final math stage', () => {
  assert.deepEqual(presetNames().sort(), ['acereason', 'demo']);
  const demo = preset('demo');
  const firstCode = demo.stages.findIndex((s) => s.domain === 'code');
  const firstMath = demo.stages.slice(0, firstCode);
  assert.ok(firstCode >= 2 && firstMath.every((s) => s.domain === 'math'), 'math-only RL first, over at least two stages');
  for (let i = 1; i < firstMath.length; i++) assert.ok(firstMath[i].maxResponseLength > firstMath[i - 1].maxResponseLength);
  // As the paper's recipe: code RL after math RL, and a short math stage at the end.
  assert.equal(demo.stages[demo.stages.length - 1].domain, 'math');
  assert.ok(demo.stages.slice(firstCode, -1).every((s) => s.domain === 'code'));
  const ace = preset('acereason');
  assert.deepEqual(ace.stages.map((s) => s.maxResponseLength), [8192, 16384, 24576, 24576, 32768, 32768]);
  assert.equal(ace.stages[2].dropSolvedAbove, 0.375); // 6/16
  assert.ok(ace.stages.every((s) => s.promptsPerStep === 128));
  assert.equal(ace.grpo.klCoef, 0);
  assert.equal(ace.grpo.entropyCoef, 0);
  assert.ok(PRESET_INPUTS.demo);
});

test('schedule: stages laid end to end on one global step axis, phase filter', () => {
  const r = preset('demo');
  const plan = planStages(r);
  assert.equal(plan[0].firstStep, 1);
  for (let i = 1; i < plan.length; i++) assert.equal(plan[i].firstStep, plan[i - 1].lastStep + 1);
  assert.equal(totalSteps(plan), r.stages.reduce((a, s) => a + s.steps, 0));
  assert.equal(stageAt(plan, plan[1].firstStep).spec.name, r.stages[1].name);
  const code = planStages(r, 'code');
  assert.ok(code.every((p) => p.spec.domain === 'code'));
  assert.equal(code[0].firstStep, 1);
  assert.throws(() => stageAt(plan, totalSteps(plan) + 1), /outside the schedule/);
  assert.match(describePlan(r, plan).join('\n'), /math-48 \[math\]/);
});

test('bad recipes fail naming the field', () => {
  const bad = structuredClone(PRESET_INPUTS.demo) as { stages: { rolloutsPerPrompt: number; temperature: number }[] };
  bad.stages[1].rolloutsPerPrompt = 1;
  bad.stages[2].temperature = -1;
  assert.throws(() => parseRecipe(bad, 'x.json'), (e: Error) => /x\.json/.test(e.message) && /stages\.1\.rolloutsPerPrompt/.test(e.message) && /stages\.2\.temperature/.test(e.message));
  const long = structuredClone(PRESET_INPUTS.demo) as { stages: { maxResponseLength: number }[] };
  long.stages[0].maxResponseLength = 10_000;
  assert.throws(() => parseRecipe(long), /stages\.0\.maxResponseLength: .*leaves no room/);
});

test('recipe files: JSON errors name the file; relative data paths resolve against it', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'recipe-'));
  const broken = path.join(dir, 'broken.json');
  fs.writeFileSync(broken, '{ "name": ');
  assert.throws(() => loadRecipeFile(broken), /broken\.json is not valid JSON/);
  const good = path.join(dir, 'r.json');
  fs.writeFileSync(good, JSON.stringify({ ...PRESET_INPUTS.acereason, data: { source: 'files', math: 'data/m.jsonl' } }));
  const r = loadRecipeFile(good);
  assert.equal(r.data.source === 'files' && r.data.math, path.join(dir, 'data/m.jsonl'));
});

test('between-stage filter drops prompts solved above the threshold, keeps unseen ones', () => {
  const t = new SolveTally();
  for (let i = 0; i < 16; i++) t.record('easy', 1);
  for (let i = 0; i < 16; i++) t.record('hard', i < 6 ? 1 : 0); // 6/16 = 0.375: kept at threshold 0.375
  for (let i = 0; i < 16; i++) t.record('medium', i < 7 ? 1 : 0); // 7/16: dropped
  const r = dropSolvedPrompts(['easy', 'hard', 'medium', 'unseen'], t, 0.375);
  assert.deepEqual(r.kept, ['hard', 'unseen']);
  assert.deepEqual(r.dropped, ['easy', 'medium']);
  const back = SolveTally.fromJSON(JSON.parse(JSON.stringify(t.toJSON())));
  assert.deepEqual(back.get('hard'), { attempts: 16, solved: 6 });
});

test('grpo: policy loss, clip ranges and updates per batch; rewards by name, all with the recipe\'s defaults', () => {
  const base = structuredClone(PRESET_INPUTS.demo);
  const r = parseRecipe(base);
  assert.deepEqual(
    { policyLoss: r.grpo.policyLoss, lossAggregation: r.grpo.lossAggregation, updatesPerBatch: r.grpo.updatesPerBatch, clip: [r.grpo.clipRatioLow, r.grpo.clipRatioHigh, r.grpo.clipRatioC] },
    { policyLoss: 'vanilla', lossAggregation: 'token-mean', updatesPerBatch: 1, clip: [0.2, 0.2, 3] },
  );
  assert.deepEqual(r.rewards, { math: 'math-verify', code: 'code-tests' });
  const offPolicy = parseRecipe({ ...base, grpo: { ...base.grpo, policyLoss: 'ppo-clip', updatesPerBatch: 4, clipRatioHigh: 0.28 } });
  assert.equal(offPolicy.grpo.updatesPerBatch, 4);
  assert.throws(() => parseRecipe({ ...base, grpo: { ...base.grpo, updatesPerBatch: 2 } }), /grpo\.updatesPerBatch: 2 updates per rollout batch train on stale samples; policyLoss 'vanilla' has no importance ratio/);
  assert.throws(() => parseRecipe({ ...base, grpo: { ...base.grpo, policyLoss: 'ppo-clip', updatesPerBatch: 9 } }), /stages\.0\.promptsPerStep: 9 updates per batch need at least as many prompts per step/);
  assert.throws(() => parseRecipe({ ...base, grpo: { ...base.grpo, policyLoss: 'reinforce++' } }), /grpo\.policyLoss/);
  assert.throws(() => parseRecipe({ ...base, grpo: { ...base.grpo, lossAggregation: 'seq-sum' } }), /grpo\.lossAggregation/);
  assert.equal(parseRecipe({ ...base, rewards: { math: 'math-format' } }).rewards.code, 'code-tests', 'names are checked by the trainer, which knows its registry');
});

test('model: a recipe without source is the built-in model; pretrained folders with LoRA validate field by field', async () => {
  const { withModelPath, describeModel } = await import('../../../src/core/rl/recipe');
  const base = structuredClone(PRESET_INPUTS.demo) as Record<string, unknown> & { model: Record<string, unknown> };
  delete base.model.source;
  const builtin = parseRecipe(base);
  assert.equal(builtin.model.source, 'builtin');
  assert.equal(builtin.model.source === 'builtin' && builtin.model.layers, (PRESET_INPUTS.demo.model as { layers: number }).layers);
  const lora = { rank: 16, alpha: 32, targets: ['q_proj', 'v_proj'] };
  const pre = parseRecipe({ ...base, model: { source: 'pretrained', path: '/models/qwen', contextLength: 4096, lora } });
  assert.deepEqual(pre.model, { source: 'pretrained', path: '/models/qwen', contextLength: 4096, lora: { ...lora, dropout: 0 } });
  assert.match(describeModel(pre.model), /\/models\/qwen \(LoRA rank 16, alpha 32 on q_proj,v_proj\) ctx 4096/);
  const m = PRESET_INPUTS.demo.model as { layers: number; width: number; heads: number; contextLength: number };
  assert.equal(describeModel(builtin.model), `${m.layers}L×${m.width}d×${m.heads}h ctx ${m.contextLength}`, 'the plan line of built-in recipes is unchanged');
  const bad = (model: unknown) => () => parseRecipe({ ...base, model }, 'r.json');
  assert.throws(bad({ source: 'pretrained', contextLength: 4096 }), /r\.json[\s\S]*model\.path: /);
  assert.throws(bad({ source: 'pretrained', path: 'm', contextLength: 4096, lora: { ...lora, targets: ['q_proj', 'qkv'] } }), /model\.lora\.targets\.1: /);
  assert.throws(bad({ source: 'pretrained', path: 'm', contextLength: 4096, lora: { ...lora, targets: ['q_proj', 'q_proj'] } }), /model\.lora\.targets\.1: 'q_proj' is listed twice/);
  assert.throws(bad({ source: 'pretrained', path: 'm', contextLength: 4096, lora: { ...lora, rank: 0 } }), /model\.lora\.rank: /);
  assert.throws(bad({ source: 'pretrained', path: 'm', contextLength: 4096, lora: { ...lora, dropout: 1 } }), /model\.lora\.dropout: /);
  assert.throws(bad({ source: 'pretrained', path: 'm', contextLength: 4096, layers: 4 }), /model: Unrecognized key: "layers"/);
  assert.throws(bad({ source: 'hub', path: 'm' }), /model\.source: source must be 'builtin' \(or absent\) or 'pretrained'/);
  assert.throws(bad({ source: 'pretrained', path: 'm', contextLength: 64 }), /stages\.\d+\.maxResponseLength: .*leaves no room for the prompt in contextLength 64/);

  // --model DIR: a pretrained recipe keeps its LoRA; a built-in one becomes a full fine-tune at its context length.
  const moved = withModelPath(pre, 'rel/dir');
  assert.deepEqual(moved.model, { ...pre.model, path: path.resolve('rel/dir') });
  assert.deepEqual(withModelPath(builtin, '/m').model, { source: 'pretrained', path: '/m', contextLength: builtin.model.contextLength });
  assert.equal(pre.model.source === 'pretrained' && pre.model.path, '/models/qwen', 'the input recipe is not changed');
  assert.throws(() => withModelPath(pre, ' '), /--model: the model folder path is empty/);

  // In a recipe file, the model folder is relative to the file.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'recipe-model-'));
  const file = path.join(dir, 'r.json');
  fs.writeFileSync(file, JSON.stringify({ ...base, model: { source: 'pretrained', path: 'models/q', contextLength: 4096 } }));
  const loaded = loadRecipeFile(file);
  assert.equal(loaded.model.source === 'pretrained' && loaded.model.path, path.join(dir, 'models/q'));
});
