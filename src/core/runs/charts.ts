// Which metrics the dashboard draws and how they group into charts. Shared by the host (which only
// ships these columns to the webview) and the webview (which lays the charts out), so both agree.
// Pure data: no DOM, no node.
import { METRIC } from '../protocol/metrics';

export interface SeriesSpec {
  key: string;
  label: string;
  /** Drawn on the right-hand axis (a ratio in [0, 1] next to token counts). */
  rightAxis?: boolean;
}

export interface ChartSpec {
  id: string;
  title: string;
  /** Fixed series; `dynamic` charts add one series per matching metric key as keys appear. */
  series: SeriesSpec[];
  dynamic?: RegExp;
  /** Spread band around series[0]: min/max keys, or a std key (mean ± std). */
  band?: { min: string; max: string } | { std: string };
  /** Fixed y range (held-out accuracy is always in [0, 1]). */
  yRange?: [number, number];
  /** Y range shown at least, widened when the data goes beyond it (a reward stuck at 0 still gets a [0, 1] axis). */
  softYRange?: [number, number];
}

/** `val-core/<source>/<var>/mean@k` — verl's held-out pass@1 (avg@k) per data source. */
export const VAL_CORE_PATTERN = /^val-core\/(.+)\/([^/]+)\/mean@(\d+)$/;

export const CHARTS: readonly ChartSpec[] = [
  {
    id: 'reward', title: 'Reward (critic/score/mean)',
    series: [{ key: METRIC.scoreMean, label: 'score mean' }],
    band: { min: METRIC.scoreMin, max: METRIC.scoreMax },
    softYRange: [0, 1],
  },
  { id: 'heldout', title: 'Held-out pass@1 (val-core)', series: [], dynamic: VAL_CORE_PATTERN, yRange: [0, 1] },
  {
    id: 'length', title: 'Response length',
    series: [
      { key: METRIC.responseLengthMean, label: 'mean' },
      { key: METRIC.responseLengthMax, label: 'max' },
      { key: METRIC.responseLengthClipRatio, label: 'clip ratio', rightAxis: true },
    ],
  },
  { id: 'entropy', title: 'Entropy (actor/entropy)', series: [{ key: METRIC.entropy, label: 'entropy' }] },
  { id: 'gradnorm', title: 'Gradient norm (actor/grad_norm)', series: [{ key: METRIC.gradNorm, label: 'grad norm' }] },
  { id: 'throughput', title: 'Throughput (perf/throughput, tokens/s)', series: [{ key: METRIC.throughput, label: 'tokens/s' }] },
];

const FIXED_KEYS = new Set<string>([METRIC.scoreStd, ...CHARTS.flatMap((c) => [
  ...c.series.map((s) => s.key),
  ...(c.band ? ('std' in c.band ? [c.band.std] : [c.band.min, c.band.max]) : []),
])]);

/** True for a metric some chart draws; other keys are not kept, so 100k steps stay small. */
export function isChartedMetric(key: string): boolean {
  return FIXED_KEYS.has(key) || VAL_CORE_PATTERN.test(key);
}

/** Label of a held-out series: "aime24 (avg@16)". */
export function valCoreLabel(key: string): string {
  const m = VAL_CORE_PATTERN.exec(key);
  return m ? `${m[1]} (avg@${m[3]})` : key;
}

/** The series a chart draws given the metric keys present in a run. */
export function seriesFor(chart: ChartSpec, keys: Iterable<string>): SeriesSpec[] {
  if (!chart.dynamic) return chart.series;
  const found: SeriesSpec[] = [];
  for (const k of keys) if (chart.dynamic.test(k)) found.push({ key: k, label: valCoreLabel(k) });
  return [...chart.series, ...found.sort((a, b) => a.key.localeCompare(b.key))];
}
