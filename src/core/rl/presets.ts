// Built-in recipes. `demo` runs the whole recipe on the built-in tasks on 2 CPU cores in minutes;
// `acereason` mirrors the paper's schedule (arXiv 2505.16400 §3.2–3.4, and 1.1's temperature rule)
// for a GPU and a real dataset. Numbers the paper does not report (steps per stage) are marked.
import { parseRecipe, type Recipe, type RecipeInput } from './recipe';

/**
 * The laptop demo: the paper's whole schedule in miniature — SFT warm-up, math RL with a growing
 * length budget (8K → 16K scaled to 24 → 48 tokens of the character-level model), code RL (24K → 64),
 * then the short final math stage the paper ends with (§3.4, 32K) — evaluated before RL and after
 * every stage with k = 16 samples per held-out problem, so pass@1 (avg@16) is not noise and pass@16
 * can show problems solved that were not.
 * Choices measured on this machine (docs/benchmarks.md):
 * - Rollout temperature 1.2. AceReason 1.1's rule (keep temperature-adjusted entropy near 0.3)
 *   chose it for the earlier 500-step warm-up (entropy 0.27 per token at T 1.2; at T 0.7 it was
 *   0.095, RL sharpened the policy and held-out pass@16 fell). The 1,000-step warm-up with drills is
 *   sharper (0.11 at T 1.2); T 1.5 brings it back to 0.27–0.29, but over 3 seeds the math gain was
 *   +5.0 ± 1.6 points against +9.2 ± 0.8 at T 1.2, and pass@16 fell just the same — so 1.2 stays.
 * - The code stage trains at half the math rate (1e-4), not 5× it: the policy is one tiny network for
 *   both domains, and code RL at 1e-3 erased the math gain (math pass@1 36.7 → 24.6, seed 0); at 2e-4
 *   it still cost 3.2 points of math for +7.0 of code. (The paper's 5× is for a 7B model at 1e-6.)
 * - SFT demonstrations and RL prompts are disjoint halves of the training split (see tasks/load.ts).
 * - The warm-up is 1,000 steps and half its math demonstrations drill the ~120 arithmetic facts the
 *   tasks are built from (tasks/facts.ts): after 500 steps without drills the model still wrote
 *   "4*3=7" and "5+5=1", and held-out problems it got wrong for want of a fact stayed wrong through
 *   RL (pass@16 fell on every seed). With the facts in place, a wrong answer is a wrong method.
 * - Difficulty spread (tasks/types.ts): the warm-up shows tier-1 tasks wrong 15% of the time, tier 2
 *   30%, tier 3 (fractions with one denominator; code needing parentheses) 84% — the tempting
 *   method (adding the denominators; `n+3*2` for "n plus 3 times 2"). The warmed-up policy rarely
 *   solves tier 3, and RL must find the rarer method that is rewarded. Code RL does (held-out code
 *   pass@16 65.6 → 84.4 on two seeds of three). Math RL learned it once fractions got their share of
 *   RL prompts (103 of 299, was 5 of 246) and a right method whose second step starts from the
 *   first step's result as the tier-2 methods' do.
 * - Math RL 80 + 80 steps (was 40 + 40). A fraction's worked answer is ~41 characters, so the 24-token
 *   stage cannot solve one (overlong filtering masks them) and fractions are learned at 48 tokens:
 *   their rollout reward on seed 0 went 0.06 → 0.27 → 0.47 → 0.82 over 80 steps there, while 40
 *   steps had left seeds 0 and 2 short of it (math gains +6.8, +22.4, +6.2; pass@16 −6.3 on seed 2).
 *   With 80 + 80 the three seeds gain +28.8, +33.5, +23.9 points of math pass@1 and +23.4, +28.1,
 *   +21.9 of pass@16 (docs/benchmarks.md).
 * - Code RL 30 steps at 1e-4 (was 20): the parenthesised tier gives it more to learn.
 */
const demo: RecipeInput = {
  name: 'demo',
  description: 'Built-in seeded math and code tasks in three difficulty tiers, a 0.26M-parameter character-level policy on 2 CPU cores: SFT warm-up (with an arithmetic-fact drill), math RL 24 → 48 tokens, code RL, a final short math stage (the paper\'s order), held-out pass@1 and pass@16 before RL and after every stage.',
  seed: 0,
  hardware: 'cpu',
  model: { layers: 2, heads: 4, width: 96, mlpRatio: 4, contextLength: 128 },
  data: { source: 'builtin', taskSeed: 2505, mathTrain: 600, mathHeldOut: 64, codeTrain: 300, codeHeldOut: 32, compactPrompts: true },
  sft: { enabled: true, steps: 1000, batchSize: 24, learningRate: 4e-3, clipNorm: 1, imperfectFraction: 0.3 },
  grpo: { clipNorm: 1, lossAggregation: 'token-mean', normalizeAdvantageByStd: true },
  eval: { k: 16, temperature: 0.6, topP: 0.95 },
  stages: [
    { name: 'math-24', domain: 'math', steps: 80, promptsPerStep: 8, rolloutsPerPrompt: 8, maxResponseLength: 24, temperature: 1.2, topP: 1, learningRate: 2e-4, overlongFiltering: true },
    { name: 'math-48', domain: 'math', steps: 80, promptsPerStep: 8, rolloutsPerPrompt: 12, maxResponseLength: 48, temperature: 1.2, topP: 1, learningRate: 2e-4, overlongFiltering: false, dropSolvedAbove: 0.9 },
    { name: 'code-64', domain: 'code', steps: 30, promptsPerStep: 8, rolloutsPerPrompt: 8, maxResponseLength: 64, temperature: 1.2, topP: 1, learningRate: 1e-4, overlongFiltering: false },
    { name: 'math-48-final', domain: 'math', steps: 10, promptsPerStep: 8, rolloutsPerPrompt: 12, maxResponseLength: 48, temperature: 1.2, topP: 1, learningRate: 2e-4, overlongFiltering: false },
  ],
  checkpointEvery: 5,
  samplesPerStep: 4,
  workers: 2,
};

/**
 * The paper's schedule (AceReason-Nemotron 1.0 §3.4, 7B): math 8K → 16K → 24K, code 24K → 32K, math
 * 32K. Batch 128 prompts; G = 8 at the first stage of each domain, 16 after; lr 1e-6 (math) and
 * 5e-6 (code); at 24K keep prompts with pass rate ≤ 6/16 (0.375); code T 0.6 → 1.0; evaluation at
 * T 0.6 / top-p 0.95. Math temperature is not stated in 1.0: we use 1.1's rule (≈0.85, keeping
 * temperature-adjusted entropy near 0.3). Overlong filtering at the short stages only (1.1).
 * Steps per stage are NOT reported; the counts below (1.1 says ~1,200 steps suffice at 8K) are
 * placeholders to be tuned by the user. Needs a GPU (tfjs-node-gpu) and `--dataset`.
 */
const acereason: RecipeInput = {
  name: 'acereason',
  description: 'AceReason-Nemotron stage schedule (math 8K→16K→24K, code 24K→32K, math 32K) on the paper\'s starting model (--model DIR: a local copy). GPU + real dataset (--dataset).',
  seed: 0,
  hardware: 'gpu',
  // The paper's 7B starting point; verl resolves the hub id, the embedded trainer needs `--model DIR`.
  model: { source: 'pretrained', path: 'deepseek-ai/DeepSeek-R1-Distill-Qwen-7B', contextLength: 34_816 },
  data: { source: 'files', heldOutFraction: 0.02 },
  sft: { enabled: false, steps: 0, batchSize: 64, learningRate: 1e-5, clipNorm: 1, imperfectFraction: 0 },
  grpo: { clipNorm: 1, lossAggregation: 'token-mean', normalizeAdvantageByStd: true },
  eval: { k: 16, temperature: 0.6, topP: 0.95, maxResponseLength: 32_768 },
  stages: [
    { name: 'math-8k', domain: 'math', steps: 1200, promptsPerStep: 128, rolloutsPerPrompt: 8, maxResponseLength: 8_192, temperature: 0.85, topP: 1, learningRate: 1e-6, overlongFiltering: true },
    { name: 'math-16k', domain: 'math', steps: 800, promptsPerStep: 128, rolloutsPerPrompt: 16, maxResponseLength: 16_384, temperature: 0.85, topP: 1, learningRate: 1e-6, overlongFiltering: true },
    { name: 'math-24k', domain: 'math', steps: 400, promptsPerStep: 128, rolloutsPerPrompt: 16, maxResponseLength: 24_576, temperature: 0.85, topP: 1, learningRate: 1e-6, overlongFiltering: false, dropSolvedAbove: 0.375 },
    { name: 'code-24k', domain: 'code', steps: 400, promptsPerStep: 128, rolloutsPerPrompt: 8, maxResponseLength: 24_576, temperature: 0.6, topP: 1, learningRate: 5e-6, overlongFiltering: false },
    { name: 'code-32k', domain: 'code', steps: 400, promptsPerStep: 128, rolloutsPerPrompt: 16, maxResponseLength: 32_768, temperature: 1.0, topP: 1, learningRate: 5e-6, overlongFiltering: false, dropSolvedAbove: 0.9 },
    { name: 'math-32k', domain: 'math', steps: 200, promptsPerStep: 128, rolloutsPerPrompt: 16, maxResponseLength: 32_768, temperature: 0.85, topP: 1, learningRate: 1e-6, overlongFiltering: false, dropSolvedAbove: 0.375 },
  ],
  checkpointEvery: 50,
  samplesPerStep: 8,
  workers: 1,
};

export const PRESET_INPUTS: Record<string, RecipeInput> = { demo, acereason };

export function presetNames(): string[] {
  return Object.keys(PRESET_INPUTS);
}

/** A validated copy of a preset (callers may modify it freely). */
export function preset(name: string): Recipe {
  const input = PRESET_INPUTS[name];
  if (!input) throw new Error(`unknown recipe preset '${name}' (known: ${presetNames().join(', ')})`);
  return parseRecipe(structuredClone(input), `preset '${name}'`);
}
