// Checkpoints: checkpoints/<step>/ holds the policy (weights, Adam state, config — written by the
// policy), the tokenizer, and trainer-state.json (where the run is in the recipe, the prompt pools,
// the solve tallies, the log positions). Everything random in a run is drawn from (seed, purpose,
// step), so (seed, step) IS the RNG state; it is saved explicitly anyway for audit.
// A checkpoint is written to a temp folder and renamed into place; trainer-state.json is written
// last, so a folder without it is incomplete and ignored. A kill -9 at any moment leaves the
// previous checkpoint intact.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { publishDirAtomicAsync, writeJsonAtomic } from '../../core/util/atomic';

export const TRAINER_STATE_FILE = 'trainer-state.json';
export const TOKENIZER_FILE = 'tokenizer.json';
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
  /** Stages whose between-stage filter has been applied, with the prompts kept. */
  activePrompts: z.record(z.string(), z.array(z.string())),
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

/**
 * Writes a checkpoint: `writeModel(tmpDir)` saves the policy and tokenizer into a temp folder, then
 * the state is written and the folder renamed over checkpoints/<step>/ (replacing an older one of
 * the same step, e.g. the one taken before the end-of-stage evaluation).
 */
export async function writeCheckpoint(checkpointsDir: string, state: TrainerState, writeModel: (dir: string) => Promise<void>): Promise<string> {
  const finalDir = checkpointDir(checkpointsDir, state.step);
  fs.mkdirSync(checkpointsDir, { recursive: true });
  await publishDirAtomicAsync(finalDir, async (tmp) => {
    await writeModel(tmp);
    writeJsonAtomic(path.join(tmp, TRAINER_STATE_FILE), state);
  });
  pruneCheckpoints(checkpointsDir);
  return finalDir;
}

function completeCheckpoints(checkpointsDir: string): string[] {
  if (!fs.existsSync(checkpointsDir)) return [];
  return fs.readdirSync(checkpointsDir)
    .filter((d) => /^\d+$/.test(d) && fs.existsSync(path.join(checkpointsDir, d, TRAINER_STATE_FILE)))
    .sort((a, b) => Number(a) - Number(b));
}

function pruneCheckpoints(checkpointsDir: string): void {
  const all = completeCheckpoints(checkpointsDir);
  for (const d of all.slice(0, Math.max(0, all.length - KEEP_CHECKPOINTS))) fs.rmSync(path.join(checkpointsDir, d), { recursive: true, force: true });
  // Leftovers of a write killed half-way.
  for (const d of fs.readdirSync(checkpointsDir)) if (/\.(tmp|old)-/.test(d)) fs.rmSync(path.join(checkpointsDir, d), { recursive: true, force: true });
}

/** The newest complete checkpoint of a run, or undefined. Errors name the file and field. */
export function latestCheckpoint(checkpointsDir: string): { dir: string; state: TrainerState } | undefined {
  const all = completeCheckpoints(checkpointsDir);
  if (all.length === 0) return undefined;
  const dir = path.join(checkpointsDir, all[all.length - 1]);
  const file = path.join(dir, TRAINER_STATE_FILE);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`checkpoint ${file} is unreadable: ${(e as Error).message}`);
  }
  const parsed = TrainerState.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new Error(`checkpoint ${file}: field '${i.path.join('.') || '(root)'}': ${i.message}`);
  }
  return { dir, state: parsed.data };
}
