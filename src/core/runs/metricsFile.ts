// Follows a metrics JSONL file (ours or any verl file-logger output) as it grows, folding each new
// line into a MetricsTable. Bad lines are reported with file and line number and skipped.
import { isChartedMetric } from './charts';
import { JsonlTail } from './jsonlTail';
import { MetricsTable, type ColumnarMetrics } from './metricsTable';
import { parseMetricsLine } from './verlJsonl';
import type { MetricsLine } from '../protocol/metrics';

export interface BadLine {
  file: string;
  line: number;
  error: string;
}

export interface MetricsUpdate {
  /** The new lines as read (every key), in file order. */
  lines: MetricsLine[];
  /**
   * The table rows these lines produced, in the very shape (and with the very keys) of a snapshot:
   * from the first row they touched (a resumed run re-logging earlier steps cuts the table there) to
   * the end. Undefined when nothing was appended.
   */
  appended?: ColumnarMetrics;
  /** The file was replaced or truncated: the table was cleared before these lines. */
  restarted: boolean;
  badLines: BadLine[];
}

export class MetricsFile {
  readonly table: MetricsTable;
  private readonly tail: JsonlTail;

  constructor(readonly file: string, keep: (key: string) => boolean = isChartedMetric) {
    this.table = new MetricsTable(keep);
    this.tail = new JsonlTail(file);
  }

  /** Reads what was appended since the last call. */
  poll(): MetricsUpdate {
    const { lines, restarted } = this.tail.read();
    if (restarted) this.table.clear();
    const out: MetricsUpdate = { lines: [], restarted, badLines: [] };
    let firstRow = Infinity;
    for (const l of lines) {
      const parsed = parseMetricsLine(l.text);
      if (!parsed.ok) {
        out.badLines.push({ file: this.file, line: l.line, error: parsed.error });
        continue;
      }
      this.table.append(parsed.value);
      firstRow = Math.min(firstRow, this.table.length - 1);
      out.lines.push(parsed.value);
    }
    if (out.lines.length) out.appended = this.table.toColumnar(firstRow);
    return out;
  }
}
