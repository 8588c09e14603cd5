// `--recipe demo` or `--recipe path/to/recipe.json`, plus the request's overrides (seed, dataset,
// the model folder picked in the editor or passed as `train --model`).
import fs from 'node:fs';
import type { StartModelChoice } from '../../core/protocol/trainer';
import { loadRecipeFile, parseRecipe, withModelPath, type Recipe } from '../../core/rl/recipe';
import { preset, presetNames } from '../../core/rl/presets';
import { checkRewardNames } from '../rewards';
import { withDataset } from '../tasks/load';

export function resolveRecipe(nameOrPath: string, overrides: { seed?: number; dataset?: string; model?: StartModelChoice } = {}): Recipe {
  let recipe: Recipe;
  if (presetNames().includes(nameOrPath)) recipe = preset(nameOrPath);
  else if (fs.existsSync(nameOrPath)) recipe = loadRecipeFile(nameOrPath);
  else throw new Error(`recipe '${nameOrPath}' is neither a preset (${presetNames().join(', ')}) nor an existing file`);
  if (overrides.seed !== undefined) recipe = { ...recipe, seed: overrides.seed };
  if (overrides.dataset) recipe = withDataset(recipe, overrides.dataset);
  if (overrides.model) {
    // The folder replaces the recipe's model; the pick's LoRA (or none: full fine-tuning) replaces the
    // recipe's. Validated again as a whole, so an error names the recipe's field.
    const picked = withModelPath(recipe, overrides.model.path);
    const { lora: _recipeLora, ...model } = picked.model as Extract<Recipe['model'], { source: 'pretrained' }>;
    recipe = parseRecipe({ ...picked, model: overrides.model.lora ? { ...model, lora: overrides.model.lora } : model }, `recipe '${recipe.name}' with model ${overrides.model.path}`);
  }
  // A misspelt reward name fails here, before any data is read or any model built.
  checkRewardNames(recipe);
  return recipe;
}

/** Why a recipe cannot start as it is (no data), or undefined when it can. */
export function missingData(recipe: Recipe): string | undefined {
  if (recipe.data.source === 'files' && !recipe.data.math && !recipe.data.code) {
    return `recipe '${recipe.name}' reads its prompts from files but names none: pass --dataset <file.jsonl | folder with math.jsonl/code.jsonl>`;
  }
  return undefined;
}
