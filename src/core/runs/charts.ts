// Which metrics the dashboard draws and how they group into charts. Shared by the host (which only
// ships these columns to the webview) and the webview (which lays the charts out), so both agree.
// Pure data: no DOM, no node. One more chart is one more entry here.
import type { MetricsTableName } from '../protocol/dashboard';
import { METRIC, SFT_METRIC } from '../protocol/metrics';

export interface SeriesSpec {
  key: string;
  label: string;
  /** Drawn on the right-hand axis (a ratio in [0, 1] next to token counts). */
  rightAxis?: boolean;
}

export interface ChartSpec {
  id: string;
  title: string;
  /** Title of the y axis (and of the right-hand axis when a series uses it). */
  yLabel: string;
  rightLabel?: string;
  /** Which of a run's metric files: RL steps (default) or SFT warm-up steps (its own step axis). */
  table?: MetricsTableName;
  /** Fixed series; `dynamic` charts add one series per matching metric key as keys appear. */
  series: SeriesSpec[];
  dynamic?: RegExp;
  /** Fixed y range (held-out accuracy is always in [0, 1]). */
  yRange?: [number, number];
  /** Y range shown at least, widened when the data goes beyond it (a reward stuck at 0 still gets a [0, 1] axis). */
  softYRange?: [number, number];
  /** Log-scale y (a learning rate schedule spans decades). */
  logY?: boolean;
  /** Never smoothed: sparse measurements (held-out evaluations), where an average across them would misstate each one. */
  noSmoothing?: boolean;
}

/** `val-core/<source>/<var>/mean@k` — verl's held-out pass@1 (avg@k) per data source. */
export const VAL_CORE_PATTERN = /^val-core\/(.+)\/([^/]+)\/mean@(\d+)$/;

// No min/max band around the reward: with 0/1 rewards min and max are 0 and 1 at every step, a band
// that says nothing. The smoothing slider is what tames a noisy mean.
export const CHARTS: readonly ChartSpec[] = [
  { id: 'reward', title: 'Reward (critic/score/mean)', yLabel: 'mean reward', series: [{ key: METRIC.scoreMean, label: 'score mean' }], softYRange: [0, 1] },
  { id: 'heldout', title: 'Held-out pass@1 (val-core)', yLabel: 'pass@1', series: [], dynamic: VAL_CORE_PATTERN, yRange: [0, 1], noSmoothing: true },
  {
    id: 'length', title: 'Response length', yLabel: 'tokens', rightLabel: 'clip ratio',
    series: [
      { key: METRIC.responseLengthMean, label: 'mean' },
      { key: METRIC.responseLengthMax, label: 'max' },
      { key: METRIC.responseLengthClipRatio, label: 'clip ratio', rightAxis: true },
    ],
  },
  {
    id: 'zerostd', title: 'Groups with all-equal rewards (frac_reward_zero_std)', yLabel: 'fraction of groups', yRange: [0, 1],
    series: [{ key: METRIC.fracRewardZeroStd, label: 'zero-std groups' }, { key: METRIC.criticFracRewardZeroStd, label: 'zero-std groups' }],
  },
  { id: 'pgloss', title: 'Policy loss (actor/pg_loss)', yLabel: 'loss', series: [{ key: METRIC.pgLoss, label: 'pg loss' }] },
  { id: 'entropy', title: 'Entropy (actor/entropy)', yLabel: 'nats per token', series: [{ key: METRIC.entropy, label: 'entropy' }] },
  { id: 'gradnorm', title: 'Gradient norm (actor/grad_norm)', yLabel: 'L2 norm', series: [{ key: METRIC.gradNorm, label: 'grad norm' }] },
  { id: 'lr', title: 'Learning rate (actor/lr)', yLabel: 'learning rate', series: [{ key: METRIC.lr, label: 'lr' }] },
  { id: 'throughput', title: 'Throughput (perf/throughput)', yLabel: 'tokens/s', series: [{ key: METRIC.throughput, label: 'tokens/s' }] },
  {
    id: 'sft', title: 'SFT warm-up loss (sft/loss)', yLabel: 'cross-entropy', rightLabel: 'learning rate', table: 'sft',
    series: [{ key: SFT_METRIC.loss, label: 'SFT loss' }, { key: SFT_METRIC.lr, label: 'SFT lr', rightAxis: true }],
  },
];

const FIXED_KEYS = new Set<string>(CHARTS.flatMap((c) => c.series.map((s) => s.key)));

/** A held-out set that falls by more than this (pass@1 as a fraction: 2 points) during a stage is commented on. */
export const HELD_OUT_DROP_THRESHOLD = 0.02;

/** `val-aux/<source>/pass@1_change`: what the stage just finished did to a held-out set (the note under the held-out chart). */
export const HELD_OUT_CHANGE_PATTERN = /^val-aux\/(.+)\/pass@1_change$/;

/** True for a metric the dashboard shows (a chart's series or the held-out note); other keys are not kept, so 100k steps stay small. */
export function isChartedMetric(key: string): boolean {
  return FIXED_KEYS.has(key) || VAL_CORE_PATTERN.test(key) || HELD_OUT_CHANGE_PATTERN.test(key);
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
