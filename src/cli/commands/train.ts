// `acereason train`: runs the recipe in this process (the same runTraining the extension's trainer
// process runs) and shows progress on the terminal: stage, step, reward, ETA.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { describePlan, planStages, type Phase } from '../../core/rl/schedule';
import { newRunId } from '../../core/runs/layout';
import type { StartRunRequest, TrainerMessage } from '../../core/protocol/trainer';
import { resolvePreference, selectBackend } from '../../trainer/backend';
import type { RunContext } from '../../trainer/context';
import { missingData, resolveRecipe } from '../../trainer/rl/resolveRecipe';
import { RESOLVED_RECIPE_FILE, runTraining } from '../../trainer/run';
import { CliError, type CliCommand, type CliIO } from '../command';

const USAGE = `Usage: acereason train --recipe <preset|file.json> [options]

Runs the AceReason recipe: curate → SFT warm-up → math RL stages (growing length) → code RL,
evaluating held-out pass@1 before RL and after every stage, then writes report.html / report.md.

Options:
  --recipe <name|file>   preset (demo, acereason) or a recipe JSON file (default: demo, or the
                         resumed run's own recipe.json)
  --seed N               override the recipe's seed
  --out DIR              runs folder (default: ./.acereason/runs)
  --run-id ID            run folder name (default: a timestamped id)
  --phase all|math|code  which stages to run (default: all)
  --resume RUN_DIR       continue RUN_DIR from its latest checkpoint (same folder), or with
                         --run-id/--phase start a new run from its weights
  --dataset PATH         JSONL file or folder with math.jsonl / code.jsonl (file-based recipes)
  --backend NAME         auto | tensorflow-gpu | tensorflow | wasm | cpu (default: auto / TFJS_BACKEND)
  --plan                 print the resolved stage plan and exit
  --force                run a GPU-sized recipe on a CPU backend anyway
  --quiet                no progress line, only events`;

function fmtDuration(s: number | null): string {
  if (s === null || !Number.isFinite(s)) return '--:--';
  const m = Math.floor(s / 60);
  return `${m}:${String(Math.floor(s % 60)).padStart(2, '0')}`;
}

/** Renders trainer events on a terminal: a single rewritten progress line on a TTY, plain lines otherwise. */
export function terminalContext(io: CliIO, opts: { quiet: boolean }, stop: () => boolean): RunContext {
  const out = io.stderr;
  let lastReward: number | undefined;
  let lastLine = '';
  let lastPrint = 0;
  const clear = () => { if (io.isTTY && lastLine) { out.write('\r\x1b[K'); lastLine = ''; } };
  return {
    emit(msg: TrainerMessage) {
      if (msg.type === 'metrics' && typeof msg.data['critic/score/mean'] === 'number') lastReward = msg.data['critic/score/mean'];
      if (msg.type !== 'progress' || opts.quiet) return;
      const stage = `${msg.stage} (${msg.stageIndex + 1}/${msg.stageCount})`;
      const line = `[${stage}] step ${msg.step}/${msg.totalSteps}${lastReward !== undefined ? ` reward ${lastReward.toFixed(3)}` : ''} ETA ${fmtDuration(msg.etaSeconds)}${msg.phase && msg.phase !== 'rl' ? ` · ${msg.phase}` : ''}`;
      if (io.isTTY) {
        out.write(`\r\x1b[K${line.slice(0, 160)}`);
        lastLine = line;
      } else if (Date.now() - lastPrint > 5000) {
        out.write(line + '\n');
        lastPrint = Date.now();
      }
    },
    log(level, message) {
      if (level === 'debug') return;
      clear();
      io.stdout.write(`${level === 'info' ? '' : `${level}: `}${message}\n`);
    },
    stopRequested: stop,
  };
}

export const command: CliCommand = {
  name: 'train',
  summary: 'run the recipe (SFT warm-up, math RL, code RL) with progress, checkpoints and a report',
  usage: USAGE,
  async run(args, io) {
    let parsed;
    try {
      parsed = parseArgs({
        args, allowPositionals: false, options: {
          recipe: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' }, 'run-id': { type: 'string' },
          phase: { type: 'string', default: 'all' }, resume: { type: 'string' }, dataset: { type: 'string' }, backend: { type: 'string' },
          plan: { type: 'boolean', default: false }, force: { type: 'boolean', default: false }, quiet: { type: 'boolean', default: false },
        },
      });
    } catch (e) {
      throw new CliError(`${(e as Error).message}\n\n${USAGE}`);
    }
    const v = parsed.values;
    const phase = v.phase as Phase;
    if (!['all', 'math', 'code'].includes(phase)) throw new CliError(`--phase must be all, math or code (got '${v.phase}')`);
    let seed: number | undefined;
    if (v.seed !== undefined) {
      seed = Number(v.seed);
      if (!Number.isInteger(seed)) throw new CliError(`--seed must be an integer (got '${v.seed}')`);
    }
    // Resuming without --recipe continues with the recipe the run was started with.
    const recipeName = v.recipe ?? (v.resume ? path.join(path.resolve(io.cwd, v.resume), RESOLVED_RECIPE_FILE) : 'demo');
    const recipeArg = recipeName.includes('/') || recipeName.endsWith('.json') ? path.resolve(io.cwd, recipeName) : recipeName;
    let recipe;
    try {
      recipe = resolveRecipe(recipeArg, { seed, dataset: v.dataset ? path.resolve(io.cwd, v.dataset) : undefined });
    } catch (e) {
      throw new CliError((e as Error).message);
    }
    let plan;
    try {
      plan = planStages(recipe, phase);
    } catch (e) {
      throw new CliError((e as Error).message);
    }
    for (const line of describePlan(recipe, plan)) io.stdout.write(line + '\n');
    if (v.plan) return 0;
    const noData = missingData(recipe);
    if (noData) throw new CliError(noData);

    let backend;
    try {
      backend = await selectBackend(resolvePreference(v.backend));
    } catch (e) {
      throw new CliError((e as Error).message);
    }
    io.stdout.write(`${backend.note}\n`);
    if (recipe.hardware === 'gpu' && backend.name !== 'tensorflow-gpu' && !v.force) {
      throw new CliError(`recipe '${recipe.name}' is sized for a GPU but the backend is ${backend.name}; install @tensorflow/tfjs-node-gpu, or pass --force to run it anyway`);
    }

    let runsDir = path.resolve(io.cwd, v.out ?? path.join('.acereason', 'runs'));
    let runId = v['run-id'] ?? newRunId(recipe.name);
    let resumeFrom: string | undefined;
    if (v.resume) {
      resumeFrom = path.resolve(io.cwd, v.resume);
      if (!v['run-id']) { runsDir = path.dirname(resumeFrom); runId = path.basename(resumeFrom); }
    }
    const workspaceDir = path.basename(runsDir) === 'runs' && path.basename(path.dirname(runsDir)) === '.acereason' ? path.dirname(path.dirname(runsDir)) : io.cwd;
    const req: StartRunRequest = { runId, runsDir, workspaceDir, recipe: recipeArg, phase, resumeFrom, dataset: v.dataset ? path.resolve(io.cwd, v.dataset) : undefined, seed };

    let stopping = false;
    const onSignal = () => {
      if (stopping) process.exit(130);
      stopping = true;
      io.stderr.write('\nstopping after the current step (Ctrl-C again to abort without a checkpoint)…\n');
    };
    process.on('SIGINT', onSignal);
    const t0 = Date.now();
    try {
      io.stdout.write(`run folder: ${path.join(runsDir, runId)}\n`);
      const outcome = await runTraining(req, terminalContext(io, { quiet: v.quiet! }, () => stopping));
      if (io.isTTY) io.stderr.write('\n');
      io.stdout.write(`${outcome} in ${fmtDuration((Date.now() - t0) / 1000)} — ${path.join(runsDir, runId)}\n`);
      return outcome === 'finished' ? 0 : 130;
    } finally {
      process.off('SIGINT', onSignal);
    }
  },
};
