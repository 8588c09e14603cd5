// `acereason train`: runs the recipe in this process (the same runTraining the extension's trainer
// process runs) and shows progress on the terminal: stage, step, reward, ETA.
import fs from 'node:fs';
import path from 'node:path';
import { validateLaunch, type LaunchCheck } from '../../core/launch/validateLaunch';
import { describeEstimate } from '../../core/model/memoryEstimate';
import { withModelPath, type Recipe } from '../../core/rl/recipe';
import { describePlan, planStages, type Phase, type PlannedStage } from '../../core/rl/schedule';
import { isUserError } from '../../core/util/userError';
import { runSeedGroup } from '../../trainer/ablate/seedGroup';
import { newRunId } from '../../core/runs/layout';
import type { StartRunRequest, TrainerMessage } from '../../core/protocol/trainer';
import { resolvePreference, selectBackend } from '../../trainer/backend';
import type { RunContext } from '../../trainer/context';
import { checkModelFolderMemory } from '../../trainer/memoryCheck';
import { missingData, resolveRecipe } from '../../trainer/rl/resolveRecipe';
import { RESOLVED_RECIPE_FILE, runTraining } from '../../trainer/run';
import { CliError, parseArgs, type CliCommand, type CliIO } from '../command';

const USAGE = `Usage: acereason train --recipe <preset|file.json> [options]

Runs the AceReason recipe: curate → SFT warm-up → math RL stages (growing length) → code RL,
evaluating held-out pass@1 before RL and after every stage, then writes report.html / report.md.

Options:
  --recipe <name|file>   preset (demo, acereason) or a recipe JSON file (default: demo, or the
                         resumed run's own recipe.json)
  --seed N               override the recipe's seed
  --seeds N              run N seeds (seed, seed+1, …) one after another and write one report
                         with mean ± sd per row and the paper's claims marked held / not held
  --out DIR              runs folder (default: ./.acereason/runs)
  --run-id ID            run folder name (default: a timestamped id)
  --phase all|math|code  which stages to run (default: all)
  --resume RUN_DIR       continue RUN_DIR from its latest checkpoint (same folder), or with
                         --run-id/--phase start a new run from its weights
  --dataset PATH         JSONL file or folder with math.jsonl / code.jsonl (file-based recipes)
  --model DIR            train this Hugging Face model folder instead of the recipe's model (a
                         pretrained recipe keeps its LoRA and context settings)
  --backend NAME         auto | tensorflow-gpu | tensorflow | wasm | cpu (default: auto / TFJS_BACKEND)
  --plan                 print the resolved stage plan (and, for a model folder, the memory
                         estimate against free memory) and exit
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
      // Only RL stages are numbered: the warm-up and the evaluations are not stages of the plan.
      const stage = msg.stage === 'sft' ? 'SFT warm-up' : msg.phase === 'rl' ? `${msg.stage} (${msg.stageIndex + 1}/${msg.stageCount})` : msg.stage;
      const detail = msg.phase && msg.phase !== 'rl' && msg.phase !== msg.stage ? ` · ${msg.phase}` : '';
      const line = msg.stage === 'sft'
        ? `[${stage}] ETA ${fmtDuration(msg.etaSeconds)}${detail}`
        : `[${stage}] step ${msg.step}/${msg.totalSteps}${lastReward !== undefined ? ` reward ${lastReward.toFixed(3)}` : ''} ETA ${fmtDuration(msg.etaSeconds)}${detail}`;
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
          recipe: { type: 'string' }, seed: { type: 'string' }, seeds: { type: 'string' }, out: { type: 'string' }, 'run-id': { type: 'string' },
          phase: { type: 'string', default: 'all' }, resume: { type: 'string' }, dataset: { type: 'string' }, model: { type: 'string' }, backend: { type: 'string' },
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
    if (v.resume && !fs.existsSync(path.resolve(io.cwd, v.resume))) throw new CliError(`--resume: ${path.resolve(io.cwd, v.resume)} does not exist`);
    // Resuming without --recipe continues with the recipe the run was started with.
    const recipeName = v.recipe ?? (v.resume ? path.join(path.resolve(io.cwd, v.resume), RESOLVED_RECIPE_FILE) : 'demo');
    const recipeArg = recipeName.includes('/') || recipeName.endsWith('.json') ? path.resolve(io.cwd, recipeName) : recipeName;
    let recipe;
    try {
      recipe = resolveRecipe(recipeArg, { seed, dataset: v.dataset ? path.resolve(io.cwd, v.dataset) : undefined });
      if (v.model !== undefined) recipe = withModelPath(recipe, path.resolve(io.cwd, v.model));
    } catch (e) {
      throw new CliError((e as Error).message);
    }
    let seeds = 1;
    if (v.seeds !== undefined) {
      seeds = Number(v.seeds);
      if (!Number.isInteger(seeds) || seeds < 1 || seeds > 100) throw new CliError(`--seeds must be an integer from 1 to 100 (got '${v.seeds}')`);
      if (v.resume) throw new CliError('--seeds starts new runs; it cannot be combined with --resume');
    }
    let plan;
    try {
      plan = planStages(recipe, phase);
    } catch (e) {
      throw new CliError((e as Error).message);
    }
    // The run prints its plan when it starts; --plan prints it here and stops.
    if (v.plan) for (const line of describePlan(recipe, plan)) io.stdout.write(line + '\n');
    const noData = missingData(recipe);
    if (noData && !v.plan) throw new CliError(noData);
    // A model folder's memory is checked from its config.json before anything is loaded.
    try {
      const memory = checkModelFolderMemory(recipe);
      if (memory && v.plan) io.stdout.write(`memory: ${describeEstimate(memory.estimate)}\n`);
    } catch (e) {
      if (!isUserError(e)) throw e;
      if (!v.plan) throw new CliError(e.message);
      io.stdout.write(`memory: ${e.message}\n`);
    }
    if (noData) {
      io.stderr.write(`note: ${noData}\n`);
      return 0;
    }
    const check = await checkLaunch(recipe, plan, v.dataset ? path.resolve(io.cwd, v.dataset) : undefined);
    for (const w of check.warnings) io.stderr.write(`warning: ${w}\n`);
    if (check.errors.length) throw new CliError(check.errors.join('; '));
    if (v.plan) return 0;

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
    // --model travels as the editor's model pick does, with the recipe's LoRA kept.
    const model = v.model !== undefined && recipe.model.source === 'pretrained' ? { path: recipe.model.path, ...(recipe.model.lora ? { lora: recipe.model.lora } : {}) } : undefined;
    const req: StartRunRequest = { runId, runsDir, workspaceDir, recipe: recipeArg, phase, resumeFrom, dataset: v.dataset ? path.resolve(io.cwd, v.dataset) : undefined, seed, model };

    let stopping = false;
    const onSignal = () => {
      if (stopping) process.exit(130);
      stopping = true;
      io.stderr.write('\nstopping after the current step (Ctrl-C again to abort without a checkpoint)…\n');
    };
    process.on('SIGINT', onSignal);
    const t0 = Date.now();
    try {
      if (seeds > 1) {
        const firstSeed = seed ?? recipe.seed;
        const group = await runSeedGroup({
          request: req, seeds: Array.from({ length: seeds }, (_, i) => firstSeed + i),
          context: () => terminalContext(io, { quiet: v.quiet! }, () => stopping),
          onRunStart: (runDir, s) => io.stdout.write(`seed ${s}: run folder ${runDir}\n`),
        });
        if (io.isTTY) io.stderr.write('\n');
        for (const line of group.summary) io.stdout.write(line + '\n');
        io.stdout.write(`${group.outcome} in ${fmtDuration((Date.now() - t0) / 1000)} — report ${group.html} and ${group.md}\n`);
        return group.outcome === 'finished' ? 0 : 130;
      }
      io.stdout.write(`run folder: ${path.join(runsDir, runId)}\n`);
      const outcome = await runTraining(req, terminalContext(io, { quiet: v.quiet! }, () => stopping));
      if (io.isTTY) io.stderr.write('\n');
      io.stdout.write(`${outcome} in ${fmtDuration((Date.now() - t0) / 1000)} — ${path.join(runsDir, runId)}\n`);
      return outcome === 'finished' ? 0 : 130;
    } catch (e) {
      // An input problem found once the run started (a damaged checkpoint, a bad dataset row): one line.
      if (isUserError(e)) throw new CliError(e.message);
      throw e;
    } finally {
      process.off('SIGINT', onSignal);
    }
  },
};

/** Every error of the launch check (one line each) for each domain the plan trains. */
export async function checkLaunch(recipe: Recipe, plan: readonly PlannedStage[], datasetPath: string | undefined): Promise<LaunchCheck> {
  const out: LaunchCheck = { errors: [], warnings: [] };
  if (recipe.data.source !== 'files') return out; // built-in tasks always fit the recipes made for them
  for (const domain of new Set(plan.map((p) => p.spec.domain))) {
    const check = await validateLaunch({ recipe, datasetPath, domain });
    out.errors.push(...check.errors);
    out.warnings.push(...check.warnings);
  }
  return out;
}
