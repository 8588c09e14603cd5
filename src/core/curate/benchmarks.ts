// Benchmark statements indexed by n-gram for decontamination. A benchmark file only needs an id
// and a statement per row (problem / question / prompt / question_content), in any format the
// dataset readers accept. The index maps each n-gram to the benchmark items containing it, so a
// training prompt is checked with one lookup per n-gram instead of one comparison per benchmark item.
import path from 'node:path';
import type { RowProblem } from '../dataset/errors';
import { PROBLEM_FIELDS, firstPresent } from '../dataset/presets/fields';
import { rowId } from '../dataset/presets/preset';
import { readRawRows } from '../dataset/rawRows';
import { matchKey, matchTokens, ngrams } from './text';

/** A benchmark item a training prompt shares n-grams with, and the evidence a reviewer checks. */
export interface BenchmarkOverlap {
  /** The benchmark file's basename without extension, e.g. "math500". */
  benchmark: string;
  file: string;
  id: string;
  /** How many distinct n-grams the two share (Infinity-free: whole-text matches count as 1). */
  sharedNgrams: number;
  exact?: boolean;
  /** The shared n-grams themselves (match tokens joined by spaces; the first MAX_EVIDENCE_NGRAMS). */
  shared?: string[];
  /** The benchmark item's statement (the first MAX_EVIDENCE_CHARS characters), to read beside the prompt. */
  benchmarkProblem?: string;
}

/** Evidence is recorded for this many overlapping items per prompt (the strongest first). */
export const MAX_EVIDENCE_ITEMS = 3;
export const MAX_EVIDENCE_NGRAMS = 50;
export const MAX_EVIDENCE_CHARS = 4000;

export interface BenchmarkItem {
  benchmark: string;
  file: string;
  id: string;
  problem: string;
}

export interface BenchmarkIndex {
  n: number;
  items: BenchmarkItem[];
  /** n-gram → indices into items (ascending, distinct). */
  byNgram: Map<string, number[]>;
  /** Whole-statement match key → indices, so statements shorter than n still match exactly. */
  byWholeText: Map<string, number[]>;
  skipped: RowProblem[];
}

export async function loadBenchmarkItems(files: readonly string[]): Promise<{ items: BenchmarkItem[]; skipped: RowProblem[] }> {
  const items: BenchmarkItem[] = [];
  const skipped: RowProblem[] = [];
  for (const file of files) {
    const benchmark = path.basename(file).replace(/\.(jsonl|ndjson|json|parquet)$/i, '');
    for await (const result of readRawRows(file)) {
      if (!result.ok) {
        skipped.push(result.problem);
        continue;
      }
      const row = result.row.value;
      const field = firstPresent(row, PROBLEM_FIELDS);
      const text = field ? row[field] : undefined;
      if (typeof text !== 'string' || !text.trim()) {
        skipped.push({ file, line: result.row.line, unit: result.row.unit, field: field ?? 'problem', error: 'no statement text' });
        continue;
      }
      items.push({ benchmark, file, id: rowId(row, { fallbackId: `${benchmark}-${result.row.line}`, fallbackSource: benchmark }), problem: text });
    }
  }
  return { items, skipped };
}

export function buildBenchmarkIndex(items: BenchmarkItem[], n: number, skipped: RowProblem[] = []): BenchmarkIndex {
  const byNgram = new Map<string, number[]>();
  const byWholeText = new Map<string, number[]>();
  items.forEach((item, index) => {
    const tokens = matchTokens(item.problem);
    for (const gram of ngrams(tokens, n)) {
      const list = byNgram.get(gram);
      if (!list) byNgram.set(gram, [index]);
      else if (list[list.length - 1] !== index) list.push(index);
    }
    const key = tokens.join(' ');
    if (key) byWholeText.set(key, [...(byWholeText.get(key) ?? []), index]);
  });
  return { n, items, byNgram, byWholeText, skipped };
}

export async function loadBenchmarkIndex(files: readonly string[], n: number): Promise<BenchmarkIndex> {
  const { items, skipped } = await loadBenchmarkItems(files);
  return buildBenchmarkIndex(items, n, skipped);
}

export interface OverlapOptions {
  /** n-grams that are not evidence (boilerplate such as "express your answer as a decimal to the nearest"). */
  ignore?: ReadonlySet<string>;
  /** An item counts only when it shares at least this many n-grams (whole-statement matches always count). Default 1. */
  minSharedNgrams?: number;
  /** Attach the shared n-grams and the benchmark statement to the strongest MAX_EVIDENCE_ITEMS overlaps. */
  evidence?: boolean;
}

/** Benchmark items sharing enough n-grams (or the whole statement) with `text`, most shared first. */
export function findOverlaps(index: BenchmarkIndex, text: string, options: OverlapOptions | ReadonlySet<string> = {}): BenchmarkOverlap[] {
  // A bare set is the boilerplate to ignore (the older call shape).
  const opts: OverlapOptions = options instanceof Set ? { ignore: options } : options as OverlapOptions;
  const tokens = matchTokens(text);
  const shared = new Map<number, string[]>();
  for (const gram of ngrams(tokens, index.n)) {
    if (opts.ignore?.has(gram)) continue;
    const hits = index.byNgram.get(gram);
    if (!hits) continue;
    for (const i of hits) {
      const list = shared.get(i);
      if (list) list.push(gram);
      else shared.set(i, [gram]);
    }
  }
  const exact = new Set(index.byWholeText.get(tokens.join(' ')) ?? []);
  for (const i of exact) if (!shared.has(i)) shared.set(i, []);
  const min = opts.minSharedNgrams ?? 1;
  return [...shared.entries()]
    .map(([i, grams]) => ({ i, grams, count: Math.max(1, grams.length) }))
    .filter((x) => exact.has(x.i) || x.count >= min)
    .sort((a, b) => b.count - a.count || a.i - b.i)
    .map(({ i, grams, count }, rank) => {
      const item = index.items[i];
      const overlap: BenchmarkOverlap = { benchmark: item.benchmark, file: item.file, id: item.id, sharedNgrams: count };
      if (exact.has(i)) overlap.exact = true;
      if (opts.evidence && rank < MAX_EVIDENCE_ITEMS) {
        overlap.shared = grams.slice(0, MAX_EVIDENCE_NGRAMS);
        overlap.benchmarkProblem = item.problem.slice(0, MAX_EVIDENCE_CHARS);
      }
      return overlap;
    });
}

/**
 * The straightforward method the index replaces, kept as the benchmark's baseline and as a test
 * oracle: intersect the prompt's n-gram set with every benchmark item's n-gram set.
 */
export function findOverlapsAllPairs(items: readonly BenchmarkItem[], itemNgrams: readonly Set<string>[], text: string, n: number): string[] {
  const grams = ngrams(matchTokens(text), n);
  const hits: string[] = [];
  items.forEach((item, i) => {
    for (const g of grams) {
      if (itemNgrams[i].has(g)) {
        hits.push(`${item.benchmark}:${item.id}`);
        return;
      }
    }
  });
  return hits;
}

/**
 * Benchmark n-grams common enough to be phrasing rather than content: contained in at least
 * `minDocs` documents, counting benchmark items and the training prompts given. 0 disables.
 */
export function boilerplateNgrams(index: BenchmarkIndex, trainingTexts: readonly string[], minDocs: number): Set<string> {
  const out = new Set<string>();
  if (minDocs <= 0) return out;
  const docs = new Map<string, number>();
  for (const [gram, items] of index.byNgram) docs.set(gram, items.length);
  for (const text of trainingTexts) {
    for (const gram of ngrams(matchTokens(text), index.n)) {
      const d = docs.get(gram);
      if (d !== undefined) docs.set(gram, d + 1);
    }
  }
  for (const [gram, d] of docs) if (d >= minDocs) out.add(gram);
  return out;
}

export { matchKey };
