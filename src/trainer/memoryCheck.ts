// Before a run on a pretrained model allocates anything: its peak memory by core's estimateRunMemory
// (weights, gradients, Adam state, activations of one micro-batch, one chunk of log-prob logits, the KV
// cache of a rollout batch) against the memory this machine has free, and a refusal that says what to
// change when it does not fit. The run's shapes come from the recipe: sequences as long as its context,
// the largest rollout batch of any stage (capped by the policy's sampling batch), and the gradient
// token budget.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeEstimate, estimateRunMemory, formatGiB, type MemoryEstimate, type ModelShape, type RunShape, type Tuning } from '../core/model/memoryEstimate';
import type { Recipe } from '../core/rl/recipe';
import { UserError } from '../core/util/userError';
import { WASM_MODEL_LIMIT_BYTES } from './backend';
import { CONFIG_FILE, readFolderConfig } from './hf/modelFolder';
import { loadBlasAddon } from './native/blasAddon';
import { LOGIT_CHUNK_ELEMENTS } from './model/tokenLogprobs';

/** Overrides the free memory this process sees, in bytes or with a unit (`512M`, `3.5G`): tests, and machines whose cgroup limit /proc/meminfo does not show. */
export const FREE_MEMORY_ENV = 'ACEREASON_FREE_MEMORY';

/** TransformerPolicy's defaults: most tokens per forward/backward pass, most sequences decoded at once. */
export const DEFAULT_GRADIENT_TOKEN_BUDGET = 2048;
export const DEFAULT_SAMPLE_BATCH_SIZE = 64;

export interface RunMemoryOptions {
  /** Free memory in bytes (default: ACEREASON_FREE_MEMORY, else MemAvailable of /proc/meminfo, else os.freemem()). */
  freeBytes?: number;
  /** Tokens per forward/backward pass (the policy's gradientTokenBudget). */
  gradientTokenBudget?: number;
  /** Sequences decoded at once (the policy's sampleBatchSize). */
  sampleBatchSize?: number;
  /** Memory of the process before the model loads (default: core's DEFAULT_RUNTIME_BYTES). */
  runtimeBytes?: number;
}

export interface RunMemoryCheck {
  estimate: MemoryEstimate;
  freeBytes: number;
}

/** The run's shapes from the recipe (every stage's worst case: a plan may run any of them). */
export function runShapeOf(recipe: Recipe, model: ModelShape & { maxPositions?: number }, opts: Pick<RunMemoryOptions, 'gradientTokenBudget' | 'sampleBatchSize'> = {}): RunShape {
  const context = Math.min(recipe.model.contextLength, model.maxPositions ?? Infinity);
  const budget = opts.gradientTokenBudget ?? DEFAULT_GRADIENT_TOKEN_BUDGET;
  const groups = Math.max(...recipe.stages.map((s) => s.promptsPerStep * s.rolloutsPerPrompt));
  // Prompt lengths are not known before the data is read: a sequence is as long as the context allows.
  const longest = context;
  // A micro-batch holds whole sequences: at least one, at most the budget or the whole step's tokens.
  const microBatchTokens = Math.max(longest, Math.min(budget, groups * longest));
  return {
    microBatchTokens,
    sequenceLength: longest,
    logprobChunkTokens: Math.min(microBatchTokens, Math.max(1, Math.floor(LOGIT_CHUNK_ELEMENTS / model.vocabSize))),
    rolloutBatch: Math.min(groups, opts.sampleBatchSize ?? DEFAULT_SAMPLE_BATCH_SIZE),
    rolloutSequenceLength: longest,
  };
}

export function tuningOf(recipe: Recipe): Tuning {
  const m = recipe.model;
  return m.source === 'pretrained' && m.lora ? { kind: 'lora', rank: m.lora.rank, targets: m.lora.targets } : { kind: 'full' };
}

/**
 * The estimate against free memory; throws a UserError naming what to change when the run would not
 * fit. `model` is the folder's config.json as loaded (a DecoderConfig / FolderConfig is a ModelShape).
 */
export function checkRunMemory(recipe: Recipe, model: ModelShape & { maxPositions?: number }, opts: RunMemoryOptions = {}): RunMemoryCheck {
  const freeBytes = opts.freeBytes ?? freeMemoryBytes();
  const shape = runShapeOf(recipe, model, opts);
  let estimate = estimateRunMemory(model, tuningOf(recipe), shape, freeBytes, opts.runtimeBytes);
  // Work too big for the wasm heap runs on the cpu backend: Adam's update there is the native step, or
  // tfjs ops without the addon (the estimate's default is wasm's in-place update).
  if (estimate.peakBytes > WASM_MODEL_LIMIT_BYTES) {
    const adamUpdate = typeof loadBlasAddon() === 'string' ? 'ops' : 'native';
    estimate = estimateRunMemory(model, tuningOf(recipe), { ...shape, adamUpdate }, freeBytes, opts.runtimeBytes);
  }
  if (!estimate.fits) {
    const what = estimate.advice.length ? estimate.advice.join('; ') : 'free memory or use a smaller model';
    throw new UserError(`this run needs about ${formatGiB(estimate.peakBytes)} but ${formatGiB(freeBytes)} is free (${describeEstimate(estimate)}). To fit: ${what}`, { field: 'model' });
  }
  return { estimate, freeBytes };
}

/** Memory a new allocation can get: ACEREASON_FREE_MEMORY, else /proc/meminfo's MemAvailable (page cache counts as free), else os.freemem(). */
export function freeMemoryBytes(env: NodeJS.ProcessEnv = process.env): number {
  const override = env[FREE_MEMORY_ENV];
  if (override !== undefined && override.trim() !== '') return parseBytes(override);
  try {
    const m = /^MemAvailable:\s+(\d+)\s+kB$/m.exec(fs.readFileSync('/proc/meminfo', 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch {
    // Not Linux: os.freemem() below.
  }
  return os.freemem();
}

const UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

export function parseBytes(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$/i.exec(text);
  if (!m) throw new UserError(`${FREE_MEMORY_ENV}=${JSON.stringify(text)}: expected bytes, or a number with K, M, G or T (e.g. 6G)`);
  return Math.floor(Number(m[1]) * UNITS[m[2].toLowerCase()]);
}

/**
 * checkRunMemory for a pretrained recipe from its folder's config.json alone (no weight is read), with
 * a one-line error when the folder is missing; undefined for the built-in model. `train` calls it
 * before the backend starts, the run before it loads the model.
 */
export function checkModelFolderMemory(recipe: Recipe, opts: RunMemoryOptions = {}): RunMemoryCheck | undefined {
  const model = recipe.model;
  if (model.source !== 'pretrained') return undefined;
  if (!fs.existsSync(model.path)) throw new UserError(`the model folder ${model.path} does not exist: pass --model DIR (a local Hugging Face model folder)`);
  return checkRunMemory(recipe, readFolderConfig(path.join(model.path, CONFIG_FILE)).config, opts);
}
