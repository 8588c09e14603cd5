// Numbers on a chart's y axis with as many decimals as the tick spacing needs: 0.25 steps read
// "0.25", a learning rate's 5e-5 steps read "1.5e-4" (uPlot's default prints every one as "0").
export function axisNumber(v: number, incr: number): string {
  if (!Number.isFinite(v)) return '';
  let decimals = 0;
  while (decimals < 12) {
    const scaled = incr * 10 ** decimals;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-6 * Math.max(1, scaled)) break;
    decimals++;
  }
  if (decimals <= 3) return v.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
  if (v === 0) return '0';
  return v.toExponential(Math.max(0, decimals + Math.floor(Math.log10(Math.abs(v)))));
}
