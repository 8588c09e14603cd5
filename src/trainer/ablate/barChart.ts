// Grouped bars with ± sd whiskers (inline SVG, no scripts) for reports over seeds: one group per
// row (before RL, after math RL, …) or per variant, one bar per measure, a legend with swatches.
import { escapeHtml } from '../report/escape';

export interface BarGroup {
  label: string;
  /** One value per series (same order as `series`), in the chart's unit; NaN draws no bar. */
  values: { mean: number; sd: number }[];
}

export interface BarChartOptions {
  title: string;
  yLabel: string;
  series: { name: string; color: string }[];
  yMax?: number;
  width?: number;
  height?: number;
}

export function barChart(groups: readonly BarGroup[], o: BarChartOptions): string {
  const W = o.width ?? 720; const H = o.height ?? 280;
  const left = 52; const right = 12; const top = 30; const bottom = 46;
  const tops = groups.flatMap((g) => g.values.map((v) => v.mean + (Number.isFinite(v.sd) ? v.sd : 0))).filter(Number.isFinite);
  const yMax = o.yMax ?? Math.max(1, ...tops) * 1.05;
  const Y = (v: number) => top + (1 - Math.max(0, Math.min(v, yMax)) / yMax) * (H - top - bottom);
  const groupWidth = (W - left - right) / Math.max(1, groups.length);
  const barWidth = (groupWidth * 0.75) / Math.max(1, o.series.length);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escapeHtml(o.title)}">`);
  parts.push(`<text x="${left}" y="16" class="t">${escapeHtml(o.title)}</text>`);
  for (let i = 0; i <= 4; i++) {
    const v = (yMax * i) / 4;
    parts.push(`<line x1="${left}" x2="${W - right}" y1="${Y(v).toFixed(1)}" y2="${Y(v).toFixed(1)}" class="g"/><text x="${left - 4}" y="${(Y(v) + 4).toFixed(1)}" class="a" text-anchor="end">${v.toFixed(0)}</text>`);
  }
  parts.push(`<text transform="translate(12 ${((top + H - bottom) / 2).toFixed(0)}) rotate(-90)" class="a" text-anchor="middle">${escapeHtml(o.yLabel)}</text>`);
  groups.forEach((g, gi) => {
    const x0 = left + gi * groupWidth + groupWidth * 0.125;
    g.values.forEach((v, si) => {
      if (!Number.isFinite(v.mean)) return;
      const x = x0 + si * barWidth;
      const color = escapeHtml(o.series[si]?.color ?? '#888');
      parts.push(`<rect x="${x.toFixed(1)}" y="${Y(v.mean).toFixed(1)}" width="${(barWidth - 2).toFixed(1)}" height="${(Y(0) - Y(v.mean)).toFixed(1)}" fill="${color}"><title>${escapeHtml(`${o.series[si]?.name}: ${v.mean.toFixed(1)}${Number.isFinite(v.sd) ? ` ± ${v.sd.toFixed(1)}` : ''}`)}</title></rect>`);
      if (Number.isFinite(v.sd) && v.sd > 0) {
        const cx = (x + (barWidth - 2) / 2).toFixed(1);
        parts.push(`<line x1="${cx}" x2="${cx}" y1="${Y(v.mean + v.sd).toFixed(1)}" y2="${Y(v.mean - v.sd).toFixed(1)}" stroke="#222" stroke-width="1.2"/>`);
      }
    });
    parts.push(`<text x="${(x0 + (groupWidth * 0.75) / 2).toFixed(1)}" y="${H - bottom + 14}" class="a" text-anchor="middle">${escapeHtml(g.label)}</text>`);
  });
  // Legend under the axis labels, with swatches, so it never covers a bar.
  let lx = left;
  for (const s of o.series) {
    parts.push(`<rect x="${lx}" y="${H - 16}" width="10" height="10" fill="${escapeHtml(s.color)}"/><text x="${lx + 14}" y="${H - 7}" class="a">${escapeHtml(s.name)}</text>`);
    lx += 24 + 6.2 * s.name.length;
  }
  parts.push('</svg>');
  return `<figure class="chart">${parts.join('')}</figure>`;
}
