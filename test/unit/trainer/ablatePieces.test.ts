// The pure parts of multi-run reports, against hand-computed values: mean ± sample sd, the paper's
// claim checks, held-out drop comments, and the ablation variants' recipes (same rollout budget).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { checkClaims } from '../../../src/trainer/ablate/claims';
import type { EvalRow, RunSummary } from '../../../src/trainer/ablate/runSummary';
import { stageBlocks } from '../../../src/trainer/ablate/runSummary';
import { formatPoints, meanSd } from '../../../src/trainer/ablate/stats';
import { selectVariants, VARIANTS } from '../../../src/trainer/ablate/variants';
import { heldOutChanges, latestEvaluation, passAt1BySource } from '../../../src/trainer/eval/heldOutChange';
import { planStages } from '../../../src/core/rl/schedule';
import { resolveRecipe } from '../../../src/trainer/rl/resolveRecipe';
import type { Recipe } from '../../../src/core/rl/recipe';

const tiny = path.join(__dirname, 'fixtures', 'tiny-recipe.json');

test('meanSd: sample standard deviation (n − 1), as hand-computed', () => {
  const m = meanSd([0.30, 0.36, 0.42]);
  assert.ok(Math.abs(m.mean - 0.36) < 1e-12);
  assert.ok(Math.abs(m.sd - 0.06) < 1e-12); // deviations ±0.06, 0 → sqrt(0.0072 / 2) = 0.06
  assert.equal(formatPoints(m), '36.0 ± 6.0');
  assert.ok(Number.isNaN(meanSd([0.5]).sd));
  assert.equal(formatPoints(meanSd([0.5])), '50.0');
  assert.equal(meanSd([]).n, 0);
});

test('held-out change: a fall of more than 2 points is commented on, 2 points exactly is not', () => {
  const changes = heldOutChanges({ 'builtin-math': 0.367, 'builtin-code': 0.30 }, { 'builtin-math': 0.246, 'builtin-code': 0.28, other: 0.5 }, 'code-64');
  assert.deepEqual(changes.map((c) => c.source), ['builtin-code', 'builtin-math']); // 'other' has no "before"
  const math = changes.find((c) => c.source === 'builtin-math')!;
  assert.ok(Math.abs(math.delta - -0.121) < 1e-12);
  assert.equal(math.comment, 'held-out builtin-math pass@1 fell 12.1 points during code-64 (36.7 → 24.6)');
  assert.equal(changes.find((c) => c.source === 'builtin-code')!.comment, undefined);
  assert.deepEqual(passAt1BySource({ 'val-core/a/acc/mean@16': 0.5, 'val-aux/a/pass@16': 0.9, 'critic/score/mean': 1 }), { a: 0.5 });
  assert.deepEqual(latestEvaluation([{ step: 0, data: { 'val-core/a/acc/mean@2': 0.1 } }, { step: 1, data: { 'critic/score/mean': 1 } }, { step: 2, data: { 'val-core/a/acc/mean@2': 0.2 } }, { step: 3, data: { x: 1 } }]), { a: 0.2 });
});

function row(label: string, math: [number, number], code: [number, number], k = 16): EvalRow {
  return { label, step: 0, byDomain: { math: { pass1: math[0], passK: math[1], k }, code: { pass1: code[0], passK: code[1], k } } };
}

function run(rows: EvalRow[]): RunSummary {
  return { runId: 'r', dir: '/x', recipe: {} as Recipe, plan: [], blocks: rows, stages: rows, reward: [] };
}

test('claims: the rules of issue 14 applied to hand-made seeds', () => {
  // Math gains 6, 8, 10 (mean 8, sd 2: 8 > 4 → held); code gains 5, 4, 6 (mean 5, sd 1 → held);
  // math during code RL −1, −3, −4 (mean −2.67 → not held); pass@16 +3, +2, −1 → not held on every seed.
  const seeds = [
    run([row('before RL', [0.30, 0.60], [0.70, 0.85]), row('after math RL', [0.36, 0.62], [0.71, 0.85]), row('after code RL', [0.35, 0.63], [0.76, 0.90])]),
    run([row('before RL', [0.20, 0.50], [0.70, 0.85]), row('after math RL', [0.28, 0.55], [0.70, 0.85]), row('after code RL', [0.25, 0.52], [0.74, 0.90])]),
    run([row('before RL', [0.30, 0.60], [0.70, 0.85]), row('after math RL', [0.40, 0.62], [0.69, 0.85]), row('after code RL', [0.36, 0.59], [0.75, 0.90])]),
  ];
  const c = Object.fromEntries(checkClaims(seeds).map((x) => [x.id, x]));
  assert.equal(c['1'].held, true);
  assert.ok(Math.abs(c['1'].stats!.mean - 8) < 1e-9 && Math.abs(c['1'].stats!.sd - 2) < 1e-9);
  assert.equal(c['2a'].held, true);
  assert.ok(Math.abs(c['2a'].stats!.mean - 5) < 1e-9 && Math.abs(c['2a'].stats!.sd - 1) < 1e-9);
  assert.equal(c['2b'].held, false);
  assert.ok(Math.abs(c['2b'].stats!.mean - -8 / 3) < 1e-9);
  assert.equal(c['3'].held, false);
  assert.deepEqual(c['3'].perSeed.map((v) => Math.round(v * 10) / 10), [3, 2, -1]);
  // A mean gain smaller than twice its spread is not a gain: 1, 9, −4 (mean 2, sd 6.6).
  const noisy = checkClaims([0.01, 0.09, -0.04].map((g) => run([row('before RL', [0.3, 0.6], [0.7, 0.8]), row('after math RL', [0.3 + g, 0.6], [0.7, 0.8])])));
  assert.equal(noisy.find((x) => x.id === '1')!.held, false);
  assert.equal(noisy.find((x) => x.id === '2b')!.held, undefined); // no code RL: not checked
  // Math rising by more than 2 points during code RL is no loss (held), and the evidence says the
  // two-sided reading of "within 2 points" would not hold; a rise of 2 or less says nothing more.
  const rising = (during: number) => checkClaims([run([row('before RL', [0.3, 0.6], [0.7, 0.8]), row('after math RL', [0.4, 0.6], [0.7, 0.8]), row('after code RL', [0.4 + during, 0.6], [0.75, 0.8])])]).find((x) => x.id === '2b')!;
  assert.equal(rising(0.03).held, true);
  assert.match(rising(0.03).evidence, /a rise, not a loss; read as "within 2 points either way" it would not hold/);
  assert.equal(rising(0.02).held, true);
  assert.doesNotMatch(rising(0.02).evidence, /rise/);
  // k < 16: "solves new problems" is not checked, whatever the numbers.
  const smallK = checkClaims([run([row('before RL', [0.3, 0.4], [0.7, 0.8], 4), row('after math RL', [0.4, 0.6], [0.7, 0.8], 4)])]);
  assert.equal(smallK.find((x) => x.id === '3')!.held, undefined);
});

test('stage blocks: consecutive same-domain stages are one block; a domain again is numbered', () => {
  const r = resolveRecipe(tiny);
  const withFinal = { ...r, stages: [...r.stages, { ...r.stages[1], name: 'math-final', dropSolvedAbove: undefined }] };
  assert.deepEqual(stageBlocks(planStages(withFinal)).map((b) => [b.label, b.lastStep]), [['after math RL', 4], ['after code RL', 6], ['after math RL #2', 8]]);
});

test('ablation variants: same rollout budget without the curriculum; orders; off-policy needs room for mini-batches', () => {
  const base = resolveRecipe(tiny);
  const build = (name: string) => VARIANTS.find((v) => v.name === name)!.build(base);
  const flat = build('no-curriculum') as Recipe;
  // math-a 2 steps × 2 prompts × G 2 = 8 rollouts, math-b 2 × 2 × 3 = 12: 20 rollouts at math-b's 2 × 3 per step → 3.33 → 3 steps.
  assert.deepEqual(flat.stages.map((s) => [s.name, s.domain, s.steps, s.maxResponseLength]), [['math-b-only', 'math', 3, 24], ['code-a', 'code', 2, 24]]);
  assert.equal(flat.stages[0].dropSolvedAbove, undefined);
  assert.deepEqual((build('code-then-math') as Recipe).stages.map((s) => s.name), ['code-a', 'math-a', 'math-b']);
  assert.deepEqual((build('mixed') as Recipe).stages.map((s) => [s.name, s.steps]), [['math-a', 2], ['code-a.1', 1], ['math-b', 2], ['code-a.2', 1]]);
  // Tiny stages have 2 prompts per step: 4 mini-batches of whole groups do not fit, and the variant says why.
  const off = build('off-policy');
  assert.ok('needs' in off && /updates per batch need at least as many prompts per step/.test(off.needs), JSON.stringify(off));
  const roomy = { ...base, stages: base.stages.map((s) => ({ ...s, promptsPerStep: 4 })) };
  const offRoomy = VARIANTS.find((v) => v.name === 'off-policy')!.build(roomy) as Recipe;
  assert.equal(offRoomy.grpo.updatesPerBatch, 4);
  assert.equal(offRoomy.grpo.policyLoss, 'ppo-clip');
  assert.deepEqual(selectVariants(['curriculum']).map((v) => v.name), ['default', 'no-curriculum']);
  assert.deepEqual(selectVariants(undefined).map((v) => v.name), ['default', 'no-curriculum', 'off-policy', 'code-then-math', 'mixed']);
  assert.throws(() => selectVariants(['curiculum']), /unknown ablation 'curiculum'/);
});
