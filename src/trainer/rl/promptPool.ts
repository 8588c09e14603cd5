// The prompts a stage may sample: the domain's training prompts minus those dropped by the
// between-stage filter, minus those the researcher excluded in labels.jsonl — re-read before every
// step (cheap: the labels store caches on file size and mtime), so an exclusion made in the curator
// while training runs takes effect at the next step.
import fs from 'node:fs';
import type { PromptRecord } from '../../core/dataset/records';
import { excludedIds } from '../../core/labels/store';
import { deriveSeed, Rng } from '../../core/rl/rng';

export class PromptPool<R extends PromptRecord = PromptRecord> {
  private readonly byId = new Map<string, R>();

  constructor(records: readonly R[], private active: string[], private readonly labelsFile: string | undefined) {
    for (const r of records) this.byId.set(r.id, r);
    for (const id of active) if (!this.byId.has(id)) throw new Error(`prompt pool: unknown prompt id '${id}'`);
  }

  activeIds(): string[] {
    return this.active.slice();
  }

  setActive(ids: string[]): void {
    this.active = ids.slice();
  }

  record(id: string): R {
    const r = this.byId.get(id);
    if (!r) throw new Error(`prompt pool: unknown prompt id '${id}'`);
    return r;
  }

  excluded(): ReadonlySet<string> {
    if (!this.labelsFile || !fs.existsSync(this.labelsFile)) return new Set();
    return excludedIds(this.labelsFile);
  }

  /** `count` distinct prompts for a step, drawn from (seed, step): the same on a resumed run. */
  select(count: number, seed: number, step: number): { records: R[]; excludedCount: number } {
    const excluded = this.excluded();
    const eligible = this.active.filter((id) => !excluded.has(id));
    if (eligible.length === 0) {
      throw new Error(`no prompts left to sample: all ${this.active.length} active prompts are excluded in ${this.labelsFile ?? 'labels'}`);
    }
    const order = new Rng(deriveSeed(seed, 'prompts', step)).shuffle(eligible);
    return { records: order.slice(0, Math.min(count, order.length)).map((id) => this.record(id)), excludedCount: this.active.length - eligible.length };
  }
}
