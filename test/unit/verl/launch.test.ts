import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { preset } from '../../../src/core/rl/presets';
import { buildLaunchPlan, DEFAULT_LAUNCH_OPTIONS, LAUNCH_MODES, LaunchError, type VerlLaunchOptions } from '../../../src/core/verl/launch';
import { checkOverrides, loadVerlSchema, parseOverride } from '../../../src/core/verl/schema';

const golden = path.join(__dirname, '..', '..', 'golden', 'verl');
const update = process.env.UPDATE_GOLDEN === '1';

function options(mode: VerlLaunchOptions['mode']): VerlLaunchOptions {
  return { ...DEFAULT_LAUNCH_OPTIONS, mode, modelPath: 'deepseek-ai/DeepSeek-R1-Distill-Qwen-7B', dataDir: '/data/acereason', outputDir: '/runs/acereason' };
}

function overrideMap(script: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of script.split('\n')) {
    const t = line.trim().replace(/ \\$/, '').replace(/^"(.*)"$/, '$1');
    const hit = /^([a-z_]+(?:\.[a-z_0-9]+)+)=(.*)$/.exec(t);
    if (hit) m.set(hit[1], hit[2].replace(/^"(.*)"$/, '$1'));
  }
  return m;
}

test('the acereason preset gives one script per stage with the recipe overrides', () => {
  const plan = buildLaunchPlan(preset('acereason'), options('local'));
  assert.deepEqual(plan.map((s) => s.fileName), ['01-math-8k.sh', '02-math-16k.sh', '03-math-24k.sh', '04-code-24k.sh', '05-code-32k.sh', '06-math-32k.sh']);
  const expected = [
    { len: '8192', n: '8' }, { len: '16384', n: '16' }, { len: '24576', n: '16' },
    { len: '24576', n: '8' }, { len: '32768', n: '16' }, { len: '32768', n: '16' },
  ];
  plan.forEach((s, i) => {
    const o = overrideMap(s.script);
    assert.equal(o.get('algorithm.adv_estimator'), 'grpo');
    assert.equal(o.get('actor_rollout_ref.actor.ppo_mini_batch_size'), o.get('data.train_batch_size'), 'one mini-batch per batch');
    assert.equal(o.get('data.train_batch_size'), '128');
    assert.equal(o.get('actor_rollout_ref.actor.ppo_epochs'), '1');
    assert.equal(o.get('actor_rollout_ref.actor.loss_agg_mode'), 'token-mean');
    assert.equal(o.get('actor_rollout_ref.actor.use_kl_loss'), 'False');
    assert.equal(o.get('algorithm.use_kl_in_reward'), 'False');
    assert.equal(o.get('actor_rollout_ref.actor.entropy_coeff'), '0');
    assert.equal(o.get('trainer.logger'), "['console','file']");
    assert.equal(o.get('data.max_response_length'), expected[i].len, s.fileName);
    assert.equal(o.get('actor_rollout_ref.rollout.n'), expected[i].n, s.fileName);
    assert.equal(o.get('actor_rollout_ref.actor.optim.lr'), s.stage.domain === 'math' ? '0.000001' : '0.000005');
    assert.equal(o.get('custom_reward_function.path'), '/data/acereason/compute_score.py');
    assert.ok(o.get('trainer.rollout_data_dir')?.startsWith('/runs/acereason/'), 'rollouts are dumped for the curriculum filter');
    assert.equal(o.get('actor_rollout_ref.model.path'), '$MODEL_PATH');
  });
  // Code temperature rises 0.6 → 1.0; every stage after the first starts from the previous stage's model.
  assert.equal(overrideMap(plan[3].script).get('actor_rollout_ref.rollout.temperature'), '0.6');
  assert.equal(overrideMap(plan[4].script).get('actor_rollout_ref.rollout.temperature'), '1');
  assert.match(plan[0].script, /MODEL_PATH="\$\{MODEL_PATH_OVERRIDE:-deepseek-ai\/DeepSeek-R1-Distill-Qwen-7B\}"/);
  assert.match(plan[3].script, /PREV_CKPT=\/runs\/acereason\/03-math-24k\/checkpoints/);
  // The last math stage filters on the last MATH stage's rollouts, not the code stage before it.
  assert.match(plan[5].script, /--filter-rollouts \/runs\/acereason\/03-math-24k\/rollouts --drop-solved-above 0\.375/);
  assert.doesNotMatch(plan[0].script, /--filter-rollouts/);
});

test('every override of every mode is a key of verl\'s schema, and scripts are valid bash', () => {
  const schema = loadVerlSchema();
  for (const mode of LAUNCH_MODES) {
    for (const s of buildLaunchPlan(preset('acereason'), options(mode))) {
      assert.deepEqual(checkOverrides(s.overrides, schema), [], `${mode} ${s.fileName}`);
      const r = spawnSync('bash', ['-n'], { input: s.script, encoding: 'utf8' });
      assert.equal(r.status, 0, `${mode} ${s.fileName}: ${r.stderr}`);
    }
  }
});

test('launch scripts match the golden files (UPDATE_GOLDEN=1 rewrites them)', () => {
  for (const mode of LAUNCH_MODES) {
    for (const s of buildLaunchPlan(preset('acereason'), options(mode))) {
      const file = path.join(golden, mode, s.fileName);
      if (update) {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, s.script);
      }
      assert.equal(s.script, fs.readFileSync(file, 'utf8'), `${file} differs; if intended, rerun with UPDATE_GOLDEN=1 and review the diff`);
    }
  }
});

test('an unknown or misspelled key is an error naming the key and a suggestion', () => {
  const errors = checkOverrides([parseOverride('actor_rollout_ref.actor.entropy_coef=0'), parseOverride('algorithm.adv_estimator=grpo')]);
  assert.equal(errors.length, 1);
  assert.match(errors[0], /unknown verl config key 'actor_rollout_ref\.actor\.entropy_coef'/);
  assert.deepEqual(checkOverrides([parseOverride('trainer.logger=[console]'), parseOverride('trainer.logger=[file]')]).length, 1, 'a key set twice is an error');
  assert.match(checkOverrides([parseOverride('+trainer.logger=[x]')])[0], /already exists/);
  assert.deepEqual(checkOverrides([parseOverride('+custom_reward_function.reward_kwargs.k=1')]).length, 1, 'parent must be a mapping in the schema');
  assert.deepEqual(checkOverrides([parseOverride('+actor_rollout_ref.rollout.engine_kwargs.vllm.swap_space=4')]), []);
  assert.throws(() => parseOverride('no equals sign'), /not a Hydra override/);
});

test('a schema without a key the recipe needs makes the plan fail loudly', () => {
  const tmp = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'verl-schema-'));
  const schemaText = fs.readFileSync(loadVerlSchema().file, 'utf8').replace(/^ {4}entropy_coeff: 0\n/m, '');
  fs.writeFileSync(path.join(tmp, 'schema.yaml'), schemaText);
  assert.throws(() => buildLaunchPlan(preset('acereason'), { ...options('local'), schemaFile: path.join(tmp, 'schema.yaml') }),
    (e: unknown) => e instanceof LaunchError && /actor_rollout_ref\.actor\.entropy_coeff/.test((e as Error).message));
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('an off-policy recipe maps to verl mini-batches and clip ratios; what verl cannot run is refused', () => {
  const base = preset('acereason');
  const offPolicy = { ...base, grpo: { ...base.grpo, policyLoss: 'ppo-clip' as const, updatesPerBatch: 4, clipRatioHigh: 0.28 } };
  const o = overrideMap(buildLaunchPlan(offPolicy, options('local'))[0].script);
  assert.equal(o.get('actor_rollout_ref.actor.ppo_mini_batch_size'), '32', '128 prompts / 4 updates');
  assert.equal(o.get('actor_rollout_ref.actor.clip_ratio_high'), '0.28');
  assert.equal(o.get('actor_rollout_ref.actor.clip_ratio_low'), '0.2');
  assert.throws(() => buildLaunchPlan({ ...offPolicy, grpo: { ...offPolicy.grpo, updatesPerBatch: 3 } }, options('local')), /do not split into grpo\.updatesPerBatch = 3/);
  assert.throws(() => buildLaunchPlan({ ...base, rewards: { math: 'math-format', code: 'code-tests' } }, options('local')), /rewards\.math = 'math-format'/);
});

test('a pretrained recipe starts verl from its own folder; LoRA maps to actor_rollout_ref.model.lora_*', async () => {
  const { parseRecipe } = await import('../../../src/core/rl/recipe');
  const { PRESET_INPUTS } = await import('../../../src/core/rl/presets');
  const schema = loadVerlSchema();
  for (const key of ['actor_rollout_ref.model.lora_rank', 'actor_rollout_ref.model.lora_alpha', 'actor_rollout_ref.model.target_modules']) assert.ok(schema.keys.has(key), `${key} is in the shipped verl schema`);
  const ace = PRESET_INPUTS.acereason as Record<string, unknown> & { model: { contextLength: number } };
  const lora = { rank: 32, alpha: 64, dropout: 0.05, targets: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'] };
  const recipe = parseRecipe({ ...ace, model: { source: 'pretrained', path: '/models/R1-Distill-Qwen-7B', contextLength: ace.model.contextLength, lora } });
  const plan = buildLaunchPlan(recipe, { ...options('local'), modelPath: '' });
  const first = overrideMap(plan[0].script);
  assert.match(plan[0].script, /MODEL_PATH="\$\{MODEL_PATH_OVERRIDE:-\/models\/R1-Distill-Qwen-7B\}"/);
  assert.equal(first.get('actor_rollout_ref.model.path'), '$MODEL_PATH');
  for (const s of plan) {
    const o = overrideMap(s.script);
    assert.equal(o.get('actor_rollout_ref.model.lora_rank'), '32');
    assert.equal(o.get('actor_rollout_ref.model.lora_alpha'), '64');
    assert.equal(o.get('actor_rollout_ref.model.target_modules'), '[q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj]');
    assert.match(s.script, /# NOTE: model\.lora\.dropout = 0\.05, but verl's config has no LoRA dropout setting/);
    assert.deepEqual(checkOverrides(s.overrides, schema), []);
  }
  // --model on the command line still wins over the recipe's folder.
  assert.match(buildLaunchPlan(recipe, options('local'))[0].script, /MODEL_PATH_OVERRIDE:-deepseek-ai\/DeepSeek-R1-Distill-Qwen-7B\}/);
  // Full fine-tuning of a pretrained folder: no LoRA keys at all (verl's lora_rank default 0 = off).
  const full = parseRecipe({ ...ace, model: { source: 'pretrained', path: '/m', contextLength: ace.model.contextLength } });
  const fullPlan = buildLaunchPlan(full, { ...options('slurm'), modelPath: '' });
  assert.ok(fullPlan.every((s) => !/lora_rank|target_modules/.test(s.script)));
  // A built-in recipe has no folder verl could load.
  assert.throws(() => buildLaunchPlan(preset('demo'), { ...options('local'), modelPath: '' }), (e: Error) => e instanceof LaunchError && /built-in model, which verl cannot load/.test(e.message));
});
