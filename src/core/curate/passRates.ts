// Difficulty from rollouts: the trainer reports, per prompt, how many of k rollouts passed. We
// keep those in <workspace>/.acereason/passrates.jsonl (append-only, latest measurement wins) and
// sort prompts into buckets. The recipe's curriculum drops prompts solved more than 6 of 16 times.
// A measurement is identified by (run, stage, prompt): writing it again — a run killed after its
// end-of-stage write and resumed repeats that write — appends nothing, and readers count a
// repeated line once.
import fs from 'node:fs';
import path from 'node:path';
import { appendJsonLine, readJsonLines } from '../util/atomic';
import { parseJsonText } from '../dataset/jsonText';
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
  /** Stage of that run (its name), part of the measurement's identity. */
  stage?: string;
  step?: number;
}

/**
 * The identity of a measurement: a run measures a prompt once per stage (the stage's last step when
 * unnamed). Measurements without a run have none: each is new (latest wins).
 */
export function passRateKey(m: PassRateMeasurement): string | undefined {
  return m.run === undefined ? undefined : JSON.stringify([m.run, m.stage ?? m.step ?? null, m.id]);
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

/**
 * Appends one line per prompt (from the trainer's rollouts, or any evaluator), except measurements
 * whose (run, stage, prompt) the file already holds: repeating a write is a no-op. Returns how many
 * lines were appended.
 */
export function recordPassRates(file: string, measurements: readonly PassRateMeasurement[]): number {
  const time = new Date().toISOString();
  for (const m of measurements) {
    const problem = validate(m);
    if (problem) throw new Error(`pass rate for '${m.id}': ${problem}`);
  }
  const present = new Set(readJsonLines<PassRateMeasurement>(file).records.filter((m) => m && typeof m === 'object').map(passRateKey));
  let appended = 0;
  for (const m of measurements) {
    const key = passRateKey(m);
    if (key !== undefined && present.has(key)) continue;
    present.add(key);
    appendJsonLine(file, { time, ...m }, { fsync: false });
    appended++;
  }
  return appended;
}

export interface LoadedPassRates {
  /** The latest measurement per prompt id. */
  rates: Map<string, PassRateInfo>;
  badLines: RowProblem[];
  /** Distinct (run, stage, prompt) measurements, plus every measurement without a run. */
  measurements: number;
  /** Lines repeating a measurement already read (ignored). */
  duplicates: number;
}

export function loadPassRates(file: string, buckets: readonly DifficultyBucket[] = DEFAULT_BUCKETS): LoadedPassRates {
  const rates = new Map<string, PassRateInfo>();
  const bad: RowProblem[] = [];
  const seen = new Set<string>();
  let unkeyed = 0;
  let duplicates = 0;
  const lines = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n') : [];
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i].trim();
    if (!text) continue;
    const parsed = parseJsonText(text);
    if (!parsed.ok) {
      bad.push({ file, line: i + 1, error: parsed.error });
      continue;
    }
    const m = parsed.value as PassRateMeasurement;
    const problem = m && typeof m === 'object' && !Array.isArray(m) ? validate(m) : 'expected a JSON object';
    if (problem) {
      bad.push({ file, line: i + 1, error: problem });
      continue;
    }
    const key = passRateKey(m);
    if (key === undefined) unkeyed++;
    else if (seen.has(key)) {
      duplicates++;
      continue;
    } else seen.add(key);
    const passRate = m.passes / m.k;
    rates.set(m.id, { ...m, passRate, bucket: difficultyBucket(passRate, buckets) });
  }
  return { rates, badLines: bad, measurements: seen.size + unkeyed, duplicates };
}
