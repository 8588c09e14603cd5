// What a researcher calls a run: recipe · phase · model · seed, from its config.json — "demo · math ·
// 2L×64 · seed 3" tells two runs apart where two timestamps do not.

/** The label for a run's config.json contents, or undefined when it names no recipe. */
export function runLabel(config: unknown): string | undefined {
  if (!config || typeof config !== 'object') return undefined;
  const c = config as { recipe?: unknown; phase?: unknown; seed?: unknown };
  const recipe = c.recipe && typeof c.recipe === 'object' ? c.recipe as { name?: unknown; seed?: unknown; model?: { layers?: unknown; width?: unknown } } : undefined;
  const name = typeof c.recipe === 'string' ? c.recipe : typeof recipe?.name === 'string' ? recipe.name : undefined;
  if (!name) return undefined;
  const parts = [name];
  if (typeof c.phase === 'string' && c.phase !== 'all') parts.push(c.phase);
  const m = recipe?.model;
  if (m && typeof m.layers === 'number' && typeof m.width === 'number') parts.push(`${m.layers}L×${m.width}`);
  const seed = typeof c.seed === 'number' ? c.seed : typeof recipe?.seed === 'number' ? recipe.seed : undefined;
  if (seed !== undefined) parts.push(`seed ${seed}`);
  return parts.join(' · ');
}
