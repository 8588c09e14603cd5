// The recipe file: everything a run needs besides its seed and where to write. Validated with zod so
// a bad file fails with the path of the offending field (`stages.2.temperature: ...`).
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { PROJECTIONS, type Projection } from '../model/projections';
import { LOSS_AGGREGATIONS } from './lossAggregation';
import { DEFAULT_POLICY_LOSS_OPTIONS, POLICY_LOSSES, POLICY_LOSS_NAMES } from './policyLoss';

const positiveInt = z.number().int().positive();
const probability = z.number().min(0).max(1);

/** Prompt + response tokens the model attends over. */
const contextLength = positiveInt.max(1_000_000);

/** Today's tiny character-level model, trained from scratch. A model without `source` is this one. */
/** The verification rewards (the recipe's): what a recipe uses unless it names others, and all verl's compute_score.py computes. */
export const DEFAULT_REWARDS = { math: 'math-verify', code: 'code-tests' } as const;

export const BuiltinModelSpec = z.object({
  source: z.literal('builtin').default('builtin'),
  layers: positiveInt.max(64),
  heads: positiveInt.max(64),
  width: positiveInt.max(8192),
  mlpRatio: positiveInt.max(16).default(4),
  contextLength,
}).strict().refine((m) => m.width % m.heads === 0, { message: 'width must be a multiple of heads', path: ['width'] });
export type BuiltinModelSpec = z.infer<typeof BuiltinModelSpec>;

/** The linear layers of a Llama-family block a LoRA adapter can wrap (PEFT's target_modules names). */
export const LORA_TARGETS = PROJECTIONS;
export type LoraTarget = Projection;

/** PEFT's LoRA: W + (alpha / rank) · B·A, A random, B zero, only A and B trained. */
export const LoraSpec = z.object({
  rank: positiveInt.max(4096),
  alpha: z.number().positive().max(1_000_000),
  dropout: z.number().min(0).lt(1).default(0),
  targets: z.array(z.enum(LORA_TARGETS)).min(1, 'name at least one of ' + LORA_TARGETS.join(', ')),
}).strict().superRefine((l, ctx) => {
  const seen = new Set<string>();
  l.targets.forEach((t, i) => {
    if (seen.has(t)) ctx.addIssue({ code: 'custom', message: `'${t}' is listed twice`, path: ['targets', i] });
    seen.add(t);
  });
});
export type LoraSpec = z.infer<typeof LoraSpec>;

/** A Hugging Face model folder (config.json, safetensors, tokenizer files), fully fine-tuned or with LoRA. */
export const PretrainedModelSpec = z.object({
  source: z.literal('pretrained'),
  /** The model folder; relative to the recipe file. `acereason train --model DIR` replaces it. */
  path: z.string().min(1, 'the model folder path is empty'),
  contextLength,
  /** Absent: full fine-tuning. */
  lora: LoraSpec.optional(),
}).strict();
export type PretrainedModelSpec = z.infer<typeof PretrainedModelSpec>;

export const ModelSpec = z.discriminatedUnion('source', [BuiltinModelSpec, PretrainedModelSpec], {
  error: (issue) => (issue.code === 'invalid_union' ? `source must be 'builtin' (or absent) or 'pretrained'` : undefined),
});
export type ModelSpec = z.infer<typeof ModelSpec>;

/** Where prompts come from: the built-in seeded generators, or JSONL/parquet files on disk. */
export const DataSpec = z.discriminatedUnion('source', [
  z.object({
    source: z.literal('builtin'),
    /** Seed of the task universe and of the train / held-out split; independent of the run seed so
     *  every seed of a benchmark is evaluated on the same held-out problems. */
    taskSeed: z.number().int().default(2505),
    mathTrain: positiveInt.default(600),
    mathHeldOut: positiveInt.default(64),
    codeTrain: positiveInt.default(300),
    codeHeldOut: positiveInt.default(32),
    /** Short prompt form for the tiny character-level demo model instead of the recipe's full instruction. */
    compactPrompts: z.boolean().default(true),
  }).strict(),
  z.object({
    source: z.literal('files'),
    /** Math JSONL with {id?, problem, answer}; code JSONL with CodeRecord fields. Relative to the recipe file. */
    math: z.string().optional(),
    code: z.string().optional(),
    mathHeldOut: z.string().optional(),
    codeHeldOut: z.string().optional(),
    /** When no held-out file is given, this fraction of the training file is held out (by id hash). */
    heldOutFraction: probability.default(0.05),
  }).strict(),
]);
export type DataSpec = z.infer<typeof DataSpec>;

export const SftSpec = z.object({
  enabled: z.boolean().default(true),
  steps: z.number().int().nonnegative(),
  batchSize: positiveInt,
  learningRate: z.number().positive(),
  clipNorm: z.number().positive().default(1),
  /** Fraction of demonstrations that are deliberately imperfect (wrong step, wrong answer, verbose). */
  imperfectFraction: probability.default(0.3),
}).strict();
export type SftSpec = z.infer<typeof SftSpec>;

export const StageSpec = z.object({
  name: z.string().min(1).max(100).regex(/^[A-Za-z0-9._-]+$/, 'use letters, digits, . _ -'),
  domain: z.enum(['math', 'code']),
  steps: positiveInt,
  promptsPerStep: positiveInt,
  /** G: rollouts per prompt (the GRPO group size). */
  rolloutsPerPrompt: positiveInt.min(2, 'GRPO needs at least 2 rollouts per prompt'),
  maxResponseLength: positiveInt,
  temperature: z.number().positive().max(5),
  topP: z.number().gt(0).max(1).default(1),
  learningRate: z.number().positive(),
  /** Mask truncated responses out of the loss (helps at short stages, hurts at the longest one). */
  overlongFiltering: z.boolean().default(false),
  /** Before this stage, drop prompts the policy solved more often than this in the previous stage of the same domain. */
  dropSolvedAbove: probability.optional(),
}).strict();
export type StageSpec = z.infer<typeof StageSpec>;

export const EvalSpec = z.object({
  /** Samples per held-out problem: pass@1 = avg@k. */
  k: positiveInt.default(4),
  temperature: z.number().positive().default(0.6),
  topP: z.number().gt(0).max(1).default(0.95),
  /** Response budget during evaluation (defaults to the longest stage budget of the domain). */
  maxResponseLength: positiveInt.optional(),
  /** Cap on held-out problems per source (all when absent). */
  maxProblems: positiveInt.optional(),
}).strict();
export type EvalSpec = z.infer<typeof EvalSpec>;

export const RecipeSpec = z.object({
  name: z.string().min(1).max(100),
  description: z.string().max(5000).default(''),
  seed: z.number().int().default(0),
  model: ModelSpec,
  data: DataSpec,
  sft: SftSpec,
  grpo: z.object({
    clipNorm: z.number().positive().default(1),
    /** How per-token losses become the batch loss (see lossAggregation.ts); the recipe's is token-mean. */
    lossAggregation: z.enum(LOSS_AGGREGATIONS).default('token-mean'),
    /** Which policy loss turns advantages into per-token weights (see policyLoss.ts). */
    policyLoss: z.enum(POLICY_LOSS_NAMES).default('vanilla'),
    clipRatioLow: z.number().min(0).max(1).default(DEFAULT_POLICY_LOSS_OPTIONS.clipRatioLow),
    clipRatioHigh: z.number().min(0).max(10).default(DEFAULT_POLICY_LOSS_OPTIONS.clipRatioHigh),
    clipRatioC: z.number().gt(1).max(100).default(DEFAULT_POLICY_LOSS_OPTIONS.clipRatioC),
    normalizeAdvantageByStd: z.boolean().default(true),
    /** verl's defaults for the recipe, kept explicit: no KL term, no entropy bonus. */
    klCoef: z.literal(0).default(0),
    entropyCoef: z.literal(0).default(0),
    /**
     * Optimizer steps per rollout batch: the batch is split into this many mini-batches of whole
     * prompt groups (verl's train_batch_size / ppo_mini_batch_size). 1 is strictly on-policy (the recipe).
     */
    updatesPerBatch: positiveInt.max(64).default(1),
  }).strict(),
  /** The reward registered under each name scores that domain (the trainer's rl/rewards/index.ts). */
  rewards: z.object({
    math: z.string().min(1).max(100).default(DEFAULT_REWARDS.math),
    code: z.string().min(1).max(100).default(DEFAULT_REWARDS.code),
  }).strict().prefault({}),
  eval: EvalSpec,
  stages: z.array(StageSpec).min(1),
  checkpointEvery: positiveInt.default(5),
  /** Sampled prompt/response/verdict records written per step to samples.jsonl. */
  samplesPerStep: z.number().int().nonnegative().default(4),
  /** Hardware the recipe is sized for; 'gpu' recipes print their plan and refuse to start on wasm/cpu unless forced. */
  hardware: z.enum(['cpu', 'gpu']).default('cpu'),
  /** Use two processes for rollouts and gradients when the policy supports it. */
  workers: z.number().int().min(1).max(16).default(2),
}).strict().superRefine((r, ctx) => {
  if (r.grpo.updatesPerBatch > 1 && !POLICY_LOSSES[r.grpo.policyLoss].usesRatio) {
    ctx.addIssue({ code: 'custom', message: `${r.grpo.updatesPerBatch} updates per rollout batch train on stale samples; policyLoss '${r.grpo.policyLoss}' has no importance ratio to correct for it (use 'ppo-clip')`, path: ['grpo', 'updatesPerBatch'] });
  }
  const names = new Set<string>();
  r.stages.forEach((s, i) => {
    if (names.has(s.name)) ctx.addIssue({ code: 'custom', message: `duplicate stage name '${s.name}'`, path: ['stages', i, 'name'] });
    names.add(s.name);
    if (r.grpo.updatesPerBatch > s.promptsPerStep) {
      ctx.addIssue({ code: 'custom', message: `${r.grpo.updatesPerBatch} updates per batch need at least as many prompts per step (mini-batches are whole prompt groups); this stage has ${s.promptsPerStep}`, path: ['stages', i, 'promptsPerStep'] });
    }
    if (s.maxResponseLength >= r.model.contextLength) {
      ctx.addIssue({ code: 'custom', message: `maxResponseLength ${s.maxResponseLength} leaves no room for the prompt in contextLength ${r.model.contextLength}`, path: ['stages', i, 'maxResponseLength'] });
    }
  });
});
export type Recipe = z.infer<typeof RecipeSpec>;
export type RecipeInput = z.input<typeof RecipeSpec>;

export class RecipeError extends Error {}

/** Validates a recipe object; errors name the source and every offending field path. */
export function parseRecipe(raw: unknown, where = 'recipe'): Recipe {
  const r = RecipeSpec.safeParse(raw);
  if (!r.success) {
    const lines = r.error.issues.slice(0, 8).map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new RecipeError(`${where} is not a valid recipe:\n${lines.join('\n')}`);
  }
  return r.data;
}

/** Reads and validates a recipe JSON file. Relative data paths are resolved against the file's folder. */
export function loadRecipeFile(file: string): Recipe {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new RecipeError(`cannot read recipe file ${file}: ${(e as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, '')); // a BOM (Windows editors) is not content
  } catch (e) {
    throw new RecipeError(`recipe file ${file} is not valid JSON: ${(e as Error).message}`);
  }
  const recipe = parseRecipe(raw, `recipe file ${file}`);
  if (recipe.data.source === 'files') {
    const base = path.dirname(path.resolve(file));
    const abs = (p?: string) => (p === undefined ? undefined : path.resolve(base, p));
    recipe.data = { ...recipe.data, math: abs(recipe.data.math), code: abs(recipe.data.code), mathHeldOut: abs(recipe.data.mathHeldOut), codeHeldOut: abs(recipe.data.codeHeldOut) };
  }
  if (recipe.model.source === 'pretrained') recipe.model = { ...recipe.model, path: path.resolve(path.dirname(path.resolve(file)), recipe.model.path) };
  return recipe;
}

/**
 * The recipe with its model replaced by the folder `dir` (`acereason train --model DIR`): a
 * pretrained recipe keeps its LoRA and context settings; a built-in one becomes a full fine-tune of
 * the folder at the same context length. `dir` is resolved against the working directory.
 */
export function withModelPath(recipe: Recipe, dir: string): Recipe {
  if (dir.trim() === '') throw new RecipeError('--model: the model folder path is empty');
  const model: PretrainedModelSpec = recipe.model.source === 'pretrained'
    ? { ...recipe.model, path: path.resolve(dir) }
    : { source: 'pretrained', path: path.resolve(dir), contextLength: recipe.model.contextLength };
  return { ...recipe, model };
}

/** One line naming the model, for plans and reports (the built-in model's as `describePlan` always printed it). */
export function describeModel(model: ModelSpec): string {
  if (model.source === 'builtin') return `${model.layers}L×${model.width}d×${model.heads}h ctx ${model.contextLength}`;
  const how = model.lora ? `LoRA rank ${model.lora.rank}, alpha ${model.lora.alpha} on ${model.lora.targets.join(',')}` : 'full fine-tuning';
  return `${model.path} (${how}) ctx ${model.contextLength}`;
}
