// Everything a run records, in one place: metrics.jsonl (verl's file-logger shape), samples.jsonl,
// events.log, status.json; metrics and events are also sent to the host. Append-only files; status is atomic.
// On resume the append-only files are cut back to the line counts saved with the checkpoint, so a
// resumed run's files equal an uninterrupted run's.
import fs from 'node:fs';
import type { MetricsLine } from '../../core/protocol/metrics';
import type { SampleRecord, TrainerMessage } from '../../core/protocol/trainer';
import type { RunPaths } from '../../core/runs/layout';
import { appendJsonLine, readJsonLines, writeFileAtomic, writeJsonAtomic } from '../../core/util/atomic';
import type { RunContext } from '../context';

export interface LogPositions {
  metricsLines: number;
  samplesLines: number;
}

export class RunLog {
  private metricsLines = 0;
  private samplesLines = 0;

  constructor(readonly paths: RunPaths, readonly runId: string, private readonly ctx: RunContext) {}

  emit(msg: TrainerMessage): void {
    this.ctx.emit(msg);
  }

  event(message: string, level: 'info' | 'warn' | 'error' = 'info'): void {
    fs.mkdirSync(this.paths.dir, { recursive: true });
    fs.appendFileSync(this.paths.events, `${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} ${message.replace(/\n/g, '\n    ')}\n`);
    this.ctx.log(level, message);
  }

  metrics(step: number, data: Record<string, number>): void {
    const clean: Record<string, number> = {};
    for (const [k, v] of Object.entries(data)) if (Number.isFinite(v)) clean[k] = v;
    const line: MetricsLine = { step, data: clean };
    appendJsonLine(this.paths.metrics, line);
    this.metricsLines++;
    this.ctx.emit({ type: 'metrics', runId: this.runId, step, data: clean });
  }

  /** samples.jsonl only: readers follow the run folder (the protocol carries liveness, not samples). */
  sample(sample: SampleRecord): void {
    appendJsonLine(this.paths.samples, sample);
    this.samplesLines++;
  }

  status(status: string, extra: Record<string, unknown> = {}): void {
    writeJsonAtomic(this.paths.status, { status, ...extra, time: new Date().toISOString(), pid: process.pid });
  }

  positions(): LogPositions {
    return { metricsLines: this.metricsLines, samplesLines: this.samplesLines };
  }

  /** Cuts metrics.jsonl / samples.jsonl back to a checkpoint's positions (atomic rewrite). */
  restore(pos: LogPositions): void {
    this.metricsLines = cutJsonl(this.paths.metrics, pos.metricsLines);
    this.samplesLines = cutJsonl(this.paths.samples, pos.samplesLines);
  }

  readMetrics(): MetricsLine[] {
    return readJsonLines<MetricsLine>(this.paths.metrics).records;
  }
}

function cutJsonl(file: string, keep: number): number {
  const { records } = readJsonLines(file);
  const kept = records.slice(0, keep);
  if (kept.length !== records.length || fs.existsSync(file)) {
    writeFileAtomic(file, kept.map((r) => JSON.stringify(r) + '\n').join(''));
  }
  return kept.length;
}
