// Seed groups and ablations (`train --seeds`, `acereason ablate`) as the editor offers them: a
// folder beside the runs holding group.json, which names its member runs. "Compare runs…" opens a
// group's members together, so an ablation's variants overlay in one dashboard.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const RUN_ID = z.string().min(1).max(200).regex(/^[^/\\]+$/).refine((id) => id !== '.' && id !== '..', 'not a folder name');

export const GroupFile = z.object({
  kind: z.enum(['seeds', 'ablation']),
  winner: z.string().max(200).nullable().optional(),
  runs: z.array(z.object({ runId: RUN_ID, seed: z.number().int().optional(), variant: z.string().max(200).optional() }).passthrough()).max(1000),
}).passthrough();

export interface RunGroup {
  id: string;
  kind: 'seeds' | 'ablation';
  /** Member runs that exist in the runs folder, in group.json's order. */
  runIds: string[];
  /** What the group holds, e.g. "ablation · 5 variants × 1 seed" or "3 seeds". */
  description: string;
}

/** The groups under runsDir, newest first; a group.json that does not parse is skipped (it names no runs we can trust). */
export function listRunGroups(runsDir: string): RunGroup[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(runsDir, { withFileTypes: true });
  } catch {
    return [];
  }
  const groups: RunGroup[] = [];
  for (const e of entries) {
    if (!e.isDirectory()) continue;
    const group = readGroup(runsDir, e.name);
    if (group) groups.push(group);
  }
  return groups.sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
}

function readGroup(runsDir: string, id: string): RunGroup | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(path.join(runsDir, id, 'group.json'), 'utf8'));
  } catch {
    return undefined;
  }
  const parsed = GroupFile.safeParse(raw);
  if (!parsed.success) return undefined;
  const members = parsed.data.runs.filter((r) => fs.existsSync(path.join(runsDir, r.runId, 'metrics.jsonl')));
  const runIds = [...new Set(members.map((r) => r.runId))];
  if (!runIds.length) return undefined;
  const seeds = new Set(members.map((r) => r.seed)).size;
  const variants = new Set(members.map((r) => r.variant)).size;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const description = parsed.data.kind === 'ablation' ? `ablation · ${plural(variants, 'variant')} × ${plural(seeds, 'seed')}` : plural(seeds, 'seed');
  return { id, kind: parsed.data.kind, runIds, description };
}
