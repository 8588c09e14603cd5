// The run's own curation of its prompts: drop duplicate training prompts and decontaminate the
// training split against the held-out split, with core's curation text rules (NFKC match tokens,
// n-gram index; src/core/curate) — the same matching `acereason curate` applies against benchmarks.
// The recipe uses 9-grams for math and 14-grams for code; prompts shorter than n tokens match on
// their whole text. Every shared n-gram counts (no boilerplate allowance): the held-out split is
// what the run reports, so nothing resembling it may be trained on. Held-out prompts are never
// touched. Returns what was dropped and why, for events.log.
import { buildBenchmarkIndex, findOverlaps } from '../../core/curate/benchmarks';
import { matchKey } from '../../core/curate/text';
import type { PromptRecord } from '../../core/dataset/records';

export interface CurationReport {
  kept: number;
  duplicates: number;
  contaminated: number;
  examples: string[];
}

export function decontaminate<R extends PromptRecord>(train: readonly R[], heldOut: readonly PromptRecord[], n: number): { kept: R[]; report: CurationReport } {
  const index = buildBenchmarkIndex(heldOut.map((r) => ({ benchmark: 'held-out', file: '', id: r.id, problem: r.problem })), n);
  const seen = new Set<string>();
  const kept: R[] = [];
  const report: CurationReport = { kept: 0, duplicates: 0, contaminated: 0, examples: [] };
  for (const r of train) {
    const key = matchKey(r.problem);
    if (seen.has(key)) { report.duplicates++; continue; }
    seen.add(key);
    const [top] = findOverlaps(index, r.problem);
    if (top) {
      report.contaminated++;
      if (report.examples.length < 3) report.examples.push(`${r.id} overlaps held-out ${top.id} (${top.exact ? 'same statement' : `${top.sharedNgrams} shared ${n}-grams`})`);
      continue;
    }
    kept.push(r);
  }
  report.kept = kept.length;
  return { kept, report };
}
