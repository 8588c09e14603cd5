// Between-stage prompt filtering (AceReason §3.2.2 / §3.3.2): drop prompts the policy already solves
// most of the time — the paper keeps only prompts with pass rate ≤ 6/16 at the 24K stage and removes
// "easy" code problems epoch by epoch. Pass rates come from the rollouts of the previous stage of the
// same domain, so the filter costs no extra generation.

export interface PromptTally {
  attempts: number;
  solved: number;
}

export class SolveTally {
  private readonly byId = new Map<string, PromptTally>();

  record(promptId: string, reward: number): void {
    const t = this.byId.get(promptId) ?? { attempts: 0, solved: 0 };
    t.attempts++;
    if (reward > 0.5) t.solved++;
    this.byId.set(promptId, t);
  }

  get(promptId: string): PromptTally | undefined {
    return this.byId.get(promptId);
  }

  toJSON(): Record<string, PromptTally> {
    return Object.fromEntries(this.byId);
  }

  static fromJSON(raw: Record<string, PromptTally> | undefined): SolveTally {
    const t = new SolveTally();
    for (const [id, v] of Object.entries(raw ?? {})) t.byId.set(id, { attempts: v.attempts, solved: v.solved });
    return t;
  }
}

export interface FilterResult {
  kept: string[];
  dropped: string[];
}

/**
 * Keeps prompts whose observed pass rate is ≤ threshold. Prompts never attempted are kept (no
 * evidence they are easy). If every prompt would go, the hardest half is kept so the stage still
 * has data (reported by the caller via `dropped`).
 */
export function dropSolvedPrompts(ids: readonly string[], tally: SolveTally, threshold: number): FilterResult {
  const rate = (id: string) => {
    const t = tally.get(id);
    return t && t.attempts > 0 ? t.solved / t.attempts : undefined;
  };
  const kept = ids.filter((id) => { const r = rate(id); return r === undefined || r <= threshold; });
  const keptIds = new Set(kept);
  if (kept.length > 0) return { kept, dropped: ids.filter((id) => !keptIds.has(id)) };
  const byRate = ids.slice().sort((a, b) => (rate(a) ?? 0) - (rate(b) ?? 0));
  const half = byRate.slice(0, Math.max(1, Math.ceil(ids.length / 2)));
  const keptSet = new Set(half);
  return { kept: ids.filter((id) => keptSet.has(id)), dropped: ids.filter((id) => !keptSet.has(id)) };
}
