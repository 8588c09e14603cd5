// The demo's curation step on its prompts: drop duplicate training prompts and decontaminate the
// training split against the held-out split with word n-grams (the recipe uses 9-grams for math,
// 14-grams for code; prompts shorter than n words are compared whole). Held-out prompts are never
// touched. Returns what was dropped and why, for events.log.
import type { PromptRecord } from '../../core/dataset/records';

export interface CurationReport {
  kept: number;
  duplicates: number;
  contaminated: number;
  examples: string[];
}

function words(text: string): string[] {
  return text.toLowerCase().replace(/[^a-z0-9+\-*/=().]+/g, ' ').trim().split(/\s+/).filter(Boolean);
}

function ngrams(text: string, n: number): string[] {
  const w = words(text);
  if (w.length <= n) return [w.join(' ')];
  const out: string[] = [];
  for (let i = 0; i + n <= w.length; i++) out.push(w.slice(i, i + n).join(' '));
  return out;
}

export function decontaminate<R extends PromptRecord>(train: readonly R[], heldOut: readonly PromptRecord[], n: number): { kept: R[]; report: CurationReport } {
  const heldGrams = new Set(heldOut.flatMap((r) => ngrams(r.problem, n)));
  const seen = new Set<string>();
  const kept: R[] = [];
  const report: CurationReport = { kept: 0, duplicates: 0, contaminated: 0, examples: [] };
  for (const r of train) {
    const key = words(r.problem).join(' ');
    if (seen.has(key)) { report.duplicates++; continue; }
    seen.add(key);
    const hit = ngrams(r.problem, n).find((g) => heldGrams.has(g));
    if (hit !== undefined) {
      report.contaminated++;
      if (report.examples.length < 3) report.examples.push(`${r.id}: "${hit}"`);
      continue;
    }
    kept.push(r);
  }
  report.kept = kept.length;
  return { kept, report };
}
