// Follows runs/<id>/samples.jsonl: keeps the latest `capacity` valid samples (the dashboard shows the
// latest ones; the file keeps them all). Invalid lines are reported with their line number.
import { SampleRecord } from '../protocol/trainer';
import { describeZodError } from '../protocol/trainer';
import { JsonlTail } from './jsonlTail';
import type { BadLine } from './metricsFile';
import { stageMarksOfSamples, type StageMark } from './stages';

export interface SamplesUpdate {
  samples: SampleRecord[];
  restarted: boolean;
  badLines: BadLine[];
  /** Stage starts seen in every valid line read, including lines older than the kept `capacity`. */
  stageStarts: StageMark[];
}

export class SamplesFile {
  private readonly tail: JsonlTail;
  private kept: SampleRecord[] = [];

  constructor(readonly file: string, readonly capacity = 500) {
    this.tail = new JsonlTail(file);
  }

  /** The latest samples, oldest first. */
  get latest(): readonly SampleRecord[] {
    return this.kept;
  }

  poll(): SamplesUpdate {
    const { lines, restarted } = this.tail.read();
    if (restarted) this.kept = [];
    const out: SamplesUpdate = { samples: [], restarted, badLines: [], stageStarts: [] };
    for (const l of lines) {
      let raw: unknown;
      try {
        raw = JSON.parse(l.text);
      } catch (e) {
        out.badLines.push({ file: this.file, line: l.line, error: `not JSON (${(e as Error).message})` });
        continue;
      }
      const parsed = SampleRecord.safeParse(raw);
      if (!parsed.success) {
        out.badLines.push({ file: this.file, line: l.line, error: describeZodError(parsed.error) });
        continue;
      }
      out.samples.push(parsed.data);
    }
    out.stageStarts = stageMarksOfSamples(out.samples);
    if (out.samples.length) {
      this.kept = this.kept.concat(out.samples);
      if (this.kept.length > this.capacity) this.kept = this.kept.slice(this.kept.length - this.capacity);
      if (out.samples.length > this.capacity) out.samples = out.samples.slice(out.samples.length - this.capacity);
    }
    return out;
  }
}
