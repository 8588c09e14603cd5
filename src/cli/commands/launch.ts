// `acereason launch verl --recipe … --mode local|ray-job|slurm` — one readable launch script per stage.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadRecipeFile, type Recipe } from '../../core/rl/recipe';
import { preset, presetNames } from '../../core/rl/presets';
import { buildLaunchPlan, DEFAULT_LAUNCH_OPTIONS, LAUNCH_MODES, LaunchError, type LaunchMode, type VerlLaunchOptions } from '../../core/verl/launch';
import { writeFileAtomic } from '../../core/util/atomic';
import { CliError, type CliCommand } from '../command';

const USAGE = `Usage: acereason launch verl --recipe <preset|file> [--model PATH] --data DIR --out DIR [--mode local|ray-job|slurm] [options]

Writes one bash script per RL stage of the recipe (math 8K → 16K → 24K, code 24K → 32K, math 32K for
the 'acereason' preset) into --out, each resuming from the previous stage's checkpoint, with the Hydra
overrides that reproduce the recipe (strictly on-policy GRPO, token-mean loss, no KL, entropy_coeff=0).
Every override is checked against verl's config schema; an unknown key is an error.
Nothing is run: read the scripts, then run them in order (bash 01-….sh).

Options:
  --recipe NAME|FILE     a preset (${presetNames().join(', ')}) or a recipe JSON file
  --model PATH           the starting policy (HF id or path), e.g. deepseek-ai/DeepSeek-R1-Distill-Qwen-7B; default: a pretrained recipe's model.path
  --data DIR             the folder written by \`acereason export verl\` (train-/val-<domain>.parquet, compute_score.py)
  --out DIR              where the scripts go; verl outputs go to DIR/<stage>/ (checkpoints, rollouts, metrics.jsonl)
  --mode MODE            local (a Ray head here), ray-job (ray job submit to --ray-address), slurm (sbatch); default local
  --nnodes N             default ${DEFAULT_LAUNCH_OPTIONS.nnodes}
  --gpus-per-node N      default ${DEFAULT_LAUNCH_OPTIONS.gpusPerNode}
  --batch N              prompts per batch (default: each stage's promptsPerStep)
  --length-scale X       multiply the recipe's response lengths (default 1)
  --max-prompt-length N  default ${DEFAULT_LAUNCH_OPTIONS.maxPromptLength}
  --reward-url URL       the \`acereason serve\` address (default ${DEFAULT_LAUNCH_OPTIONS.rewardUrl})
  --ray-address URL      for --mode ray-job (default ${DEFAULT_LAUNCH_OPTIONS.rayAddress})
  --partition NAME       for --mode slurm (default ${DEFAULT_LAUNCH_OPTIONS.slurmPartition})
  --engine vllm|sglang   rollout engine (default vllm)
  --tp N                 rollout tensor parallel size (default ${DEFAULT_LAUNCH_OPTIONS.tensorParallel})
  --schema FILE          verl schema to check against (default: the bundled resources/verl/ppo_trainer.schema.yaml)
  --print                also print every script to stdout`;

export function resolveRecipe(nameOrPath: string, cwd: string): Recipe {
  if (presetNames().includes(nameOrPath)) return preset(nameOrPath);
  const file = path.resolve(cwd, nameOrPath);
  if (!fs.existsSync(file)) throw new CliError(`'${nameOrPath}' is neither a preset (${presetNames().join(', ')}) nor a file`);
  return loadRecipeFile(file);
}

export const command: CliCommand = {
  name: 'launch',
  summary: 'Generate verl launch scripts (local Ray, ray job submit, or Slurm) for every stage of a recipe',
  usage: USAGE,
  async run(args, io) {
    const [target, ...rest] = args;
    if (target !== 'verl') throw new CliError(`expected 'verl' after 'launch'${target ? `, got '${target}'` : ''}\n\n${USAGE}`);
    let values;
    try {
      ({ values } = parseArgs({
        args: rest, strict: true, options: {
          recipe: { type: 'string' }, model: { type: 'string' }, data: { type: 'string' }, out: { type: 'string' }, mode: { type: 'string' },
          nnodes: { type: 'string' }, 'gpus-per-node': { type: 'string' }, batch: { type: 'string' }, 'length-scale': { type: 'string' },
          'max-prompt-length': { type: 'string' }, 'reward-url': { type: 'string' }, 'ray-address': { type: 'string' },
          partition: { type: 'string' }, engine: { type: 'string' }, tp: { type: 'string' }, schema: { type: 'string' }, print: { type: 'boolean' },
        },
      }));
    } catch (e) {
      throw new CliError(`${(e as Error).message}\n\n${USAGE}`);
    }
    for (const k of ['recipe', 'data', 'out'] as const) if (!values[k]) throw new CliError(`--${k} is required\n\n${USAGE}`);
    const mode = (values.mode ?? 'local') as LaunchMode;
    if (!LAUNCH_MODES.includes(mode)) throw new CliError(`--mode must be one of ${LAUNCH_MODES.join(', ')}, got '${values.mode}'`);
    const int = (name: string, v: string | undefined, def: number | undefined) => {
      if (v === undefined) return def;
      const n = Number(v);
      if (!Number.isInteger(n) || n <= 0) throw new CliError(`--${name} must be a positive integer, got '${v}'`);
      return n;
    };
    const scale = values['length-scale'] === undefined ? 1 : Number(values['length-scale']);
    if (!(scale > 0)) throw new CliError(`--length-scale must be a positive number, got '${values['length-scale']}'`);
    const engine = values.engine ?? 'vllm';
    if (engine !== 'vllm' && engine !== 'sglang') throw new CliError(`--engine must be vllm or sglang, got '${engine}'`);
    let recipe: Recipe;
    try {
      recipe = resolveRecipe(values.recipe!, io.cwd);
    } catch (e) {
      throw e instanceof CliError ? e : new CliError((e as Error).message);
    }
    const outDir = path.resolve(io.cwd, values.out!);
    const opts: VerlLaunchOptions = {
      ...DEFAULT_LAUNCH_OPTIONS,
      modelPath: values.model ?? '',
      dataDir: path.resolve(io.cwd, values.data!),
      outputDir: outDir,
      mode,
      nnodes: int('nnodes', values.nnodes, DEFAULT_LAUNCH_OPTIONS.nnodes)!,
      gpusPerNode: int('gpus-per-node', values['gpus-per-node'], DEFAULT_LAUNCH_OPTIONS.gpusPerNode)!,
      trainBatchSize: int('batch', values.batch, undefined),
      maxPromptLength: int('max-prompt-length', values['max-prompt-length'], DEFAULT_LAUNCH_OPTIONS.maxPromptLength)!,
      lengthScale: scale,
      rewardUrl: values['reward-url'] ?? DEFAULT_LAUNCH_OPTIONS.rewardUrl,
      rayAddress: values['ray-address'] ?? DEFAULT_LAUNCH_OPTIONS.rayAddress,
      slurmPartition: values.partition ?? DEFAULT_LAUNCH_OPTIONS.slurmPartition,
      rolloutEngine: engine,
      tensorParallel: int('tp', values.tp, DEFAULT_LAUNCH_OPTIONS.tensorParallel)!,
      schemaFile: values.schema ? path.resolve(io.cwd, values.schema) : undefined,
    };
    let plan;
    try {
      plan = buildLaunchPlan(recipe, opts);
    } catch (e) {
      if (e instanceof LaunchError) throw new CliError(e.message);
      throw e;
    }
    fs.mkdirSync(outDir, { recursive: true });
    for (const s of plan) {
      const file = path.join(outDir, s.fileName);
      writeFileAtomic(file, s.script);
      fs.chmodSync(file, 0o755);
      if (values.print) io.stdout.write(`\n# ===== ${file} =====\n${s.script}`);
    }
    io.stdout.write(`wrote ${plan.length} ${mode} launch scripts for recipe '${recipe.name}' to ${outDir}:\n`);
    for (const s of plan) {
      io.stdout.write(`  ${s.fileName}  ${s.stage.domain} · ${Math.round(s.stage.maxResponseLength * scale)} tokens · n=${s.stage.rolloutsPerPrompt} · T=${s.stage.temperature} · lr=${s.stage.learningRate} · ${s.overrides.length} overrides checked\n`);
      for (const n of s.notes) io.stdout.write(`      note: ${n}\n`);
    }
    const missing = [...new Set(plan.map((s) => s.stage.domain))].filter((d) => !fs.existsSync(path.join(opts.dataDir, `train-${d}.parquet`)));
    for (const d of missing) io.stdout.write(`note: ${path.join(opts.dataDir, `train-${d}.parquet`)} does not exist yet: run \`acereason export verl --domain ${d} --out ${opts.dataDir} …\` before the ${d} stages\n`);
    io.stdout.write(`Start the reward service first: acereason serve --port ${new URL(opts.rewardUrl).port || 80}\n`);
    io.stdout.write(`Then run, in order: ${plan.map((s) => `${mode === 'slurm' ? 'sbatch' : 'bash'} ${path.join(outDir, s.fileName)}`).join(' && ')}\n`);
    return 0;
  },
};
