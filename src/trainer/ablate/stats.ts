// Mean and sample standard deviation over seeds (n − 1 in the denominator, as the paper's and
// every ML table's "± sd" over a handful of seeds; one value has no spread, reported as NaN).
export interface MeanSd {
  mean: number;
  sd: number;
  n: number;
}

export function meanSd(values: readonly number[]): MeanSd {
  const xs = values.filter((v) => Number.isFinite(v));
  const n = xs.length;
  if (n === 0) return { mean: NaN, sd: NaN, n: 0 };
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { mean, sd: NaN, n };
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  return { mean, sd, n };
}

/** "36.7 ± 4.0" in points from fractions; "–" for nothing. */
export function formatPoints(m: MeanSd): string {
  if (!Number.isFinite(m.mean)) return '–';
  return Number.isFinite(m.sd) ? `${(100 * m.mean).toFixed(1)} ± ${(100 * m.sd).toFixed(1)}` : (100 * m.mean).toFixed(1);
}
