// Everything a dashboard shows about one source — a run folder or a bare verl metrics JSONL — read
// from disk and followed as it grows. The run folder is the source of truth: metrics, SFT metrics,
// samples, stages and the run's state (status.json plus whether the pid in it is alive) all come from
// it, so a CLI run, an extension run and a mirrored verl run look the same. The host keeps one feed
// per shown source; poll() returns only what changed, snapshot() everything, in the same shapes.
import fs from 'node:fs';
import path from 'node:path';
import type { DashboardSource, HostToDashboard, RunInfo } from '../protocol/dashboard';
import type { MetricsLine } from '../protocol/metrics';
import type { SampleRecord } from '../protocol/trainer';
import { runPaths } from './layout';
import { MetricsFile, type BadLine } from './metricsFile';
import type { ColumnarMetrics } from './metricsTable';
import { runLabel } from './runLabel';
import { isPidAlive, readStatusFile, type StatusFile } from './runStatus';
import { SamplesFile } from './samplesFile';
import { StageTracker, type StageMark } from './stages';

export type RunProgress = Omit<Extract<HostToDashboard, { type: 'progress' }>, 'type' | 'key'>;

export interface FeedDelta {
  /** The file was replaced or truncated: the receiver must start over from a snapshot. */
  restarted: boolean;
  metrics?: ColumnarMetrics;
  sftMetrics?: ColumnarMetrics;
  samples: SampleRecord[];
  stages?: StageMark[];
  /** The run's state when it changed (status, stage, step; error and log tail once crashed). */
  progress?: RunProgress;
  badLines: BadLine[];
}

export interface FeedSnapshot {
  metrics: ColumnarMetrics[];
  sftMetrics: ColumnarMetrics[];
  stages: StageMark[];
  samples: SampleRecord[];
  progress?: RunProgress;
}

/** Lines of events.log shown under a crash. */
const LOG_TAIL_LINES = 20;

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

/**
 * What the dashboard says about a run, from status.json alone: a file that says the run is alive
 * while its pid is gone means the process died without a word (kill -9, OOM): that is a crash.
 */
export function progressFromStatus(file: StatusFile | undefined, pidAlive: boolean | undefined, readLogTail: () => string[]): RunProgress {
  if (!file) return { status: 'unknown' };
  const alive = file.status === 'running' || file.status === 'starting' || file.status === 'stopping';
  const vanished = alive && pidAlive === false;
  const status = vanished ? 'crashed' : file.status;
  const out: RunProgress = { status };
  if (file.stage) out.stage = file.stage;
  if (file.step !== undefined) out.step = file.step;
  if (typeof file.totalSteps === 'number' && Number.isInteger(file.totalSteps) && file.totalSteps >= 0) out.totalSteps = file.totalSteps;
  if (status === 'running' && (typeof file.etaSeconds === 'number' || file.etaSeconds === null)) out.etaSeconds = file.etaSeconds as number | null;
  const detail = file.detail ?? (vanished ? `the trainer process (pid ${file.pid}) is gone without writing a final status` : undefined);
  if (detail) out.detail = detail.slice(0, 4000);
  if (status === 'crashed') out.logTail = readLogTail();
  return out;
}

/** The last lines of a text file (reads at most its last 64 KB). */
export function tailLines(file: string, count: number): string[] {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const size = fs.fstatSync(fd).size;
    const len = Math.min(size, 64 * 1024);
    const buf = Buffer.alloc(len);
    fs.readSync(fd, buf, 0, len, size - len);
    const lines = buf.toString('utf8').split('\n');
    if (len < size) lines.shift(); // the first line is cut
    while (lines.length && lines[lines.length - 1] === '') lines.pop();
    return lines.slice(-count).map((l) => l.slice(0, 2000));
  } catch {
    return [];
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

export class RunFeed {
  readonly key: string;
  readonly metrics: MetricsFile;
  readonly sftMetrics: MetricsFile | undefined;
  readonly samples: SamplesFile | undefined;
  readonly stages = new StageTracker();
  private readonly statusPath: string | undefined;
  private readonly eventsPath: string | undefined;
  private readonly configPath: string | undefined;
  private statusStamp = '';
  private lastProgress = '';
  private named: { label: string; detail?: string } | undefined;
  status: StatusFile | undefined;
  progress: RunProgress | undefined;

  constructor(readonly source: DashboardSource, samplesCapacity = 300) {
    this.key = sourceKey(source);
    if (source.kind === 'run') {
      const p = runPaths(source.runsDir, source.runId);
      this.metrics = new MetricsFile(p.metrics);
      this.sftMetrics = new MetricsFile(p.sftMetrics);
      this.samples = new SamplesFile(p.samples, samplesCapacity);
      this.statusPath = p.status;
      this.eventsPath = p.events;
      this.configPath = p.config;
    } else {
      this.metrics = new MetricsFile(source.file);
    }
  }

  /** recipe · model · seed once config.json is readable; the run id (or file name) until then. */
  get label(): string {
    return this.name().label;
  }

  info(role: RunInfo['role'], activeHere = false): RunInfo {
    const status = this.progress && this.progress.status !== 'unknown' ? this.progress.status : activeHere ? 'starting' : 'unknown';
    const { label, detail } = this.name();
    return { key: this.key, label, ...(detail ? { detail } : {}), role, status };
  }

  poll(): FeedDelta {
    const m = this.metrics.poll();
    const sft = this.sftMetrics?.poll();
    const s = this.samples?.poll();
    const delta: FeedDelta = {
      restarted: m.restarted || !!s?.restarted || !!sft?.restarted,
      samples: s?.samples ?? [],
      badLines: [...m.badLines, ...(sft?.badLines ?? []), ...(s?.badLines ?? [])],
    };
    if (m.appended) delta.metrics = m.appended;
    if (sft?.appended) delta.sftMetrics = sft.appended;
    let stagesChanged = this.stages.addAll(s?.stageStarts ?? []);
    const status = this.readStatusIfChanged();
    if (status) {
      this.status = status;
      if (status.stages) stagesChanged = this.stages.addAll(status.stages) || stagesChanged;
    }
    if (stagesChanged) delta.stages = [...this.stages.all];
    const progress = this.readProgress();
    if (progress) delta.progress = progress;
    return delta;
  }

  /** Everything read so far: metrics in chunks of at most `chunkRows` rows. */
  snapshot(chunkRows = 20_000): FeedSnapshot {
    const chunks = (file: MetricsFile | undefined) => {
      const out: ColumnarMetrics[] = [];
      const table = file?.table;
      if (table) for (let from = 0; from < table.length; from += chunkRows) out.push(table.toColumnar(from, from + chunkRows));
      return out;
    };
    return {
      metrics: chunks(this.metrics), sftMetrics: chunks(this.sftMetrics), stages: [...this.stages.all],
      samples: [...(this.samples?.latest ?? [])], progress: this.progress,
    };
  }

  private name(): { label: string; detail?: string } {
    if (this.named) return this.named;
    const fallback = { label: sourceLabel(this.source) };
    if (!this.configPath) return (this.named = { label: fallback.label, detail: this.key });
    let config: unknown;
    try {
      config = JSON.parse(fs.readFileSync(this.configPath, 'utf8'));
    } catch {
      return fallback; // not written yet: ask again next time
    }
    const label = runLabel(config);
    return (this.named = label ? { label, detail: sourceLabel(this.source) } : fallback);
  }

  /** The run's state, when it differs from what was last returned (pid liveness is checked every time). */
  private readProgress(): RunProgress | undefined {
    if (!this.statusPath) return undefined;
    const pid = this.status?.pid;
    const alive = pid === undefined || pid === process.pid ? undefined : isPidAlive(pid);
    const next = progressFromStatus(this.status, alive, () => (this.eventsPath ? tailLines(this.eventsPath, LOG_TAIL_LINES) : []));
    const stamp = JSON.stringify(next);
    if (stamp === this.lastProgress) return undefined;
    this.lastProgress = stamp;
    this.progress = next;
    return next;
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
