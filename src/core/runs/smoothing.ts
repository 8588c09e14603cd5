// TensorBoard's smoothing (the "Smoothing" slider W&B also offers as "Exponential moving average"):
// a debiased exponential moving average, so the first points are not dragged towards zero. Steps
// with no value (NaN) stay empty and do not move the average. weight 0 = raw, 0.99 = very smooth.
export function emaSmooth(values: ArrayLike<number>, weight: number, out = new Float64Array(values.length)): Float64Array {
  if (!(weight >= 0 && weight < 1)) throw new RangeError(`smoothing weight must be in [0, 1), got ${weight}`);
  let last = 0;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) {
      out[i] = NaN;
      continue;
    }
    last = last * weight + (1 - weight) * v;
    count++;
    out[i] = weight === 0 ? v : last / (1 - weight ** count);
  }
  return out;
}
