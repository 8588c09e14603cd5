// Tiny inline-SVG line charts for the self-contained report (no scripts, no external assets).
import { escapeHtml } from './escape';

export interface Series {
  name: string;
  points: { x: number; y: number }[];
  color: string;
}

export interface ChartOptions {
  title: string;
  yLabel?: string;
  /** Vertical markers (stage boundaries), drawn as dashed lines with a label. */
  markers?: { x: number; label: string }[];
  yMin?: number;
  yMax?: number;
  width?: number;
  height?: number;
}

const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2));

export function lineChart(series: readonly Series[], o: ChartOptions): string {
  const W = o.width ?? 640; const H = o.height ?? 240;
  const left = 48; const right = 12; const top = 28; const bottom = 28;
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) return `<figure class="chart"><figcaption>${escapeHtml(o.title)}</figcaption><p>(no data)</p></figure>`;
  const xs = all.map((p) => p.x); const ys = all.map((p) => p.y);
  const x0 = Math.min(...xs); const x1 = Math.max(...xs, x0 + 1);
  let y0 = o.yMin ?? Math.min(...ys); let y1 = o.yMax ?? Math.max(...ys);
  if (y1 - y0 < 1e-9) { y0 -= 0.5; y1 += 0.5; }
  const X = (x: number) => left + ((x - x0) / (x1 - x0)) * (W - left - right);
  const Y = (y: number) => top + (1 - (y - y0) / (y1 - y0)) * (H - top - bottom);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escapeHtml(o.title)}">`);
  parts.push(`<text x="${left}" y="16" class="t">${escapeHtml(o.title)}</text>`);
  for (let i = 0; i <= 4; i++) {
    const v = y0 + ((y1 - y0) * i) / 4;
    parts.push(`<line x1="${left}" x2="${W - right}" y1="${Y(v).toFixed(1)}" y2="${Y(v).toFixed(1)}" class="g"/><text x="${left - 4}" y="${(Y(v) + 4).toFixed(1)}" class="a" text-anchor="end">${escapeHtml(fmt(v))}</text>`);
  }
  parts.push(`<text x="${W - right}" y="${H - 6}" class="a" text-anchor="end">step</text><text x="${left}" y="${H - 6}" class="a">${escapeHtml(fmt(x0))}</text>`);
  for (const m of o.markers ?? []) {
    if (m.x < x0 || m.x > x1) continue;
    parts.push(`<line x1="${X(m.x).toFixed(1)}" x2="${X(m.x).toFixed(1)}" y1="${top}" y2="${H - bottom}" class="m"/><text x="${(X(m.x) + 3).toFixed(1)}" y="${top + 10}" class="a">${escapeHtml(m.label)}</text>`);
  }
  series.forEach((s, i) => {
    const pts = s.points.map((p) => `${X(p.x).toFixed(1)},${Y(p.y).toFixed(1)}`).join(' ');
    parts.push(`<polyline fill="none" stroke="${escapeHtml(s.color)}" stroke-width="1.8" points="${pts}"/>`);
    for (const p of s.points.length <= 24 ? s.points : []) parts.push(`<circle cx="${X(p.x).toFixed(1)}" cy="${Y(p.y).toFixed(1)}" r="2.5" fill="${escapeHtml(s.color)}"/>`);
    parts.push(`<text x="${W - right - 4}" y="${top + 12 + 14 * i}" class="a" text-anchor="end" fill="${escapeHtml(s.color)}">${escapeHtml(s.name)}</text>`);
  });
  parts.push('</svg>');
  return `<figure class="chart">${parts.join('')}</figure>`;
}
