// Checks a launch before any process starts: does the dataset hold the domain the user asked for,
// do its prompts fit the model's context, is there a held-out split to evaluate on, can every row
// be read. Used by the editor's Start Math RL / Start Code RL pickers and by `acereason train`
// (`--plan` and before a run), so both refuse the same launches with the same words.
//
// `validateLaunchData` is the pure part (records in, findings out); `validateLaunch` reads the
// files first with core's one dataset reader (JSONL, JSON, Parquet).
import fs from 'node:fs';
import path from 'node:path';
import { DatasetError, describeRowProblem, type RowProblem } from '../dataset/errors';
import { loadDataset } from '../dataset/load';
import { PRESETS } from '../dataset/presets';
import { readRawRows } from '../dataset/rawRows';
import type { PromptRecord } from '../dataset/records';
import type { Recipe } from '../rl/recipe';
import { deriveSeed } from '../rl/rng';
import { promptText, promptTokenBound } from './promptText';

export type LaunchDomain = 'math' | 'code';

export interface LaunchCheck {
  /** Each one alone stops the launch; one line each, naming the file, row or field. */
  errors: string[];
  /** Worth reading before a long run, not a reason to refuse it. */
  warnings: string[];
}

export interface LaunchInput {
  recipe: Recipe;
  /** A JSONL/JSON/Parquet file of one domain, or a folder with math.jsonl / code.jsonl (as `--dataset`). */
  datasetPath?: string;
  domain: LaunchDomain;
}

/** The rows a launch would train and evaluate on, already read. */
export interface LaunchData {
  /** The file the training prompts come from (for messages). */
  file: string;
  train: PromptRecord[];
  /** Held-out prompts from their own file; when absent the recipe's heldOutFraction split applies. */
  heldOut?: PromptRecord[];
  /** Rows the reader could not use. */
  skipped: RowProblem[];
}

/** Fewer held-out problems than this make pass@1 too noisy to compare stages. */
const FEW_HELD_OUT = 10;
const HASH_RANGE = 4294967296;

/** Reads what the launch would read, then checks it. Never throws for input problems: they become errors. */
export async function validateLaunch(input: LaunchInput): Promise<LaunchCheck> {
  const check: LaunchCheck = { errors: [], warnings: [] };
  checkRecipe(input, check);
  const files = launchFiles(input, check);
  if (!files) return check;
  try {
    const read = async (file: string) => loadDataset([file], { domain: input.domain });
    const train = await read(files.train);
    const heldOut = files.heldOut ? await read(files.heldOut) : undefined;
    const data: LaunchData = {
      file: files.train,
      train: train.records,
      heldOut: heldOut?.records,
      skipped: [...train.skipped, ...(heldOut?.skipped ?? [])],
    };
    const found = validateLaunchData(input.recipe, input.domain, data);
    check.errors.push(...found.errors);
    check.warnings.push(...found.warnings);
  } catch (e) {
    if (!(e instanceof DatasetError)) throw e;
    const other: LaunchDomain = input.domain === 'math' ? 'code' : 'math';
    const sniffed = await sniffDatasetDomain(files.train).catch(() => undefined);
    check.errors.push(sniffed === other ? wrongDomain(files.train, input.domain, other) : e.message);
  }
  return check;
}

/** The pure checks: the recipe against rows already read. */
export function validateLaunchData(recipe: Recipe, domain: LaunchDomain, data: LaunchData): LaunchCheck {
  const check: LaunchCheck = { errors: [], warnings: [] };
  const name = path.basename(data.file);
  if (data.skipped.length) {
    const first = describeRowProblem(data.skipped[0]);
    check.warnings.push(`${data.skipped.length} row(s) of ${name} cannot be used and will be skipped; the first: ${first}`);
  }
  const wrong = data.train.filter((r) => r.domain !== domain);
  if (wrong.length) check.errors.push(wrongDomain(data.file, domain, wrong[0].domain));
  if (data.train.length === 0) {
    check.errors.push(`${data.file} has no usable ${domain} rows`);
    return check;
  }

  const fraction = recipe.data.source === 'files' ? recipe.data.heldOutFraction : 0.05;
  const held = (r: PromptRecord) => deriveSeed('held-out', r.id) / HASH_RANGE < fraction;
  const heldOut = data.heldOut ?? data.train.filter(held);
  const train = data.heldOut ? data.train : data.train.filter((r) => !held(r));
  if (train.length === 0) check.errors.push(`${name}: every row falls in the held-out split (heldOutFraction ${fraction}); nothing is left to train on`);
  if (heldOut.length === 0) {
    check.warnings.push(`${name}: no held-out ${domain} prompts (${data.train.length} rows × heldOutFraction ${fraction} rounds to none), so the run is never evaluated; add a ${domain}.heldout.jsonl or raise heldOutFraction`);
  } else if (heldOut.length < FEW_HELD_OUT) {
    check.warnings.push(`${name}: only ${heldOut.length} held-out ${domain} prompt(s); pass@1 on so few is noise`);
  }

  checkPromptLengths(recipe, domain, name, [...train, ...heldOut], check);
  return check;
}

function checkPromptLengths(recipe: Recipe, domain: LaunchDomain, name: string, records: PromptRecord[], check: LaunchCheck): void {
  const context = recipe.model.contextLength;
  const stages = recipe.stages.filter((s) => s.domain === domain);
  const longestResponse = Math.max(0, ...stages.map((s) => s.maxResponseLength));
  let tooLong = 0;
  let squeezed = 0;
  let longest: { id: string; tokens: number } | undefined;
  for (const record of records) {
    // Files always get the full prompt (problem + instruction); see promptText.
    const tokens = promptTokenBound(promptText(record, false));
    if (!longest || tokens > longest.tokens) longest = { id: record.id, tokens };
    if (tokens >= context) tooLong++;
    else if (tokens + longestResponse > context) squeezed++;
  }
  if (!longest) return;
  if (tooLong) {
    check.errors.push(
      `${tooLong} of ${records.length} ${domain} prompts in ${name} do not fit recipe '${recipe.name}': its context is ${context} tokens and ` +
      `prompt '${longest.id}' needs up to ${longest.tokens} (with the instruction); choose a recipe with a longer context or drop long prompts`,
    );
  } else if (squeezed) {
    check.warnings.push(`${squeezed} of ${records.length} ${domain} prompts in ${name} leave less than ${longestResponse} tokens of response in the ${context}-token context; their batches' responses are cut short`);
  }
}

function checkRecipe(input: LaunchInput, check: LaunchCheck): void {
  const { recipe, domain } = input;
  if (!recipe.stages.some((s) => s.domain === domain)) {
    check.errors.push(`recipe '${recipe.name}' has no ${domain} stage (stages: ${recipe.stages.map((s) => `${s.name} (${s.domain})`).join(', ')})`);
  }
}

interface LaunchFiles {
  train: string;
  heldOut?: string;
}

/** The files a launch trains on, as the trainer's `--dataset` resolves them; undefined when there are none to read. */
function launchFiles(input: LaunchInput, check: LaunchCheck): LaunchFiles | undefined {
  const { recipe, datasetPath, domain } = input;
  if (datasetPath === undefined) {
    if (recipe.data.source === 'builtin') return undefined;
    const train = recipe.data[domain];
    if (!train) {
      check.errors.push(`recipe '${recipe.name}' reads its prompts from files but names no ${domain} file: pick a dataset (--dataset)`);
      return undefined;
    }
    return exists(train, check) ? { train, heldOut: recipe.data[`${domain}HeldOut`] } : undefined;
  }
  const abs = path.resolve(datasetPath);
  if (!exists(abs, check)) return undefined;
  if (fs.statSync(abs).isDirectory()) {
    const train = path.join(abs, `${domain}.jsonl`);
    if (!fs.existsSync(train)) {
      check.errors.push(`dataset folder ${abs} has no ${domain}.jsonl`);
      return undefined;
    }
    const heldOut = path.join(abs, `${domain}.heldout.jsonl`);
    return { train, heldOut: fs.existsSync(heldOut) ? heldOut : undefined };
  }
  return { train: abs };
}

function exists(file: string, check: LaunchCheck): boolean {
  if (fs.existsSync(file)) return true;
  check.errors.push(`dataset ${file} does not exist`);
  return false;
}

function wrongDomain(file: string, wanted: LaunchDomain, found: LaunchDomain): string {
  const needs = wanted === 'math' ? 'math problems (problem + answer)' : 'code problems (problem + tests)';
  return `${path.basename(file)} holds ${found} problems; a ${wanted} run needs ${needs} (${file})`;
}

/**
 * Which domain a dataset file holds, judged by the public layouts its first rows match (the same
 * presets the reader uses); undefined when neither fits or the file cannot be read.
 */
export async function sniffDatasetDomain(file: string, rows = 20): Promise<LaunchDomain | undefined> {
  const score = { math: 0, code: 0 };
  let seen = 0;
  for await (const result of readRawRows(file)) {
    if (!result.ok) continue;
    const row = result.row.value;
    if (row.domain === 'math' || row.domain === 'code') score[row.domain]++;
    else {
      const preset = PRESETS.find((p) => p.matches(row));
      if (preset) score[preset.domain]++;
    }
    if (++seen >= rows) break;
  }
  if (score.math === 0 && score.code === 0) return undefined;
  return score.code > score.math ? 'code' : 'math';
}

/** One line for a terminal or a notification: the errors, or nothing when the launch may go. */
export function describeLaunchCheck(check: LaunchCheck): string {
  return check.errors.join('; ');
}
