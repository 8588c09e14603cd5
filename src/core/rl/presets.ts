// Built-in recipes. `demo` runs the whole recipe on the built-in tasks on 2 CPU cores in minutes;
// `acereason` mirrors the paper's schedule (arXiv 2505.16400 §3.2–3.4, and 1.1's temperature rule)
// for a GPU and a real dataset. Numbers the paper does not report (steps per stage) are marked.
import { parseRecipe, type Recipe, type RecipeInput } from './recipe';

/**
 * The laptop demo. Lengths are the paper's 8K → 16K (math) and 24K (code) scaled to tokens of the
 * character-level model (its markup tokens count one each): 24 → 48 for math, 64 for code. G and temperatures follow the paper's shape
 * (G grows after the first stage), and the code learning rate is 5× the math one as in the paper
 * (5e-6 vs 1e-6); math RL at a higher rate collapsed pass@k on held-out problems in our trials.
 * Sized so the whole run fits 15 minutes on 2 shared cores.
 */
const demo: RecipeInput = {
  name: 'demo',
  description: 'Built-in seeded math and code tasks, a 0.26M-parameter character-level policy, 2 CPU cores, about 4–6 minutes.',
  seed: 0,
  hardware: 'cpu',
  model: { layers: 2, heads: 4, width: 96, mlpRatio: 4, contextLength: 128 },
  data: { source: 'builtin', taskSeed: 2505, mathTrain: 600, mathHeldOut: 64, codeTrain: 300, codeHeldOut: 32, compactPrompts: true },
  sft: { enabled: true, steps: 500, batchSize: 24, learningRate: 4e-3, clipNorm: 1, imperfectFraction: 0.3 },
  grpo: { clipNorm: 1, lossAggregation: 'token-mean', normalizeAdvantageByStd: true },
  eval: { k: 4, temperature: 0.6, topP: 0.95 },
  stages: [
    { name: 'math-24', domain: 'math', steps: 30, promptsPerStep: 8, rolloutsPerPrompt: 8, maxResponseLength: 24, temperature: 0.7, topP: 1, learningRate: 2e-4, overlongFiltering: true },
    { name: 'math-48', domain: 'math', steps: 30, promptsPerStep: 8, rolloutsPerPrompt: 12, maxResponseLength: 48, temperature: 0.7, topP: 1, learningRate: 2e-4, overlongFiltering: false, dropSolvedAbove: 0.9 },
    { name: 'code-64', domain: 'code', steps: 18, promptsPerStep: 8, rolloutsPerPrompt: 8, maxResponseLength: 64, temperature: 0.7, topP: 1, learningRate: 1e-3, overlongFiltering: false },
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
  description: 'AceReason-Nemotron stage schedule (math 8K→16K→24K, code 24K→32K, math 32K). GPU + real dataset (--dataset).',
  seed: 0,
  hardware: 'gpu',
  model: { layers: 24, heads: 16, width: 1024, mlpRatio: 4, contextLength: 34_816 },
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
