// Everything a dashboard shows about one source — a run folder or a bare verl metrics JSONL — read
// from disk and followed as it grows. The host keeps one feed per shown source; poll() returns only
// what changed, snapshot() everything (after a webview reload).
import fs from 'node:fs';
import path from 'node:path';
import type { DashboardSource, RunInfo } from '../protocol/dashboard';
import type { SampleRecord } from '../protocol/trainer';
import { runPaths } from './layout';
import { MetricsFile, type BadLine } from './metricsFile';
import type { ColumnarMetrics } from './metricsTable';
import { deriveRunStatus, isPidAlive, readStatusFile, type StatusFile } from './runStatus';
import { SamplesFile } from './samplesFile';
import { StageTracker, type StageMark } from './stages';
import type { MetricsLine } from '../protocol/metrics';

export interface FeedDelta {
  /** The file was replaced or truncated: the receiver must start over from a snapshot. */
  restarted: boolean;
  metrics?: ColumnarMetrics;
  samples: SampleRecord[];
  stages?: StageMark[];
  status?: StatusFile;
  badLines: BadLine[];
}

/** Rows of metric lines as columns (null where a line lacks a key). */
export function linesToColumnar(lines: readonly MetricsLine[]): ColumnarMetrics {
  const steps = lines.map((l) => l.step);
  const columns: Record<string, (number | null)[]> = {};
  lines.forEach((l, i) => {
    for (const [k, v] of Object.entries(l.data)) {
      let c = columns[k];
      if (!c) columns[k] = c = new Array<number | null>(lines.length).fill(null);
      c[i] = v;
    }
  });
  return { steps, columns };
}

export function sourceKey(source: DashboardSource): string {
  return source.kind === 'run' ? path.join(source.runsDir, source.runId) : path.resolve(source.file);
}

export function sourceLabel(source: DashboardSource): string {
  return source.kind === 'run' ? source.runId : path.basename(source.file);
}

export class RunFeed {
  readonly key: string;
  readonly label: string;
  readonly metrics: MetricsFile;
  readonly samples: SamplesFile | undefined;
  readonly stages = new StageTracker();
  private readonly statusPath: string | undefined;
  private statusStamp = '';
  status: StatusFile | undefined;

  constructor(readonly source: DashboardSource, samplesCapacity = 300) {
    this.key = sourceKey(source);
    this.label = sourceLabel(source);
    if (source.kind === 'run') {
      const p = runPaths(source.runsDir, source.runId);
      this.metrics = new MetricsFile(p.metrics);
      this.samples = new SamplesFile(p.samples, samplesCapacity);
      this.statusPath = p.status;
    } else {
      this.metrics = new MetricsFile(source.file);
    }
  }

  info(role: RunInfo['role'], activeHere = false): RunInfo {
    // status.json says "running" forever after a kill -9: ask whether its process is still alive.
    const status = activeHere ? 'running'
      : this.status ? deriveRunStatus({ statusFile: { kind: 'ok', value: this.status }, activeHere, pidAlive: this.status.pid !== undefined ? isPidAlive(this.status.pid) : undefined })
      : 'unknown';
    return { key: this.key, label: this.label, role, status };
  }

  poll(): FeedDelta {
    const m = this.metrics.poll();
    const s = this.samples?.poll();
    const delta: FeedDelta = {
      restarted: m.restarted || !!s?.restarted,
      samples: s?.samples ?? [],
      badLines: [...m.badLines, ...(s?.badLines ?? [])],
    };
    if (m.lines.length) delta.metrics = linesToColumnar(m.lines);
    let stagesChanged = this.stages.addAll(delta.samples.map((x) => ({ name: x.stage, startStep: x.step })));
    const status = this.readStatusIfChanged();
    if (status) {
      this.status = status;
      delta.status = status;
      if (status.stages) stagesChanged = this.stages.addAll(status.stages) || stagesChanged;
    }
    if (stagesChanged) delta.stages = [...this.stages.all];
    return delta;
  }

  /** Records a stage start the trainer announced; true when the marks changed. */
  addStage(name: string, startStep: number): boolean {
    return this.stages.add(name, startStep);
  }

  /** Everything read so far: metrics in chunks of at most `chunkRows` rows. */
  snapshot(chunkRows = 20_000): { metrics: ColumnarMetrics[]; stages: StageMark[]; samples: SampleRecord[] } {
    const table = this.metrics.table;
    const metrics: ColumnarMetrics[] = [];
    for (let from = 0; from < table.length; from += chunkRows) metrics.push(table.toColumnar(from, from + chunkRows));
    return { metrics, stages: [...this.stages.all], samples: [...(this.samples?.latest ?? [])] };
  }

  private readStatusIfChanged(): StatusFile | undefined {
    if (!this.statusPath) return undefined;
    let stamp: string;
    try {
      const st = fs.statSync(this.statusPath);
      stamp = `${st.ino}:${st.size}:${st.mtimeMs}`;
    } catch {
      return undefined;
    }
    if (stamp === this.statusStamp) return undefined;
    this.statusStamp = stamp;
    const read = readStatusFile(this.statusPath);
    return read.kind === 'ok' ? read.value : undefined;
  }
}
