// What a finished run folder says about the paper's claims: held-out pass@1 / pass@k before RL and
// after each block of same-domain stages ("after math RL", "after code RL", …), and the training
// reward curve. Read from disk (recipe.json, config.json, metrics.jsonl) so reports over several
// runs can be rebuilt from their folders at any time.
import fs from 'node:fs';
import path from 'node:path';
import type { MetricsLine } from '../../core/protocol/metrics';
import { METRIC } from '../../core/protocol/metrics';
import { parseRecipe, type Recipe } from '../../core/rl/recipe';
import { planStages, type Phase, type PlannedStage } from '../../core/rl/schedule';
import { runPaths } from '../../core/runs/layout';
import { readJsonLines } from '../../core/util/atomic';
import { UserError } from '../../core/util/userError';

export type Domain = 'math' | 'code';

export interface HeldOutScore {
  /** pass@1 as avg@k, a fraction. */
  pass1: number;
  /** Unbiased pass@k with k = samples per problem. */
  passK: number;
  k: number;
}

export interface EvalRow {
  /** 'before RL', 'after math RL', 'after code RL', 'after math RL #2', … */
  label: string;
  step: number;
  byDomain: Partial<Record<Domain, HeldOutScore>>;
}

export interface RunSummary {
  runId: string;
  dir: string;
  recipe: Recipe;
  plan: PlannedStage[];
  /** Before RL, then one row per block of consecutive same-domain stages. */
  blocks: EvalRow[];
  /** Before RL, then one row per stage. */
  stages: EvalRow[];
  /** Mean training reward per RL step. */
  reward: { x: number; y: number }[];
}

function readJson(file: string): Record<string, unknown> {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UserError(`cannot read the run's ${path.basename(file)}: ${(e as Error).message}`, { file });
  }
}

/** Held-out scores of one metrics line, by domain (sources mapped to domains via config.json). */
function scoresOf(data: Record<string, number>, sources: Partial<Record<Domain, string>>): Partial<Record<Domain, HeldOutScore>> {
  const out: Partial<Record<Domain, HeldOutScore>> = {};
  for (const [domain, source] of Object.entries(sources) as [Domain, string][]) {
    const key = Object.keys(data).find((k) => k.startsWith(`val-core/${source}/acc/mean@`));
    if (!key) continue;
    const k = Number(key.slice(key.lastIndexOf('@') + 1));
    out[domain] = { pass1: data[key], passK: data[`val-aux/${source}/pass@${k}`] ?? NaN, k };
  }
  return out;
}

/** Blocks of consecutive stages of one domain, with the label of the evaluation after each. */
export function stageBlocks(plan: readonly PlannedStage[]): { domain: Domain; label: string; lastStep: number }[] {
  const blocks: { domain: Domain; label: string; lastStep: number }[] = [];
  const seen: Record<string, number> = {};
  for (const p of plan) {
    const last = blocks[blocks.length - 1];
    if (last && last.domain === p.spec.domain) { last.lastStep = p.lastStep; continue; }
    const n = (seen[p.spec.domain] = (seen[p.spec.domain] ?? 0) + 1);
    blocks.push({ domain: p.spec.domain, label: `after ${p.spec.domain} RL${n > 1 ? ` #${n}` : ''}`, lastStep: p.lastStep });
  }
  return blocks;
}

export function summarizeRun(dir: string): RunSummary {
  const paths = runPaths(path.dirname(dir), path.basename(dir));
  const config = readJson(paths.config);
  const recipe = parseRecipe(config.recipe, `${paths.config} (recipe)`);
  const phase = (typeof config.phase === 'string' ? config.phase : 'all') as Phase;
  const sources = (config.evalSources ?? {}) as Partial<Record<Domain, string>>;
  const plan = planStages(recipe, phase);
  const metrics = readJsonLines<MetricsLine>(paths.metrics).records;
  const evalLines = metrics.filter((l) => Object.keys(l.data).some((k) => k.startsWith('val-core/')));
  // The last evaluation logged at a step wins (a resumed run may log one twice).
  const atStep = (step: number) => [...evalLines].reverse().find((l) => l.step === step);
  const row = (label: string, step: number): EvalRow | undefined => {
    const line = atStep(step);
    return line ? { label, step, byDomain: scoresOf(line.data, sources) } : undefined;
  };
  const before = row('before RL', 0);
  const blocks = [before, ...stageBlocks(plan).map((b) => row(b.label, b.lastStep))].filter((r): r is EvalRow => !!r);
  const stages = [before, ...plan.map((p) => row(`after ${p.spec.name}`, p.lastStep))].filter((r): r is EvalRow => !!r);
  const reward = metrics.filter((l) => typeof l.data[METRIC.scoreMean] === 'number').map((l) => ({ x: l.step, y: l.data[METRIC.scoreMean] }));
  return { runId: path.basename(dir), dir, recipe, plan, blocks, stages, reward };
}
