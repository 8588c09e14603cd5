// `acereason ablate`: the default recipe next to its ablation variants (variants.ts), each seed an
// ordinary run in the runs folder (so the dashboard can compare them), then ablation.{html,md} in
// <runs>/<ablation id>/. Per seed, the default runs first; every variant then starts from the
// default's kept "before RL" checkpoint — the same SFT warm-up and the same starting weights, as
// the paper's ablations start from one checkpoint — so a difference between rows is the variant's.
import fs from 'node:fs';
import path from 'node:path';
import type { StartRunRequest } from '../../core/protocol/trainer';
import type { Recipe } from '../../core/rl/recipe';
import { runPaths } from '../../core/runs/layout';
import { readJsonLines, writeFileAtomic, writeJsonAtomic } from '../../core/util/atomic';
import type { RunContext } from '../context';
import { checkpointDir, TRAINER_STATE_FILE } from '../rl/checkpoint';
import { runTraining } from '../run';
import { buildAblationReport, type VariantRuns } from './ablationReport';
import { summarizeRun } from './runSummary';
import type { AblationVariant } from './variants';
import { SFT_MODEL_DIR } from '../runModel';

export interface AblationOptions {
  base: Recipe;
  variants: AblationVariant[];
  seeds: number[];
  /** runsDir, runId (the ablation id), workspaceDir, dataset, phase of every member run. */
  request: Omit<StartRunRequest, 'recipe' | 'seed' | 'resumeFrom'>;
  context(runId: string): RunContext;
  onRunStart?(variant: string, seed: number, runDir: string): void;
}

export interface AblationResult {
  outcome: 'finished' | 'stopped';
  html: string;
  md: string;
  winner?: string;
  skipped: { variant: string; needs: string }[];
}

export function memberRunId(ablationId: string, variant: string, seed: number): string {
  return `${ablationId}-${variant}-seed${seed}`;
}

/**
 * A run folder holding only `source`'s "before RL" checkpoint and the log lines before it, so a run
 * started from it (`resumeFrom`) begins at the default's post-SFT weights and optimizer state.
 */
function startingPoint(sourceRun: string, target: string): string {
  const from = checkpointDir(path.join(sourceRun, 'checkpoints'), 0);
  if (!fs.existsSync(path.join(from, TRAINER_STATE_FILE))) throw new Error(`${sourceRun} kept no "before RL" checkpoint (checkpoints/000000)`);
  const state = JSON.parse(fs.readFileSync(path.join(from, TRAINER_STATE_FILE), 'utf8')) as { log: { metricsLines: number; samplesLines: number } };
  fs.rmSync(target, { recursive: true, force: true });
  fs.mkdirSync(path.join(target, 'checkpoints'), { recursive: true });
  fs.cpSync(from, checkpointDir(path.join(target, 'checkpoints'), 0), { recursive: true });
  // The model folder a checkpoint names relative to its run (the built-in model's sft-model) comes along.
  const sftModel = path.join(sourceRun, SFT_MODEL_DIR);
  if (fs.existsSync(sftModel)) fs.cpSync(sftModel, path.join(target, SFT_MODEL_DIR), { recursive: true });
  const src = runPaths(path.dirname(sourceRun), path.basename(sourceRun));
  const dst = runPaths(path.dirname(target), path.basename(target));
  const cut = (file: string, n: number) => readJsonLines(file).records.slice(0, n).map((r) => JSON.stringify(r) + '\n').join('');
  writeFileAtomic(dst.metrics, cut(src.metrics, state.log.metricsLines));
  writeFileAtomic(dst.samples, cut(src.samples, state.log.samplesLines));
  return target;
}

export async function runAblation(o: AblationOptions): Promise<AblationResult> {
  const groupDir = path.join(o.request.runsDir, o.request.runId);
  fs.mkdirSync(path.join(groupDir, 'recipes'), { recursive: true });
  const built: { variant: AblationVariant; recipe: Recipe; file: string }[] = [];
  const skipped: AblationResult['skipped'] = [];
  for (const variant of o.variants) {
    const r = variant.build(o.base);
    if ('needs' in r) { skipped.push({ variant: variant.name, needs: r.needs }); continue; }
    const file = path.join(groupDir, 'recipes', `${variant.name}.json`);
    writeJsonAtomic(file, r);
    built.push({ variant, recipe: r, file });
  }
  const runs = new Map<string, VariantRuns>(built.map((b) => [b.variant.name, { variant: b.variant, recipe: b.recipe, runs: [] }]));
  let outcome: 'finished' | 'stopped' = 'finished';
  seeds: for (const seed of o.seeds) {
    let start: string | undefined;
    for (const b of built) {
      const runId = memberRunId(o.request.runId, b.variant.name, seed);
      const dir = path.join(o.request.runsDir, runId);
      o.onRunStart?.(b.variant.name, seed, dir);
      const t0 = Date.now();
      const result = await runTraining({ ...o.request, runId, recipe: b.file, seed, resumeFrom: start }, o.context(runId));
      if (result === 'stopped') { outcome = 'stopped'; break seeds; }
      runs.get(b.variant.name)!.runs.push({ summary: summarizeRun(dir), seed, wallSeconds: (Date.now() - t0) / 1000 });
      if (b.variant.group === 'default') start = startingPoint(dir, path.join(groupDir, `start-seed${seed}`));
    }
  }
  const report = buildAblationReport([...runs.values()], skipped, { title: `Ablation of recipe '${o.base.name}'`, seeds: o.seeds });
  const html = path.join(groupDir, 'ablation.html');
  const md = path.join(groupDir, 'ablation.md');
  writeFileAtomic(html, report.html);
  writeFileAtomic(md, report.md);
  writeJsonAtomic(path.join(groupDir, 'group.json'), {
    kind: 'ablation', outcome, winner: report.winner ?? null, skipped,
    runs: [...runs.values()].flatMap((v) => v.runs.map((r) => ({ variant: v.variant.name, seed: r.seed, runId: r.summary.runId, wallSeconds: r.wallSeconds }))),
  });
  return { outcome, html, md, winner: report.winner, skipped };
}
