// Every step of a run, column by column (Float64Array, NaN = not logged at that step), growing by
// doubling so 100,000 steps append in amortised O(1) and nothing is ever dropped. Pure: used by the
// host and bundled into the dashboard webview.
//
// A step that is not after the last one means the run was resumed from an earlier checkpoint and is
// re-logging those steps: the newer lines win, so the rows from that step on are cut first.
import type { MetricsLine } from '../protocol/metrics';

/** Metrics in transit: `steps[i]` pairs with `columns[key][i]` (null = not logged at that step). */
export interface ColumnarMetrics {
  steps: number[];
  columns: Record<string, (number | null)[]>;
}

export class MetricsTable {
  private stepsBuf = new Float64Array(256);
  private readonly cols = new Map<string, Float64Array>();
  private rows = 0;
  private changes = 0;

  constructor(private readonly keep: (key: string) => boolean = () => true) {}

  get length(): number {
    return this.rows;
  }

  /** Grows with every change to the table: what a cache of values derived from it is keyed on. */
  get version(): number {
    return this.changes;
  }

  get steps(): Float64Array {
    return this.stepsBuf.subarray(0, this.rows);
  }

  keys(): string[] {
    return [...this.cols.keys()];
  }

  has(key: string): boolean {
    return this.cols.has(key);
  }

  /** The column for a key (a view of length `length`), or undefined if never logged. */
  column(key: string): Float64Array | undefined {
    return this.cols.get(key)?.subarray(0, this.rows);
  }

  lastStep(): number | undefined {
    return this.rows ? this.stepsBuf[this.rows - 1] : undefined;
  }

  /** The latest finite value of a key. */
  lastValue(key: string): number | undefined {
    const c = this.cols.get(key);
    if (!c) return undefined;
    for (let i = this.rows - 1; i >= 0; i--) if (!Number.isNaN(c[i])) return c[i];
    return undefined;
  }

  append(line: MetricsLine): void {
    this.changes++;
    const last = this.lastStep();
    if (last !== undefined && line.step <= last) this.truncateFrom(line.step);
    this.ensureCapacity(this.rows + 1);
    const row = this.rows;
    this.stepsBuf[row] = line.step;
    for (const c of this.cols.values()) c[row] = NaN;
    for (const [key, value] of Object.entries(line.data)) {
      if (!this.keep(key)) continue;
      let c = this.cols.get(key);
      if (!c) {
        c = new Float64Array(this.stepsBuf.length).fill(NaN);
        this.cols.set(key, c);
      }
      c[row] = value;
    }
    this.rows++;
  }

  appendColumnar(chunk: ColumnarMetrics): void {
    const entries = Object.entries(chunk.columns);
    for (let i = 0; i < chunk.steps.length; i++) {
      const data: Record<string, number> = {};
      for (const [key, values] of entries) {
        const v = values[i];
        if (v !== null && v !== undefined) data[key] = v;
      }
      this.append({ step: chunk.steps[i], data });
    }
  }

  /** Rows [from, to) as a message payload. */
  toColumnar(from = 0, to = this.rows): ColumnarMetrics {
    const end = Math.min(to, this.rows);
    const start = Math.min(from, end);
    const steps = Array.from(this.stepsBuf.subarray(start, end));
    const columns: Record<string, (number | null)[]> = {};
    for (const [key, c] of this.cols) {
      const out = new Array<number | null>(end - start);
      for (let i = start; i < end; i++) out[i - start] = Number.isNaN(c[i]) ? null : c[i];
      columns[key] = out;
    }
    return { steps, columns };
  }

  clear(): void {
    this.changes++;
    this.rows = 0;
    this.cols.clear();
  }

  private truncateFrom(step: number): void {
    let lo = 0;
    let hi = this.rows;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.stepsBuf[mid] < step) lo = mid + 1; else hi = mid;
    }
    this.rows = lo;
  }

  private ensureCapacity(n: number): void {
    if (n <= this.stepsBuf.length) return;
    let cap = this.stepsBuf.length;
    while (cap < n) cap *= 2;
    const grow = (a: Float64Array, fill: number) => {
      const b = new Float64Array(cap).fill(fill);
      b.set(a.subarray(0, this.rows));
      return b;
    };
    this.stepsBuf = grow(this.stepsBuf, 0);
    for (const [k, c] of this.cols) this.cols.set(k, grow(c, NaN));
  }
}
