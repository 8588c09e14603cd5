// From the recipe the embedded trainer uses, one verl launch script per RL stage, with the Hydra
// overrides that reproduce AceReason-Nemotron's on-policy GRPO (DESIGN.md "The recipe"):
// ppo_mini_batch_size == train_batch_size and ppo_epochs=1 (one update per batch, ratio = 1),
// token-mean loss, no KL anywhere, entropy_coeff=0 set explicitly (verl once defaulted to 0.001).
// Every override is checked against verl's schema; an unknown key is an error, not a warning.
import path from 'node:path';
import { DEFAULT_REWARDS, type Recipe, type StageSpec } from '../rl/recipe';
import { checkOverrides, formatOverride, loadVerlSchema, type Override, type VerlSchema } from './schema';

export type LaunchMode = 'local' | 'ray-job' | 'slurm';
export const LAUNCH_MODES: LaunchMode[] = ['local', 'ray-job', 'slurm'];

export interface VerlLaunchOptions {
  /** HF model id or path of the starting policy (the distilled SFT model). Empty: a pretrained recipe's model.path. */
  modelPath: string;
  /** Folder with the exported parquet files (train-<domain>.parquet, val-<domain>.parquet, compute_score.py). */
  dataDir: string;
  /** Where verl writes checkpoints, rollout dumps and file-logger JSONL (one sub-folder per stage). */
  outputDir: string;
  mode: LaunchMode;
  nnodes: number;
  gpusPerNode: number;
  /** Prompts per batch; default: each stage's promptsPerStep (paper: 128). */
  trainBatchSize?: number;
  maxPromptLength: number;
  /** Multiply the recipe's response lengths by this (a scaled-down demo recipe → real lengths). */
  lengthScale: number;
  /** Our reward service (acereason serve) the generated compute_score.py calls. */
  rewardUrl: string;
  projectName: string;
  rolloutEngine: 'vllm' | 'sglang';
  tensorParallel: number;
  /** ray job submit --address … (mode ray-job). */
  rayAddress: string;
  /** Slurm: partition and time limit (mode slurm). */
  slurmPartition: string;
  slurmTime: string;
  python: string;
  schemaFile?: string;
}

export const DEFAULT_LAUNCH_OPTIONS: Omit<VerlLaunchOptions, 'modelPath' | 'dataDir' | 'outputDir' | 'mode'> = {
  nnodes: 1,
  gpusPerNode: 8,
  maxPromptLength: 2048,
  lengthScale: 1,
  rewardUrl: 'http://127.0.0.1:8321',
  projectName: 'acereason',
  rolloutEngine: 'vllm',
  tensorParallel: 2,
  rayAddress: 'http://127.0.0.1:8265',
  slurmPartition: 'gpu',
  slurmTime: '48:00:00',
  python: 'python3',
};

export interface StageLaunch {
  stage: StageSpec;
  index: number;
  /** Folder of this stage's verl outputs. */
  stageDir: string;
  overrides: Override[];
  /** The script's file name (e.g. 01-math-8k.sh) and its text. */
  fileName: string;
  script: string;
  /** Notes about recipe features verl does not have (printed in the script header). */
  notes: string[];
}

/** Shell-quotes a word: bare when safe, double quotes when that needs no escapes, else single quotes. */
function q(s: string): string {
  if (/^[A-Za-z0-9_./:@%+=,-]+$/.test(s)) return s;
  if (!/[$`"\\!]/.test(s)) return `"${s}"`;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Placeholder value resolved by the script at run time (the previous stage's model). */
const MODEL_PATH_VAR = '$MODEL_PATH';

function renderOverride(o: Override): string {
  return o.value === MODEL_PATH_VAR ? `${o.prefix}${o.key}="${MODEL_PATH_VAR}"` : q(formatOverride(o));
}

/**
 * The model the first stage starts from: the launch option when given, else a pretrained recipe's
 * own folder (so a recipe tried here continues on a cluster unchanged).
 */
export function startModelPath(recipe: Recipe, opts: Pick<VerlLaunchOptions, 'modelPath'>): string {
  if (opts.modelPath.trim() !== '') return opts.modelPath;
  if (recipe.model.source === 'pretrained') return recipe.model.path;
  throw new LaunchError(`recipe '${recipe.name}' trains the built-in model, which verl cannot load: give the starting model (--model, an HF model id or folder)`);
}

/** verl's LoRA settings (actor_rollout_ref.model.*) for a recipe with `model.lora`; none for full fine-tuning. */
function loraOverrides(recipe: Recipe, o: (key: string, value: string | number) => Override, notes: string[]): Override[] {
  if (recipe.model.source !== 'pretrained' || !recipe.model.lora) return [];
  const lora = recipe.model.lora;
  if (lora.dropout > 0) notes.push(`model.lora.dropout = ${lora.dropout}, but verl's config has no LoRA dropout setting; verl trains this adapter without dropout.`);
  return [
    o('actor_rollout_ref.model.lora_rank', lora.rank),
    o('actor_rollout_ref.model.lora_alpha', lora.alpha),
    o('actor_rollout_ref.model.target_modules', `[${lora.targets.join(',')}]`),
  ];
}

/** The Hydra overrides of one stage. `previousStageDir` is where the previous stage left its model. */
export function stageOverrides(recipe: Recipe, stage: StageSpec, index: number, opts: VerlLaunchOptions): { overrides: Override[]; notes: string[] } {
  const o = (key: string, value: string | number | boolean, prefix: Override['prefix'] = ''): Override => ({ key, value: String(value), prefix });
  const stageDir = path.join(opts.outputDir, stageFolder(index, stage));
  const maxResponse = Math.round(stage.maxResponseLength * opts.lengthScale);
  const batch = opts.trainBatchSize ?? stage.promptsPerStep;
  const notes: string[] = [];
  if (batch % recipe.grpo.updatesPerBatch !== 0) {
    throw new Error(`stage '${stage.name}': ${batch} prompts per step do not split into grpo.updatesPerBatch = ${recipe.grpo.updatesPerBatch} equal mini-batches (verl's ppo_mini_batch_size)`);
  }
  for (const [domain, name] of Object.entries(recipe.rewards ?? {})) {
    if (name !== DEFAULT_REWARDS[domain as keyof typeof DEFAULT_REWARDS]) {
      throw new Error(`rewards.${domain} = '${name}': verl's compute_score.py calls the verification rewards only (rewards.${domain} = '${DEFAULT_REWARDS[domain as keyof typeof DEFAULT_REWARDS]}')`);
    }
  }
  if (stage.overlongFiltering) {
    notes.push('overlongFiltering is set, but verl does not implement DAPO overlong filtering (only overlong reward shaping, which is different); this stage runs without it.');
  }
  const overrides: Override[] = [
    o('algorithm.adv_estimator', 'grpo'),
    o('algorithm.norm_adv_by_std_in_grpo', recipe.grpo.normalizeAdvantageByStd ? 'True' : 'False'),
    o('algorithm.use_kl_in_reward', 'False'),
    // A stage with a curriculum filter trains on its own filtered export (written by its script).
    o('data.train_files', path.join(hasFilter(recipe, index) ? path.join(stageDir, 'data') : opts.dataDir, `train-${stage.domain}.parquet`)),
    o('data.val_files', path.join(opts.dataDir, `val-${stage.domain}.parquet`)),
    o('data.prompt_key', 'prompt'),
    o('data.reward_fn_key', 'data_source'),
    o('data.train_batch_size', batch),
    o('data.max_prompt_length', opts.maxPromptLength),
    o('data.max_response_length', maxResponse),
    o('data.filter_overlong_prompts', 'True'),
    o('data.truncation', 'error'),
    o('actor_rollout_ref.model.path', MODEL_PATH_VAR),
    ...loraOverrides(recipe, o, notes),
    o('actor_rollout_ref.actor.optim.lr', stage.learningRate),
    o('actor_rollout_ref.actor.optim.clip_grad', recipe.grpo.clipNorm),
    // One mini-batch per update (counted in prompts), one epoch: with updatesPerBatch = 1 (the recipe)
    // that is strictly on-policy, ratio 1, where verl's clipped loss equals our vanilla loss.
    o('actor_rollout_ref.actor.ppo_mini_batch_size', batch / recipe.grpo.updatesPerBatch),
    o('actor_rollout_ref.actor.ppo_epochs', 1),
    o('actor_rollout_ref.actor.clip_ratio_low', recipe.grpo.clipRatioLow),
    o('actor_rollout_ref.actor.clip_ratio_high', recipe.grpo.clipRatioHigh),
    o('actor_rollout_ref.actor.clip_ratio_c', recipe.grpo.clipRatioC),
    o('actor_rollout_ref.actor.loss_agg_mode', recipe.grpo.lossAggregation),
    o('actor_rollout_ref.actor.use_kl_loss', 'False'),
    o('actor_rollout_ref.actor.kl_loss_coef', 0),
    o('actor_rollout_ref.actor.entropy_coeff', 0),
    o('actor_rollout_ref.actor.use_dynamic_bsz', 'True'),
    o('actor_rollout_ref.actor.ppo_max_token_len_per_gpu', Math.max(16384, (opts.maxPromptLength + maxResponse) * 2)),
    o('actor_rollout_ref.actor.checkpoint.save_contents', "['model','optimizer','extra','hf_model']"),
    o('actor_rollout_ref.rollout.name', opts.rolloutEngine),
    o('actor_rollout_ref.rollout.n', stage.rolloutsPerPrompt),
    o('actor_rollout_ref.rollout.temperature', stage.temperature),
    o('actor_rollout_ref.rollout.top_p', stage.topP),
    o('actor_rollout_ref.rollout.tensor_model_parallel_size', opts.tensorParallel),
    o('actor_rollout_ref.rollout.val_kwargs.temperature', recipe.eval.temperature),
    o('actor_rollout_ref.rollout.val_kwargs.top_p', recipe.eval.topP),
    o('actor_rollout_ref.rollout.val_kwargs.n', recipe.eval.k),
    o('actor_rollout_ref.rollout.val_kwargs.do_sample', 'True'),
    o('custom_reward_function.path', path.join(opts.dataDir, 'compute_score.py')),
    o('custom_reward_function.name', 'compute_score'),
    o('trainer.logger', "['console','file']"),
    o('trainer.project_name', opts.projectName),
    o('trainer.experiment_name', `${recipe.name}-${stageFolder(index, stage)}`),
    o('trainer.default_local_dir', path.join(stageDir, 'checkpoints')),
    o('trainer.rollout_data_dir', path.join(stageDir, 'rollouts')),
    o('trainer.validation_data_dir', path.join(stageDir, 'validation')),
    o('trainer.total_training_steps', stage.steps),
    o('trainer.save_freq', recipe.checkpointEvery),
    o('trainer.test_freq', recipe.checkpointEvery),
    o('trainer.val_before_train', 'True'),
    o('trainer.resume_mode', 'auto'),
    o('trainer.nnodes', opts.nnodes),
    o('trainer.n_gpus_per_node', opts.gpusPerNode),
  ];
  return { overrides, notes };
}

/** The most recent earlier stage of the same domain: its rollouts drive this stage's prompt filter. */
export function previousSameDomain(recipe: Recipe, index: number): number | undefined {
  for (let i = index - 1; i >= 0; i--) if (recipe.stages[i].domain === recipe.stages[index].domain) return i;
  return undefined;
}

function hasFilter(recipe: Recipe, index: number): boolean {
  return recipe.stages[index].dropSolvedAbove !== undefined && previousSameDomain(recipe, index) !== undefined;
}

export function stageFolder(index: number, stage: StageSpec): string {
  return `${String(index + 1).padStart(2, '0')}-${stage.name}`;
}

export class LaunchError extends Error {}

/** All stage scripts, validated. Throws LaunchError listing every bad override of every stage. */
export function buildLaunchPlan(recipe: Recipe, options: VerlLaunchOptions): StageLaunch[] {
  const opts = { ...options, modelPath: startModelPath(recipe, options) };
  const schema: VerlSchema = loadVerlSchema(opts.schemaFile);
  const problems: string[] = [];
  const plan = recipe.stages.map((stage, index) => {
    const { overrides, notes } = stageOverrides(recipe, stage, index, opts);
    for (const e of checkOverrides(overrides, schema)) problems.push(`stage ${index + 1} (${stage.name}): ${e}`);
    const stageDir = path.join(opts.outputDir, stageFolder(index, stage));
    const prev = index > 0 ? path.join(opts.outputDir, stageFolder(index - 1, recipe.stages[index - 1])) : undefined;
    const fileName = `${stageFolder(index, stage)}.sh`;
    const filterIndex = hasFilter(recipe, index) ? previousSameDomain(recipe, index)! : undefined;
    const filterDir = filterIndex === undefined ? undefined : path.join(opts.outputDir, stageFolder(filterIndex, recipe.stages[filterIndex]));
    return { stage, index, stageDir, overrides, notes, fileName, script: renderScript(recipe, stage, index, stageDir, prev, filterDir, overrides, notes, opts) };
  });
  if (problems.length) throw new LaunchError(`the generated verl overrides do not match verl's schema:\n  ${problems.join('\n  ')}`);
  return plan;
}

function renderScript(recipe: Recipe, stage: StageSpec, index: number, stageDir: string, prevDir: string | undefined, filterDir: string | undefined, overrides: Override[], notes: string[], opts: VerlLaunchOptions): string {
  const n = recipe.stages.length;
  const trainer = `${opts.python} -m verl.trainer.main_ppo \\\n${overrides.map((o) => `    ${renderOverride(o)}`).join(' \\\n')}`;
  const header = [
    '#!/usr/bin/env bash',
    `# AceReason Studio — verl launch script, stage ${index + 1}/${n}: ${stage.name}`,
    `# recipe '${recipe.name}': ${stage.domain} RL, max response ${Math.round(stage.maxResponseLength * opts.lengthScale)} tokens, ` +
      `${stage.rolloutsPerPrompt} rollouts/prompt, T=${stage.temperature}, lr=${stage.learningRate}, ${stage.steps} steps.`,
    (recipe.grpo.updatesPerBatch === 1 ? '# Strictly on-policy GRPO: ppo_mini_batch_size == train_batch_size, ppo_epochs=1, no KL, entropy_coeff=0.' : `# Off-policy GRPO: ${recipe.grpo.updatesPerBatch} mini-batches per rollout batch with PPO clipping (an ablation, not the recipe).`),
    `# Mode: ${opts.mode}. Read it, then run it: ${opts.mode === 'slurm' ? 'sbatch' : 'bash'} ${stageFolder(index, stage)}.sh`,
    ...notes.map((t) => `# NOTE: ${t}`),
    'set -euo pipefail',
    '',
    `STAGE_DIR=${q(stageDir)}`,
    'mkdir -p "$STAGE_DIR"',
    '# verl\'s file logger: the AceReason dashboard follows this file (AceReason: Open Metrics File…).',
    `export VERL_FILE_LOGGER_PATH="$STAGE_DIR/metrics.jsonl"`,
    `export ACEREASON_REWARD_URL="\${ACEREASON_REWARD_URL:-${opts.rewardUrl}}"`,
  ];
  const model = prevDir
    ? [
        `# Start from the previous stage's last checkpoint (saved with hf_model).`,
        `PREV_CKPT=${q(path.join(prevDir, 'checkpoints'))}`,
        'STEP=$(cat "$PREV_CKPT/latest_checkpointed_iteration.txt")',
        'MODEL_PATH="${MODEL_PATH_OVERRIDE:-$PREV_CKPT/global_step_${STEP}/actor/huggingface}"',
      ]
    : [`MODEL_PATH="\${MODEL_PATH_OVERRIDE:-${opts.modelPath}}"`];
  const filter = filterDir
    ? [
        `# Curriculum: drop prompts the last ${stage.domain} stage solved more than ${stage.dropSolvedAbove} of the time; export into this stage's folder.`,
        `# (needs the acereason CLI on PATH: npm install -g <the AceReason Studio package>, or npx acereason)`,
        `acereason export verl --input "\${ACEREASON_CURATED_${stage.domain.toUpperCase()}:?set to the curated ${stage.domain} JSONL}" --domain ${stage.domain} \\`,
        `    --out "$STAGE_DIR/data" --reward-url "$ACEREASON_REWARD_URL" \\`,
        `    --filter-rollouts ${q(path.join(filterDir, 'rollouts'))} --drop-solved-above ${stage.dropSolvedAbove}`,
      ]
    : [];
  let body: string[];
  if (opts.mode === 'local') {
    body = ['# A local Ray head on this machine, then the trainer.', 'ray status >/dev/null 2>&1 || ray start --head', trainer];
  } else if (opts.mode === 'ray-job') {
    body = [
      `RAY_ADDRESS="\${RAY_ADDRESS:-${opts.rayAddress}}"`,
      'ray job submit --address "$RAY_ADDRESS" --no-wait \\',
      `    --runtime-env-json '{"env_vars": {"VERL_FILE_LOGGER_PATH": "'"$VERL_FILE_LOGGER_PATH"'", "ACEREASON_REWARD_URL": "'"$ACEREASON_REWARD_URL"'"}}' \\`,
      `    -- ${trainer.replace(/\n/g, '\n   ')}`,
    ];
  } else {
    header.splice(1, 0,
      `#SBATCH --job-name=${recipe.name}-${stage.name}`,
      `#SBATCH --nodes=${opts.nnodes}`,
      '#SBATCH --ntasks-per-node=1',
      `#SBATCH --gpus-per-node=${opts.gpusPerNode}`,
      `#SBATCH --partition=${opts.slurmPartition}`,
      `#SBATCH --time=${opts.slurmTime}`,
      `#SBATCH --output=${path.join(stageDir, 'slurm-%j.out')}`,
    );
    body = [
      '# Ray head on the first node, workers on the others, then the trainer on the head.',
      'nodes=($(scontrol show hostnames "$SLURM_JOB_NODELIST"))',
      'head=${nodes[0]}',
      'head_ip=$(srun --nodes=1 --ntasks=1 -w "$head" hostname --ip-address | awk \'{print $1}\')',
      'srun --nodes=1 --ntasks=1 -w "$head" ray start --head --node-ip-address="$head_ip" --port=6379 --block &',
      'sleep 10',
      'for node in "${nodes[@]:1}"; do',
      '  srun --nodes=1 --ntasks=1 -w "$node" ray start --address="$head_ip:6379" --block &',
      'done',
      'sleep 10',
      trainer,
    ];
  }
  return [...header, '', ...model, ...(filter.length ? ['', ...filter] : []), '', ...body, ''].join('\n');
}
