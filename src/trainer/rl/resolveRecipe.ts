// `--recipe demo` or `--recipe path/to/recipe.json`, plus the request's overrides (seed, dataset).
import fs from 'node:fs';
import { loadRecipeFile, type Recipe } from '../../core/rl/recipe';
import { preset, presetNames } from '../../core/rl/presets';
import { checkRewardNames } from '../rewards';
import { withDataset } from '../tasks/load';

export function resolveRecipe(nameOrPath: string, overrides: { seed?: number; dataset?: string } = {}): Recipe {
  let recipe: Recipe;
  if (presetNames().includes(nameOrPath)) recipe = preset(nameOrPath);
  else if (fs.existsSync(nameOrPath)) recipe = loadRecipeFile(nameOrPath);
  else throw new Error(`recipe '${nameOrPath}' is neither a preset (${presetNames().join(', ')}) nor an existing file`);
  if (overrides.seed !== undefined) recipe = { ...recipe, seed: overrides.seed };
  if (overrides.dataset) recipe = withDataset(recipe, overrides.dataset);
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
