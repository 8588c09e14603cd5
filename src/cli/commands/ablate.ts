// `acereason ablate`: the default recipe next to its ablation variants (src/trainer/ablate), with
// the same seeds and rollout budget, then ablation.html / ablation.md with held-out pass@1/pass@k,
// the training curves overlaid and which variant wins.
import path from 'node:path';
import { newRunId } from '../../core/runs/layout';
import { isUserError } from '../../core/util/userError';
import { runAblation } from '../../trainer/ablate/ablation';
import { ABLATION_GROUPS, selectVariants } from '../../trainer/ablate/variants';
import { resolvePreference, selectBackend } from '../../trainer/backend';
import { missingData, resolveRecipe } from '../../trainer/rl/resolveRecipe';
import { CliError, parseArgs, type CliCommand } from '../command';
import { terminalContext } from './train';

const USAGE = `Usage: acereason ablate --recipe <preset|file.json> [options]

Runs the recipe next to variants that each remove one of its design choices, at the same rollout
budget and from the same post-SFT checkpoint per seed, and writes ablation.html / ablation.md:
  curriculum   no-curriculum: each block of math stages as one stage at its final length
  on-policy    off-policy: 4 optimizer steps per rollout batch with PPO ratio clipping
  order        code-then-math, and mixed (code stages interleaved with the math stages)

Options:
  --recipe <name|file>   preset (demo, acereason) or a recipe JSON file (default: demo)
  --only LIST            comma-separated groups: ${ABLATION_GROUPS.join(',')} (default: all)
  --seeds N              seeds per variant, starting at the recipe's seed (default: 1)
  --seed N               first seed (default: the recipe's)
  --out DIR              runs folder (default: ./.acereason/runs); the report goes to DIR/<id>/
  --id ID                ablation id (default: a timestamped id)
  --dataset PATH         JSONL file or folder with math.jsonl / code.jsonl (file-based recipes)
  --backend NAME         auto | tensorflow-gpu | tensorflow | wasm | cpu
  --quiet                no progress line, only events`;

export const command: CliCommand = {
  name: 'ablate',
  summary: 'run the recipe next to no-curriculum, off-policy and domain-order variants and report which wins',
  usage: USAGE,
  async run(args, io) {
    let parsed;
    try {
      parsed = parseArgs({
        args, allowPositionals: false, options: {
          recipe: { type: 'string', default: 'demo' }, only: { type: 'string' }, seeds: { type: 'string', default: '1' }, seed: { type: 'string' },
          out: { type: 'string' }, id: { type: 'string' }, dataset: { type: 'string' }, backend: { type: 'string' }, quiet: { type: 'boolean', default: false },
        },
      });
    } catch (e) {
      throw new CliError(`${(e as Error).message}\n\n${USAGE}`);
    }
    const v = parsed.values;
    const seeds = Number(v.seeds);
    if (!Number.isInteger(seeds) || seeds < 1 || seeds > 100) throw new CliError(`--seeds must be an integer from 1 to 100 (got '${v.seeds}')`);
    const only = v.only?.split(',').map((s) => s.trim()).filter(Boolean);
    let variants;
    try {
      variants = selectVariants(only);
    } catch (e) {
      throw new CliError(`--only: ${(e as Error).message}`);
    }
    const recipeArg = v.recipe!.includes('/') || v.recipe!.endsWith('.json') ? path.resolve(io.cwd, v.recipe!) : v.recipe!;
    const dataset = v.dataset ? path.resolve(io.cwd, v.dataset) : undefined;
    let base;
    try {
      base = resolveRecipe(recipeArg, { dataset });
    } catch (e) {
      throw new CliError((e as Error).message);
    }
    let firstSeed = base.seed;
    if (v.seed !== undefined) {
      firstSeed = Number(v.seed);
      if (!Number.isInteger(firstSeed)) throw new CliError(`--seed must be an integer (got '${v.seed}')`);
    }
    const noData = missingData(base);
    if (noData) throw new CliError(noData);
    try {
      io.stdout.write(`${(await selectBackend(resolvePreference(v.backend))).note}\n`);
    } catch (e) {
      throw new CliError((e as Error).message);
    }
    const runsDir = path.resolve(io.cwd, v.out ?? path.join('.acereason', 'runs'));
    const id = v.id ?? newRunId(`ablate-${base.name}`);
    const workspaceDir = path.basename(runsDir) === 'runs' && path.basename(path.dirname(runsDir)) === '.acereason' ? path.dirname(path.dirname(runsDir)) : io.cwd;
    let stopping = false;
    const onSignal = () => {
      if (stopping) process.exit(130);
      stopping = true;
      io.stderr.write('\nstopping after the current step (Ctrl-C again to abort)…\n');
    };
    process.on('SIGINT', onSignal);
    try {
      const result = await runAblation({
        base, variants, seeds: Array.from({ length: seeds }, (_, i) => firstSeed + i),
        request: { runsDir, runId: id, workspaceDir, dataset, phase: 'all' },
        context: () => terminalContext(io, { quiet: v.quiet! }, () => stopping),
        onRunStart: (variant, seed, dir) => io.stdout.write(`ablation ${variant}, seed ${seed}: run folder ${dir}\n`),
      });
      for (const s of result.skipped) io.stdout.write(`not run: ${s.variant} — needs ${s.needs}\n`);
      io.stdout.write(`${result.outcome}; ${result.winner ? `winner ${result.winner}; ` : ''}report ${result.html} and ${result.md}\n`);
      return result.outcome === 'finished' ? 0 : 130;
    } catch (e) {
      if (isUserError(e)) throw new CliError(e.message);
      throw e;
    } finally {
      process.off('SIGINT', onSignal);
    }
  },
};
