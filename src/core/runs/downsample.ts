// Downsampling for drawing: a chart never needs more than a couple of points per pixel column, so a
// 100,000-step history is reduced to the rows that carry each bucket's minimum and maximum
// (min-max decimation keeps every spike visible, unlike averaging or striding). Data is never
// dropped — only what is handed to the canvas. Pure functions on typed arrays (browser and node).

/** First index with xs[i] >= x (xs sorted ascending). */
export function lowerBound(xs: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] < x) lo = mid + 1; else hi = mid;
  }
  return lo;
}

/**
 * Row range [lo, hi) covering x in [xMin, xMax], widened by one row each side so the lines run
 * to the plot edges when zoomed in.
 */
export function visibleRange(xs: ArrayLike<number>, xMin: number, xMax: number): [number, number] {
  const lo = Math.max(0, lowerBound(xs, xMin) - 1);
  const hi = Math.min(xs.length, upperBound(xs, xMax) + 1);
  return [lo, Math.max(lo, hi)];
}

/** First index with xs[i] > x (xs sorted ascending). */
export function upperBound(xs: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] <= x) lo = mid + 1; else hi = mid;
  }
  return lo;
}

/**
 * Indices (ascending, unique) of the rows to draw from [lo, hi): for each of `buckets` equal
 * slices of the range, the first and last finite row and the rows holding the min and max of every
 * series. NaN values are skipped. If the range has no more rows than 4×buckets, all rows are kept.
 */
export function minMaxIndices(ys: readonly ArrayLike<number>[], lo: number, hi: number, buckets: number): Uint32Array {
  const n = hi - lo;
  if (n <= 0) return new Uint32Array(0);
  if (buckets < 1) throw new RangeError(`buckets must be at least 1, got ${buckets}`);
  if (n <= buckets * 4) {
    const all = new Uint32Array(n);
    for (let i = 0; i < n; i++) all[i] = lo + i;
    return all;
  }
  const picked = new Uint8Array(n);
  const size = n / buckets;
  for (let b = 0; b < buckets; b++) {
    const start = lo + Math.floor(b * size);
    const end = b === buckets - 1 ? hi : lo + Math.floor((b + 1) * size);
    for (const y of ys) {
      let minI = -1;
      let maxI = -1;
      let firstI = -1;
      let lastI = -1;
      for (let i = start; i < end; i++) {
        const v = y[i];
        if (v !== v) continue;
        if (firstI < 0) firstI = i;
        lastI = i;
        if (minI < 0 || v < y[minI]) minI = i;
        if (maxI < 0 || v > y[maxI]) maxI = i;
      }
      if (firstI >= 0) {
        picked[firstI - lo] = 1;
        picked[lastI - lo] = 1;
        picked[minI - lo] = 1;
        picked[maxI - lo] = 1;
      }
    }
  }
  let count = 0;
  for (let i = 0; i < n; i++) count += picked[i];
  const out = new Uint32Array(count);
  for (let i = 0, j = 0; i < n; i++) if (picked[i]) out[j++] = lo + i;
  return out;
}

/** Largest-triangle-three-buckets: `threshold` rows of (xs, ys) that keep the shape of the line. */
export function lttbIndices(xs: ArrayLike<number>, ys: ArrayLike<number>, threshold: number): Uint32Array {
  const n = xs.length;
  if (threshold >= n || threshold < 3) {
    const all = new Uint32Array(n);
    for (let i = 0; i < n; i++) all[i] = i;
    return all;
  }
  const out = new Uint32Array(threshold);
  const every = (n - 2) / (threshold - 2);
  let a = 0;
  out[0] = 0;
  for (let i = 0; i < threshold - 2; i++) {
    const avgStart = Math.floor((i + 1) * every) + 1;
    const avgEnd = Math.min(Math.floor((i + 2) * every) + 1, n);
    let avgX = 0;
    let avgY = 0;
    for (let j = avgStart; j < avgEnd; j++) { avgX += xs[j]; avgY += ys[j]; }
    const len = Math.max(1, avgEnd - avgStart);
    avgX /= len;
    avgY /= len;
    const start = Math.floor(i * every) + 1;
    const end = Math.floor((i + 1) * every) + 1;
    let best = start;
    let bestArea = -1;
    for (let j = start; j < end; j++) {
      const area = Math.abs((xs[a] - avgX) * (ys[j] - ys[a]) - (xs[a] - xs[j]) * (avgY - ys[a]));
      if (area > bestArea) { bestArea = area; best = j; }
    }
    out[i + 1] = best;
    a = best;
  }
  out[threshold - 1] = n - 1;
  return out;
}
