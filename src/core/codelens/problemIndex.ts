// Looks up a code problem by id in a dataset file named by a solution header. Each file is read
// once (through the dataset readers, so our CodeRecord layout and the public layouts they know both
// work) and re-read only when its size or mtime changes. `peek` never reads: the CodeLens provider
// must return at once, and shows the test count when a background load has finished.
import fs from 'node:fs';
import path from 'node:path';
import { loadDataset } from '../dataset/load';
import type { CodeRecord } from '../dataset/records';
import { describeRowProblem } from '../dataset/errors';

export class ProblemLookupError extends Error {}

/**
 * The dataset path of a header: absolute as is; relative against the workspace folder first, then
 * the document's folder. Returns the first candidate that exists, else the first candidate.
 */
export function resolveDatasetPath(dataset: string, bases: { workspaceDir?: string; documentDir?: string }): string {
  if (path.isAbsolute(dataset)) return dataset;
  const candidates = [bases.workspaceDir, bases.documentDir].filter((d): d is string => !!d).map((d) => path.resolve(d, dataset));
  if (candidates.length === 0) return path.resolve(dataset);
  return candidates.find((c) => fs.existsSync(c)) ?? candidates[0];
}

interface Loaded { size: number; mtimeMs: number; byId: Map<string, CodeRecord>; skipped: number; firstProblem?: string }

export class ProblemIndex {
  private readonly loaded = new Map<string, Loaded>();
  private readonly pending = new Map<string, Promise<Loaded>>();

  /** The problem if its file is already loaded and unchanged; undefined when unknown yet. */
  peek(file: string, id: string): CodeRecord | null | undefined {
    const l = this.loaded.get(file);
    if (!l || !this.isCurrent(file, l)) return undefined;
    return l.byId.get(id) ?? null;
  }

  async get(file: string, id: string): Promise<CodeRecord> {
    const l = await this.load(file);
    const record = l.byId.get(id);
    if (!record) {
      const hint = l.skipped ? ` (${l.skipped} unreadable line(s); first: ${l.firstProblem})` : '';
      throw new ProblemLookupError(`problem '${id}' is not in ${file} (${l.byId.size} code problems there)${hint}`);
    }
    return record;
  }

  load(file: string): Promise<Loaded> {
    const current = this.loaded.get(file);
    if (current && this.isCurrent(file, current)) return Promise.resolve(current);
    let p = this.pending.get(file);
    if (!p) {
      p = this.read(file).finally(() => this.pending.delete(file));
      this.pending.set(file, p);
    }
    return p;
  }

  private isCurrent(file: string, l: Loaded): boolean {
    try {
      const st = fs.statSync(file);
      return st.size === l.size && st.mtimeMs === l.mtimeMs;
    } catch {
      return false;
    }
  }

  private async read(file: string): Promise<Loaded> {
    let st: fs.Stats;
    try { st = fs.statSync(file); } catch { throw new ProblemLookupError(`dataset ${file} does not exist`); }
    const data = await loadDataset([file], { domain: 'code' });
    const byId = new Map<string, CodeRecord>();
    for (const r of data.records) {
      if (r.domain !== 'code') continue;
      byId.set(r.id, r);
      const original = r.meta?.originalId;
      if (typeof original === 'string' && !byId.has(original)) byId.set(original, r);
    }
    const loaded: Loaded = {
      size: st.size, mtimeMs: st.mtimeMs, byId, skipped: data.skipped.length,
      firstProblem: data.skipped[0] ? describeRowProblem(data.skipped[0]) : undefined,
    };
    this.loaded.set(file, loaded);
    return loaded;
  }
}
