// The ablations of the paper's design choices, each a change to the default recipe at the same
// rollout budget (the paper compares at equal GPU-hours; on CPU the rollouts are the cost):
//   no-curriculum   — every block of math stages becomes one stage at its final length (Fig. 3b)
//   off-policy      — several optimizer steps per rollout batch with PPO ratio clipping (Fig. 3c)
//   code-then-math  — the domains in the other order (§3.4: math first)
//   mixed           — math and code stages interleaved in halves instead of one block each
// One entry per variant; `--only` selects by group. A variant the recipe cannot express (e.g. a
// loss not registered yet) is reported as "needs …", never silently dropped.
import { parseRecipe, type Recipe, type StageSpec } from '../../core/rl/recipe';

export type AblationGroup = 'curriculum' | 'on-policy' | 'order';

export interface AblationVariant {
  name: string;
  group: AblationGroup | 'default';
  description: string;
  /** The variant's recipe, or why it cannot be built. */
  build(base: Recipe): Recipe | { needs: string };
}

const rollouts = (s: StageSpec) => s.steps * s.promptsPerStep * s.rolloutsPerPrompt;

/** Runs of consecutive stages of one domain, in order. */
function blocks(stages: readonly StageSpec[]): StageSpec[][] {
  const out: StageSpec[][] = [];
  for (const s of stages) {
    const last = out[out.length - 1];
    if (last && last[0].domain === s.domain) last.push(s);
    else out.push([s]);
  }
  return out;
}

function checked(base: Recipe, changes: Partial<Recipe>, name: string): Recipe | { needs: string } {
  try {
    return parseRecipe({ ...structuredClone(base), ...changes, name: `${base.name}-${name}` }, `ablation variant '${name}'`);
  } catch (e) {
    return { needs: (e as Error).message.replace(/\s+/g, ' ') };
  }
}

/** Halves a stage's steps into two stages (`<name>.1`, `<name>.2`); a 1-step stage stays whole. */
function halves(s: StageSpec): StageSpec[] {
  if (s.steps < 2) return [s];
  const first = Math.ceil(s.steps / 2);
  return [{ ...s, name: `${s.name}.1`, steps: first }, { ...s, name: `${s.name}.2`, steps: s.steps - first, dropSolvedAbove: undefined }];
}

export const VARIANTS: AblationVariant[] = [
  {
    name: 'default', group: 'default', description: 'the recipe as it is',
    build: (base) => base,
  },
  {
    name: 'no-curriculum', group: 'curriculum',
    description: 'each block of math stages as one stage at its final response length, with as many rollouts as the block (no 8K→16K-style length curriculum)',
    build(base) {
      const merged = blocks(base.stages).flatMap((block) => {
        if (block[0].domain !== 'math' || block.length === 1) return block;
        const last = block[block.length - 1];
        const steps = Math.max(1, Math.round(block.reduce((a, s) => a + rollouts(s), 0) / (last.promptsPerStep * last.rolloutsPerPrompt)));
        return [{ ...last, name: `${last.name}-only`, steps, learningRate: block[0].learningRate, dropSolvedAbove: undefined }];
      });
      if (merged.length === base.stages.length) return { needs: 'a recipe with at least two consecutive math stages (a length curriculum to remove)' };
      return checked(base, { stages: merged }, 'no-curriculum');
    },
  },
  {
    name: 'off-policy', group: 'on-policy',
    description: '4 optimizer steps per rollout batch (mini-batches of whole prompt groups) with the PPO clipped-ratio loss, instead of one on-policy step',
    build: (base) => checked(base, { grpo: { ...base.grpo, policyLoss: 'ppo-clip' as Recipe['grpo']['policyLoss'], updatesPerBatch: 4 } }, 'off-policy'),
  },
  {
    name: 'code-then-math', group: 'order',
    description: 'all code stages first, then all math stages (the paper trains math first)',
    build(base) {
      const code = base.stages.filter((s) => s.domain === 'code');
      const math = base.stages.filter((s) => s.domain === 'math');
      if (!code.length || !math.length) return { needs: 'a recipe with both math and code stages' };
      return checked(base, { stages: [...code, ...math] }, 'code-then-math');
    },
  },
  {
    name: 'mixed', group: 'order',
    description: 'math and code interleaved: every code stage split in halves, one half after each of the first math stages, instead of one block per domain',
    build(base) {
      const math = base.stages.filter((s) => s.domain === 'math');
      const code = base.stages.filter((s) => s.domain === 'code').flatMap(halves);
      if (!code.length || !math.length) return { needs: 'a recipe with both math and code stages' };
      const stages: StageSpec[] = [];
      for (let i = 0; i < Math.max(math.length, code.length); i++) {
        if (math[i]) stages.push(math[i]);
        if (code[i]) stages.push(code[i]);
      }
      return checked(base, { stages }, 'mixed');
    },
  },
];

export const ABLATION_GROUPS: AblationGroup[] = ['curriculum', 'on-policy', 'order'];

/** The default plus the variants of the chosen groups (all groups when none are named). */
export function selectVariants(only: readonly string[] | undefined): AblationVariant[] {
  const unknown = (only ?? []).filter((g) => !ABLATION_GROUPS.includes(g as AblationGroup));
  if (unknown.length) throw new Error(`unknown ablation '${unknown[0]}' (known: ${ABLATION_GROUPS.join(', ')})`);
  return VARIANTS.filter((v) => v.group === 'default' || !only?.length || only.includes(v.group));
}
