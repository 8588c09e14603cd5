// The stage schedule: stages laid end to end on one global step axis (what metrics.jsonl is keyed
// by), and the phase filter (`--phase math|code`).
import { describeModel, type Recipe, type StageSpec } from './recipe';

export type Phase = 'all' | 'math' | 'code';

export interface PlannedStage {
  index: number;
  spec: StageSpec;
  /** Global step of this stage's first step (steps are 1-based; step 0 is "before RL"). */
  firstStep: number;
  lastStep: number;
}

export function planStages(recipe: Recipe, phase: Phase = 'all'): PlannedStage[] {
  const chosen = recipe.stages.filter((s) => phase === 'all' || s.domain === phase);
  if (chosen.length === 0) throw new Error(`recipe '${recipe.name}' has no ${phase} stages`);
  let next = 1;
  return chosen.map((spec, index) => {
    const p = { index, spec, firstStep: next, lastStep: next + spec.steps - 1 };
    next += spec.steps;
    return p;
  });
}

export function totalSteps(plan: readonly PlannedStage[]): number {
  return plan.length ? plan[plan.length - 1].lastStep : 0;
}

/** The stage a global step belongs to. */
export function stageAt(plan: readonly PlannedStage[], step: number): PlannedStage {
  const s = plan.find((p) => step >= p.firstStep && step <= p.lastStep);
  if (!s) throw new Error(`step ${step} is outside the schedule (1..${totalSteps(plan)})`);
  return s;
}

/** Human-readable plan, one line per stage (printed by `acereason train` and written to events.log). */
export function describePlan(recipe: Recipe, plan: readonly PlannedStage[]): string[] {
  const lines = [`recipe '${recipe.name}': ${plan.length} stages, ${totalSteps(plan)} steps, model ${describeModel(recipe.model)}`];
  if (recipe.sft.enabled && recipe.sft.steps > 0) lines.push(`  SFT warm-up: ${recipe.sft.steps} steps × ${recipe.sft.batchSize} demos, lr ${recipe.sft.learningRate}`);
  for (const p of plan) {
    const s = p.spec;
    lines.push(
      `  ${p.index + 1}. ${s.name} [${s.domain}] steps ${p.firstStep}–${p.lastStep}: ${s.promptsPerStep} prompts × G=${s.rolloutsPerPrompt}, ` +
      `max response ${s.maxResponseLength}, T=${s.temperature}, top-p ${s.topP}, lr ${s.learningRate}` +
      `${s.overlongFiltering ? ', overlong filtering' : ''}${s.dropSolvedAbove !== undefined ? `, drop prompts solved > ${s.dropSolvedAbove}` : ''}`,
    );
  }
  lines.push(`  eval: avg@${recipe.eval.k} and pass@${recipe.eval.k} at T=${recipe.eval.temperature}, top-p ${recipe.eval.topP}, before RL and after every stage`);
  return lines;
}
