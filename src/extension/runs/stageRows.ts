// The stage boundaries of a run as the Runs view lists them: each stage of the run's recipe and
// phase (config.json) with its global step range, and whether the run got there. No vscode import.
import fs from 'node:fs';
import { parseRecipe } from '../../core/rl/recipe';
import { planStages, type Phase } from '../../core/rl/schedule';

export interface StageRow {
  name: string;
  domain: 'math' | 'code';
  firstStep: number;
  lastStep: number;
  state: 'done' | 'current' | 'pending';
}

/** Stage rows from a run's config.json; empty when the file is missing or holds no valid recipe. */
export function stageRows(configFile: string, lastStep: number | undefined): StageRow[] {
  let config: { recipe?: unknown; phase?: unknown };
  try {
    config = JSON.parse(fs.readFileSync(configFile, 'utf8'));
  } catch {
    return [];
  }
  if (!config.recipe || typeof config.recipe !== 'object') return [];
  const phase: Phase = config.phase === 'math' || config.phase === 'code' ? config.phase : 'all';
  try {
    const step = lastStep ?? 0;
    return planStages(parseRecipe(config.recipe, configFile), phase).map((p) => ({
      name: p.spec.name, domain: p.spec.domain, firstStep: p.firstStep, lastStep: p.lastStep,
      state: step >= p.lastStep ? 'done' : step >= p.firstStep ? 'current' : 'pending',
    }));
  } catch {
    return [];
  }
}

export function describeStageRow(r: StageRow): string {
  return `steps ${r.firstStep}–${r.lastStep} · ${r.domain}`;
}
