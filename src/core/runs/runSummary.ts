// One line per run for the Runs view: status, stage, step, best held-out pass@1. Metrics files are
// followed incrementally (a MetricsFile per run), so refreshing the tree never re-reads 100k lines.
import fs from 'node:fs';
import path from 'node:path';
import { METRIC } from '../protocol/metrics';
import { VAL_CORE_PATTERN } from './charts';
import { runPaths } from './layout';
import { MetricsFile } from './metricsFile';
import { SamplesFile } from './samplesFile';
import { deriveRunStatus, isPidAlive, readStatusFile, type DisplayStatus } from './runStatus';

export interface BestPassAt1 {
  /** Mean over the held-out sources logged at that step. */
  value: number;
  step: number;
  sources: string[];
}

export interface RunSummary {
  runId: string;
  dir: string;
  status: DisplayStatus;
  detail?: string;
  stage?: string;
  lastStep?: number;
  lastReward?: number;
  best?: BestPassAt1;
  hasCheckpoint: boolean;
  /** Problems found while reading (invalid status.json, bad metrics lines), each naming file and line. */
  problems: string[];
}

/** Run ids under runsDir, newest first (ids start with a UTC timestamp). */
export function listRunIds(runsDir: string): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(runsDir, { withFileTypes: true });
  } catch {
    return [];
  }
  // Seed-group and ablation report folders (group.json) sit beside runs but are not runs.
  return entries.filter((e) => e.isDirectory() && !e.name.startsWith('.') && !e.name.includes('.tmp-') && !fs.existsSync(path.join(runsDir, e.name, 'group.json')))
    .map((e) => e.name).sort().reverse();
}

/** Best mean held-out pass@1 over the steps where val-core metrics were logged. */
export function bestPassAt1(table: MetricsFile['table']): BestPassAt1 | undefined {
  const keys = table.keys().filter((k) => VAL_CORE_PATTERN.test(k));
  if (!keys.length) return undefined;
  const cols = keys.map((k) => table.column(k)!);
  const steps = table.steps;
  let best: BestPassAt1 | undefined;
  for (let i = 0; i < steps.length; i++) {
    let sum = 0;
    const sources: string[] = [];
    cols.forEach((c, j) => {
      if (!Number.isNaN(c[i])) { sum += c[i]; sources.push(VAL_CORE_PATTERN.exec(keys[j])![1]); }
    });
    if (!sources.length) continue;
    const value = sum / sources.length;
    if (!best || value > best.value) best = { value, step: steps[i], sources };
  }
  return best;
}

export function hasCheckpoint(runDir: string): boolean {
  try {
    return fs.readdirSync(path.join(runDir, 'checkpoints')).some((n) => !n.includes('.tmp-') && !n.includes('.old-'));
  } catch {
    return false;
  }
}

/** Reads run summaries, keeping one incremental metrics reader per run between calls. */
export class RunSummaries {
  private readonly readers = new Map<string, MetricsFile>();
  private readonly sampleReaders = new Map<string, SamplesFile>();

  summarize(runsDir: string, runId: string, activeRunId: string | undefined, now = Date.now()): RunSummary {
    const paths = runPaths(runsDir, runId);
    const problems: string[] = [];
    let reader = this.readers.get(paths.metrics);
    if (!reader) this.readers.set(paths.metrics, (reader = new MetricsFile(paths.metrics)));
    const update = reader.poll();
    for (const b of update.badLines.slice(0, 3)) problems.push(`${b.file}:${b.line}: ${b.error}`);
    let metricsAgeMs: number | undefined;
    try { metricsAgeMs = now - fs.statSync(paths.metrics).mtimeMs; } catch { /* no metrics yet */ }
    const statusFile = readStatusFile(paths.status);
    if (statusFile.kind === 'invalid') problems.push(statusFile.error);
    const pid = statusFile.kind === 'ok' ? statusFile.value.pid : undefined;
    const status = deriveRunStatus({
      statusFile, activeHere: activeRunId === runId, metricsAgeMs,
      pidAlive: pid !== undefined && pid !== process.pid ? isPidAlive(pid) : undefined,
    });
    let samples = this.sampleReaders.get(paths.samples);
    if (!samples) this.sampleReaders.set(paths.samples, (samples = new SamplesFile(paths.samples, 1)));
    samples.poll();
    const stageFromFile = statusFile.kind === 'ok' ? statusFile.value.stage ?? statusFile.value.stages?.at(-1)?.name : undefined;
    return {
      runId, dir: paths.dir, status,
      detail: statusFile.kind === 'ok' ? statusFile.value.detail ?? undefined : undefined,
      stage: stageFromFile ?? samples.latest.at(-1)?.stage,
      lastStep: reader.table.lastStep(),
      lastReward: reader.table.lastValue(METRIC.scoreMean),
      best: bestPassAt1(reader.table),
      hasCheckpoint: hasCheckpoint(paths.dir),
      problems,
    };
  }

  summarizeAll(runsDir: string, activeRunId: string | undefined): RunSummary[] {
    const ids = listRunIds(runsDir);
    const live = new Set(ids.map((id) => runPaths(runsDir, id).metrics));
    for (const k of this.readers.keys()) if (!live.has(k)) this.readers.delete(k);
    const liveSamples = new Set(ids.map((id) => runPaths(runsDir, id).samples));
    for (const k of this.sampleReaders.keys()) if (!liveSamples.has(k)) this.sampleReaders.delete(k);
    return ids.map((id) => this.summarize(runsDir, id, activeRunId));
  }
}
