// Difficulty from rollouts: the trainer reports, per prompt, how many of k rollouts passed. We
// keep those in <workspace>/.acereason/passrates.jsonl (append-only, latest measurement wins) and
// sort prompts into buckets. The recipe's curriculum drops prompts solved more than 6 of 16 times.
import path from 'node:path';
import { appendJsonLine, readJsonLines } from '../util/atomic';
import { acereasonDir } from '../runs/layout';
import type { RowProblem } from '../dataset/errors';

export function passRatesFile(workspace: string): string {
  return path.join(acereasonDir(workspace), 'passrates.jsonl');
}

export interface PassRateMeasurement {
  id: string;
  /** Rollouts that earned reward 1. */
  passes: number;
  /** Rollouts sampled. */
  k: number;
  time?: string;
  /** Run that measured it, for provenance. */
  run?: string;
  step?: number;
}

export interface DifficultyBucket {
  name: string;
  /** Inclusive upper bound on the pass rate. Buckets are checked in order. */
  maxPassRate: number;
}

/** 0 solved, at most 1/4, at most 6/16 (the paper's curriculum cut), below all, all solved. */
export const DEFAULT_BUCKETS: readonly DifficultyBucket[] = [
  { name: 'unsolved', maxPassRate: 0 },
  { name: 'hard', maxPassRate: 0.25 },
  { name: 'medium', maxPassRate: 6 / 16 },
  { name: 'easy', maxPassRate: 1 - 1e-9 },
  { name: 'solved', maxPassRate: 1 },
];

export interface PassRateInfo extends PassRateMeasurement {
  passRate: number;
  bucket: string;
}

export function difficultyBucket(passRate: number, buckets: readonly DifficultyBucket[] = DEFAULT_BUCKETS): string {
  for (const b of buckets) if (passRate <= b.maxPassRate) return b.name;
  return buckets[buckets.length - 1].name;
}

function validate(m: PassRateMeasurement): string | undefined {
  if (typeof m.id !== 'string' || !m.id) return "field 'id': expected a non-empty string";
  if (!Number.isInteger(m.k) || m.k <= 0) return "field 'k': expected a positive integer";
  if (!Number.isInteger(m.passes) || m.passes < 0 || m.passes > m.k) return "field 'passes': expected an integer in 0..k";
  return undefined;
}

/** Appends one line per prompt (from the trainer's rollouts, or any evaluator). */
export function recordPassRates(file: string, measurements: readonly PassRateMeasurement[]): void {
  const time = new Date().toISOString();
  for (const m of measurements) {
    const problem = validate(m);
    if (problem) throw new Error(`pass rate for '${m.id}': ${problem}`);
    appendJsonLine(file, { time, ...m }, { fsync: false });
  }
}

export function loadPassRates(file: string, buckets: readonly DifficultyBucket[] = DEFAULT_BUCKETS): { rates: Map<string, PassRateInfo>; badLines: RowProblem[] } {
  const { records, badLines } = readJsonLines<PassRateMeasurement>(file);
  const rates = new Map<string, PassRateInfo>();
  const bad: RowProblem[] = badLines.map((b) => ({ file, line: b.line, error: b.error }));
  let line = 0;
  for (const m of records) {
    line++;
    const problem = validate(m);
    if (problem) {
      bad.push({ file, line, error: problem });
      continue;
    }
    const passRate = m.passes / m.k;
    rates.set(m.id, { ...m, passRate, bucket: difficultyBucket(passRate, buckets) });
  }
  return { rates, badLines: bad };
}
