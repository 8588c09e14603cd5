// Everything a curation run can be told. Defaults follow the AceReason-Nemotron recipe.
import type { FieldMapping } from '../dataset/fieldMapping';

export interface CurationOptions {
  domain: 'math' | 'code';
  inputs: string[];
  benchmarks?: string[];
  preset?: string;
  mapping?: FieldMapping[];
  /** n for n-gram decontamination; default 9 (math) or 14 (code). */
  ngram?: number;
  /** n-grams found in at least this many documents are phrasing, not contamination (0 = count all). */
  boilerplateMinDocs?: number;
  /** A benchmark item counts as contamination only when it shares at least this many n-grams (default 1; whole-statement matches always count). */
  minSharedNgrams?: number;
  labelsFile?: string;
  /** YYYY-MM-DD: code problems dated after it are removed. */
  dateCutoff?: string;
  /** Near-duplicate threshold on word-shingle Jaccard similarity (0..1). */
  nearDuplicateThreshold?: number;
  /** Fewer word tokens than this = "too-short". */
  minProblemTokens?: number;
  /** Reference answers longer than this (characters) = "answer-too-long". */
  maxAnswerChars?: number;
  /** Code: fewer tests than this = "no-tests" / "too-few-tests". */
  minTests?: number;
  /** Code: run reference solutions against their tests in the sandbox (slow; needs Python). */
  verifyReferences?: boolean;
  /** How many sandbox runs at once for verifyReferences. */
  sandboxConcurrency?: number;
  /** passrates.jsonl from the trainer's rollouts; enables the difficulty filter when bounds are given. */
  passRatesFile?: string;
  /** Keep prompts whose pass rate is within [minPassRate, maxPassRate]; unmeasured prompts are kept. */
  minPassRate?: number;
  maxPassRate?: number;
  /** Only these steps, in registry order (default: every enabled step). */
  steps?: string[];
  /** Steps to leave out. */
  skipSteps?: string[];
  /** Where to write curated.jsonl, removed.jsonl, report.json (optional for programmatic use). */
  outDir?: string;
}

export function ngramSize(options: CurationOptions): number {
  return options.ngram ?? (options.domain === 'math' ? 9 : 14);
}
