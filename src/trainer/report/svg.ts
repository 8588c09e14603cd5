// Tiny inline-SVG line charts for the self-contained report (no scripts, no external assets): a
// legend row with colour swatches under the title, stage names in rows above the plot area (placed
// by the dashboard's own layout, so they never overlap each other or the axis values), whole-number
// step ticks on a titled x axis.
import { layoutStageLabels } from '../../core/runs/stageLabels';
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
/** Width of 10 px system-ui text, estimated (no fonts to measure with on the server). */
const textWidth = (t: string) => t.length * 6;
const STAGE_LANES = 2;
const LANE = 12;

/** Whole-number ticks from x0 to x1 at 1, 2 or 5 × 10^k, at most about `max` of them. */
export function integerTicks(x0: number, x1: number, max = 8): number[] {
  const span = Math.max(1, x1 - x0);
  let step = 1;
  for (let k = 0; ; k++) {
    const s = [1, 2, 5][k % 3] * 10 ** Math.floor(k / 3);
    if (span / s <= max) { step = s; break; }
  }
  const ticks: number[] = [];
  for (let t = Math.ceil(x0 / step) * step; t <= x1 + 1e-9; t += step) ticks.push(t);
  return ticks;
}

export function lineChart(series: readonly Series[], o: ChartOptions): string {
  const W = o.width ?? 640; const H = o.height ?? 260;
  const legendY = 34;
  const left = 52; const right = 12; const top = legendY + 10 + STAGE_LANES * LANE; const bottom = 36;
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
  // Legend: a swatch and the name per series, in a row of its own under the title.
  let lx = left;
  for (const s of series) {
    parts.push(`<rect x="${lx}" y="${legendY - 9}" width="14" height="4" fill="${escapeHtml(s.color)}" class="swatch"/><text x="${lx + 18}" y="${legendY - 4}" class="a">${escapeHtml(s.name)}</text>`);
    lx += 18 + textWidth(s.name) + 16;
  }
  for (let i = 0; i <= 4; i++) {
    const v = y0 + ((y1 - y0) * i) / 4;
    parts.push(`<line x1="${left}" x2="${W - right}" y1="${Y(v).toFixed(1)}" y2="${Y(v).toFixed(1)}" class="g"/><text x="${left - 4}" y="${(Y(v) + 4).toFixed(1)}" class="a" text-anchor="end">${escapeHtml(fmt(v))}</text>`);
  }
  for (const t of integerTicks(x0, x1)) {
    parts.push(`<line x1="${X(t).toFixed(1)}" x2="${X(t).toFixed(1)}" y1="${H - bottom}" y2="${H - bottom + 4}" class="g"/><text x="${X(t).toFixed(1)}" y="${H - bottom + 14}" class="a tick" text-anchor="middle">${t}</text>`);
  }
  parts.push(`<text x="${(left + W - right) / 2}" y="${H - 4}" class="a xtitle" text-anchor="middle">step</text>`);
  if (o.yLabel) parts.push(`<text transform="translate(12 ${(top + H - bottom) / 2}) rotate(-90)" class="a" text-anchor="middle">${escapeHtml(o.yLabel)}</text>`);
  const shownMarkers = (o.markers ?? []).filter((m) => m.x >= x0 && m.x <= x1);
  for (const m of shownMarkers) parts.push(`<line x1="${X(m.x).toFixed(1)}" x2="${X(m.x).toFixed(1)}" y1="${top - STAGE_LANES * LANE}" y2="${H - bottom}" class="m"/>`);
  const labels = layoutStageLabels(shownMarkers.map((m) => ({ x: X(m.x), text: m.label })), { left, right: W - right, lanes: STAGE_LANES, measure: textWidth, gap: 3 });
  for (const l of labels) parts.push(`<text x="${l.left.toFixed(1)}" y="${top - (STAGE_LANES - 1 - l.lane) * LANE - 3}" class="a stage">${escapeHtml(l.text)}</text>`);
  for (const s of series) {
    const pts = s.points.map((p) => `${X(p.x).toFixed(1)},${Y(p.y).toFixed(1)}`).join(' ');
    parts.push(`<polyline fill="none" stroke="${escapeHtml(s.color)}" stroke-width="1.8" points="${pts}"/>`);
    for (const p of s.points.length <= 24 ? s.points : []) parts.push(`<circle cx="${X(p.x).toFixed(1)}" cy="${Y(p.y).toFixed(1)}" r="2.5" fill="${escapeHtml(s.color)}"/>`);
  }
  parts.push('</svg>');
  return `<figure class="chart">${parts.join('')}</figure>`;
}
