// Summary statistics for per-step metrics (verl's critic/score/{mean,max,min}, response_length/*).
export interface Summary {
  mean: number;
  max: number;
  min: number;
  std: number;
}

export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) return { mean: 0, max: 0, min: 0, std: 0 };
  let sum = 0;
  let max = -Infinity;
  let min = Infinity;
  for (const v of values) { sum += v; if (v > max) max = v; if (v < min) min = v; }
  const mean = sum / values.length;
  const variance = values.reduce((a, v) => a + (v - mean) * (v - mean), 0) / values.length;
  return { mean, max, min, std: Math.sqrt(variance) };
}
