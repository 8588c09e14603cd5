// Checkpoints: checkpoints/<step>/ holds the policy (weights, Adam state, config — written by the
// policy), the tokenizer, and trainer-state.json (where the run is in the recipe, the prompt pools,
// the solve tallies, the log positions). Everything random in a run is drawn from (seed, purpose,
// step), so (seed, step) IS the RNG state; it is saved explicitly anyway for audit.
// A checkpoint is written to a temp folder and renamed into place; trainer-state.json is written
// last, so a folder without it is incomplete and ignored. A kill -9 at any moment leaves the
// previous checkpoint intact. manifest.json holds the size and sha256 of every file in the folder.
// Retention: the last KEEP_CHECKPOINTS, plus every checkpoint marked kept (stage boundaries), listed
// in checkpoints/kept.json so that replacing a folder of the same step keeps the mark.
// On resume the state is cross-checked against metrics.jsonl and samples.jsonl: an edited `step` or
// log position is refused with the field named, never silently honoured.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { publishDirAtomicAsync, readJsonLines, writeJsonAtomic } from '../../core/util/atomic';
import { UserError } from '../../core/util/userError';
import { CHECKPOINT_FILES, oneLine, verifyManifest, writeManifest } from '../model/checkpoint';

export const TRAINER_STATE_FILE = 'trainer-state.json';
export const TOKENIZER_FILE = 'tokenizer.json';
/**
 * In a checkpoint of a model loaded from a folder (pretrained, or the built-in model's sft-model):
 * {"folder"} — where its tokenizer, chat template and config are (relative to the checkpoint when
 * inside the run). Such a checkpoint has no tokenizer.json of its own; its hf/ or adapter/ subfolder
 * is the exported model, not part of the resume state.
 */
export const MODEL_SOURCE_FILE = 'model-source.json';
/** Checkpoints marked kept, by folder name, with the reason: checkpoints/kept.json. */
export const KEPT_FILE = 'kept.json';
const KEEP_CHECKPOINTS = 3;

const Tally = z.record(z.string(), z.object({ attempts: z.number().int(), solved: z.number().int() }));

export const TrainerState = z.object({
  version: z.literal(1),
  runId: z.string(),
  seed: z.number().int(),
  /** Global RL step completed (0 = none). */
  step: z.number().int().nonnegative(),
  sftDone: z.boolean(),
  /** Evaluations already logged, by label ('before-rl', 'after-<stage>'). */
  evalsDone: z.array(z.string()),
  /** Stages whose between-stage filter has been applied, with the prompts kept (never none: the filter keeps some). */
  activePrompts: z.record(z.string(), z.array(z.string().min(1)).min(1, 'a started stage has at least one active prompt (the checkpoint is damaged; labels.jsonl is not involved)')),
  /** Per domain, per prompt: rollouts and successes in the latest stage of that domain. */
  tallies: z.record(z.string(), Tally),
  /** Stage names started (stage event emitted, filter applied). */
  stagesStarted: z.array(z.string()),
  log: z.object({ metricsLines: z.number().int().nonnegative(), samplesLines: z.number().int().nonnegative() }),
  rng: z.object({ seed: z.number().int(), step: z.number().int() }),
  elapsedSeconds: z.number().nonnegative(),
  time: z.string(),
});
export type TrainerState = z.infer<typeof TrainerState>;

export function checkpointDir(checkpointsDir: string, step: number): string {
  return path.join(checkpointsDir, String(step).padStart(6, '0'));
}

export interface CheckpointWriteOptions {
  /**
   * Keep this checkpoint whatever the retention (e.g. `end of stage math-8k`): the reason is recorded
   * in checkpoints/kept.json before the folder is published.
   */
  keep?: string;
}

/**
 * Writes a checkpoint: `writeModel(tmpDir)` saves the policy and tokenizer into a temp folder, then
 * the state and the manifest are written and the folder renamed over checkpoints/<step>/ (replacing
 * an older one of the same step, e.g. the one taken before the end-of-stage evaluation).
 */
export async function writeCheckpoint(checkpointsDir: string, state: TrainerState, writeModel: (dir: string) => Promise<void>, opts: CheckpointWriteOptions = {}): Promise<string> {
  const finalDir = checkpointDir(checkpointsDir, state.step);
  fs.mkdirSync(checkpointsDir, { recursive: true });
  // Marked before it exists: a kill between the two leaves a mark on a missing folder (harmless), never an unmarked boundary.
  if (opts.keep) markCheckpointKept(checkpointsDir, state.step, opts.keep);
  await publishDirAtomicAsync(finalDir, async (tmp) => {
    await writeModel(tmp);
    writeJsonAtomic(path.join(tmp, TRAINER_STATE_FILE), state);
    writeManifest(tmp);
  });
  pruneCheckpoints(checkpointsDir);
  return finalDir;
}

/** Marks checkpoints/<step>/ as kept by the retention policy (atomic rewrite of checkpoints/kept.json). */
export function markCheckpointKept(checkpointsDir: string, step: number, reason: string): void {
  const kept = keptCheckpoints(checkpointsDir);
  kept[path.basename(checkpointDir(checkpointsDir, step))] = reason;
  writeJsonAtomic(path.join(checkpointsDir, KEPT_FILE), kept);
}

/** Folder name → reason, for every checkpoint marked kept. A damaged kept.json keeps nothing extra (and says so). */
export function keptCheckpoints(checkpointsDir: string): Record<string, string> {
  const file = path.join(checkpointsDir, KEPT_FILE);
  if (!fs.existsSync(file)) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UserError(`not valid JSON: ${oneLine((e as Error).message)}`, { file });
  }
  const parsed = z.record(z.string(), z.string()).safeParse(raw);
  if (!parsed.success) throw new UserError('expected {"<step folder>": "<reason>"}', { file });
  return parsed.data;
}

function completeCheckpoints(checkpointsDir: string): string[] {
  if (!fs.existsSync(checkpointsDir)) return [];
  return fs.readdirSync(checkpointsDir)
    .filter((d) => /^\d+$/.test(d) && fs.existsSync(path.join(checkpointsDir, d, TRAINER_STATE_FILE)))
    .sort((a, b) => Number(a) - Number(b));
}

function pruneCheckpoints(checkpointsDir: string): void {
  const all = completeCheckpoints(checkpointsDir);
  const kept = keptCheckpoints(checkpointsDir);
  for (const d of all.slice(0, Math.max(0, all.length - KEEP_CHECKPOINTS))) {
    if (kept[d] === undefined) fs.rmSync(path.join(checkpointsDir, d), { recursive: true, force: true });
  }
  // Leftovers of a write killed half-way.
  for (const d of fs.readdirSync(checkpointsDir)) if (/\.(tmp|old)-/.test(d)) fs.rmSync(path.join(checkpointsDir, d), { recursive: true, force: true });
}

export interface ResumePoint {
  dir: string;
  state: TrainerState;
  /** tokenizer.json, parsed (its fields are the tokenizer's to check); undefined for a folder model's checkpoint (MODEL_SOURCE_FILE). */
  tokenizer: unknown;
}

export interface LatestCheckpointOptions {
  /** The run's metrics.jsonl / samples.jsonl (default: next to the checkpoints folder). */
  metricsFile?: string;
  samplesFile?: string;
}

/**
 * The newest complete checkpoint of a run, or undefined, checked: trainer-state.json's fields, its
 * position against the run's metrics and samples files, the manifest's checksums of the state and
 * tokenizer, and that tokenizer.json parses. Every refusal is a UserError naming the file and field.
 * (The policy files are checked when the policy is loaded.)
 */
export function latestCheckpoint(checkpointsDir: string, opts: LatestCheckpointOptions = {}): ResumePoint | undefined {
  const all = completeCheckpoints(checkpointsDir);
  if (all.length === 0) return undefined;
  const dir = path.join(checkpointsDir, all[all.length - 1]);
  const previous = all.length > 1 ? ` (delete ${dir} to resume from the previous checkpoint, ${all[all.length - 2]})` : '';
  try {
    const state = readTrainerState(dir);
    checkAgainstLogs(state, dir, opts.metricsFile ?? path.join(path.dirname(checkpointsDir), 'metrics.jsonl'), opts.samplesFile ?? path.join(path.dirname(checkpointsDir), 'samples.jsonl'));
    const small = fs.readdirSync(dir).filter((f) => f !== CHECKPOINT_FILES.manifest && f !== CHECKPOINT_FILES.weights && f !== CHECKPOINT_FILES.optimizer && fs.statSync(path.join(dir, f)).isFile());
    if (fs.existsSync(path.join(dir, MODEL_SOURCE_FILE))) {
      verifyManifest(dir, small);
      return { dir, state, tokenizer: undefined };
    }
    const tokenizerFile = path.join(dir, TOKENIZER_FILE);
    if (!fs.existsSync(tokenizerFile)) throw new UserError('not found: the checkpoint has no tokenizer', { file: tokenizerFile });
    verifyManifest(dir, small);
    let tokenizer: unknown;
    try {
      tokenizer = JSON.parse(fs.readFileSync(tokenizerFile, 'utf8'));
    } catch (e) {
      throw new UserError(`not valid JSON: ${oneLine((e as Error).message)}`, { file: tokenizerFile });
    }
    return { dir, state, tokenizer };
  } catch (e) {
    if (e instanceof UserError && previous) throw new UserError(`${e.message}${previous}`);
    throw e;
  }
}

function readTrainerState(dir: string): TrainerState {
  const file = path.join(dir, TRAINER_STATE_FILE);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UserError(`unreadable: ${oneLine((e as Error).message)}`, { file });
  }
  const parsed = TrainerState.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new UserError(i.message, { file, field: i.path.join('.') || '(root)' });
  }
  return parsed.data;
}

/**
 * The checkpoint's position must describe the run's own files: as many lines as it claims, none of
 * them past its step, and (once RL has begun) its step among them. An edited step or position is
 * refused rather than skipping or repeating steps.
 */
function checkAgainstLogs(state: TrainerState, dir: string, metricsFile: string, samplesFile: string): void {
  const file = path.join(dir, TRAINER_STATE_FILE);
  const metrics = readJsonLines<{ step?: unknown }>(metricsFile).records;
  if (state.log.metricsLines > metrics.length) {
    throw new UserError(`${state.log.metricsLines}, but ${metricsFile} has ${metrics.length} lines`, { file, field: 'log.metricsLines' });
  }
  const samples = readJsonLines(samplesFile).records.length;
  if (state.log.samplesLines > samples) {
    throw new UserError(`${state.log.samplesLines}, but ${samplesFile} has ${samples} lines`, { file, field: 'log.samplesLines' });
  }
  let sawStep = state.step === 0;
  for (let i = 0; i < state.log.metricsLines; i++) {
    const step = Number(metrics[i]?.step);
    if (step > state.step) {
      throw new UserError(`${state.step}, but ${metricsFile} line ${i + 1} (before this checkpoint) is step ${step}`, { file, field: 'step' });
    }
    if (step === state.step) sawStep = true;
  }
  if (!sawStep) {
    const last = state.log.metricsLines > 0 ? Number(metrics[state.log.metricsLines - 1]?.step) : undefined;
    throw new UserError(`${state.step}, but ${metricsFile} has no line for that step before this checkpoint${last !== undefined ? ` (the last is step ${last})` : ''}`, { file, field: 'step' });
  }
  if (state.rng.step !== state.step) throw new UserError(`${state.rng.step}, but the checkpoint is at step ${state.step}`, { file, field: 'rng.step' });
}
