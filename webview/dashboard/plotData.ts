// Turns runs' full metric tables into the few thousand points a chart draws for the visible step
// range: min-max decimation per run, then a merge of the runs' step axes so uPlot gets one x array.
import { minMaxIndices, visibleRange } from '../../src/core/runs/downsample';
import type { MetricsTable } from '../../src/core/runs/metricsTable';

export interface RunSeries {
  table: MetricsTable;
  /** Full-length columns to draw from this run (raw or smoothed); undefined yields an all-null series. */
  columns: (Float64Array | undefined)[];
}

export type PlotColumns = [number[], ...(number | null)[][]];

export interface PlotResult {
  data: PlotColumns;
  /** Rows in the runs' tables that fall in the visible range (all of them when not zoomed). */
  visibleRows: number;
}

/**
 * @param buckets  roughly the plot width in pixels; each bucket keeps ≤ 4 rows per series.
 * @param decimate false draws every row (the baseline the benchmark compares against).
 */
export function buildPlotData(runs: RunSeries[], xMin: number, xMax: number, buckets: number, decimate = true): PlotResult {
  const perRun: { xs: number[]; ys: (number | null)[][] }[] = [];
  let visibleRows = 0;
  for (const run of runs) {
    const steps = run.table.steps;
    const [lo, hi] = visibleRange(steps, xMin, xMax);
    visibleRows += hi - lo;
    const present = run.columns.filter((c): c is Float64Array => !!c);
    let idx: ArrayLike<number>;
    if (decimate) idx = minMaxIndices(present, lo, hi, buckets);
    else {
      const all = new Uint32Array(hi - lo);
      for (let i = 0; i < all.length; i++) all[i] = lo + i;
      idx = all;
    }
    const xs = new Array<number>(idx.length);
    for (let i = 0; i < idx.length; i++) xs[i] = steps[idx[i]];
    const ys = run.columns.map((c) => {
      const out = new Array<number | null>(idx.length);
      for (let i = 0; i < idx.length; i++) {
        const v = c ? c[idx[i]] : NaN;
        out[i] = Number.isNaN(v) ? null : v;
      }
      return out;
    });
    perRun.push({ xs, ys });
  }
  if (perRun.length === 1) return { data: [perRun[0].xs, ...perRun[0].ys], visibleRows };
  return { data: mergeOnX(perRun), visibleRows };
}

/** Union of sorted x arrays; each run's columns are spread onto it with null where it has no row. */
export function mergeOnX(parts: { xs: number[]; ys: (number | null)[][] }[]): PlotColumns {
  const all: number[] = [];
  for (const p of parts) for (const x of p.xs) all.push(x);
  all.sort((a, b) => a - b);
  const xs: number[] = [];
  for (const x of all) if (xs.length === 0 || xs[xs.length - 1] !== x) xs.push(x);
  const out: PlotColumns = [xs];
  for (const p of parts) {
    const aligned = p.ys.map(() => new Array<number | null>(xs.length).fill(null));
    let j = 0;
    for (let i = 0; i < p.xs.length; i++) {
      while (xs[j] < p.xs[i]) j++;
      for (let s = 0; s < p.ys.length; s++) aligned[s][j] = p.ys[s][i];
    }
    out.push(...aligned);
  }
  return out;
}
