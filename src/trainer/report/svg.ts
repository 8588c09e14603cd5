// Tiny inline-SVG line charts for the self-contained report (no scripts, no external assets): a
// legend row with colour swatches under the title, stage names in rows above the plot area (placed
// by the dashboard's own layout, so they never overlap each other or the axis values), whole-number
// step ticks on a titled x axis. Sparse series (evaluations) can carry ± sd whiskers and have their
// values written beside the points, so a reader sees "38.9 → 61.2" without hovering.
import { layoutStageLabels } from '../../core/runs/stageLabels';
import { escapeHtml } from './escape';

/** The dashboard's default smoothing, so a report's reward curve reads like the dashboard's. */
export const REPORT_SMOOTHING = 0.6;

export interface ChartPoint {
  x: number;
  y: number;
  /** Spread drawn as a whisker from y − sd to y + sd (mean ± sd over seeds). */
  sd?: number;
}

export interface Series {
  name: string;
  points: ChartPoint[];
  color: string;
  /** Drawn thin and translucent: the raw curve under its smoothed one. */
  faint?: boolean;
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
  /** The figure's id (the report's sections link to their charts). */
  id?: string;
  /** Writes each point's value beside it (series with at most 24 points), e.g. `(v) => v.toFixed(1)`. */
  valueLabel?: (y: number) => string;
}

const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2));

/** Y-axis values: as many decimals as the tick spacing needs (0, 25, 50 or 0.00, 0.25), else `fmt`. */
function tickFormat(step: number): (v: number) => string {
  for (let d = 0; d <= 2; d++) {
    const scaled = step * 10 ** d;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-9 && Math.round(scaled) > 0) return (v) => v.toFixed(d);
  }
  return fmt;
}
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
  const figure = (body: string) => `<figure class="chart"${o.id ? ` id="${escapeHtml(o.id)}"` : ''}>${body}</figure>`;
  const all = series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  if (all.length === 0) return figure(`<figcaption>${escapeHtml(o.title)}</figcaption><p>(no data)</p>`);
  const spread = (p: ChartPoint) => (p.sd !== undefined && Number.isFinite(p.sd) ? p.sd : 0);
  const xs = all.map((p) => p.x);
  let x0 = Math.min(...xs); const x1 = Math.max(...xs, x0 + 1);
  // A stage starting at the first logged step has its boundary half a step before it: keep it in view.
  for (const m of o.markers ?? []) if (m.x < x0 && m.x >= x0 - 1) x0 = m.x;
  let y0 = o.yMin ?? Math.min(...all.map((p) => p.y - spread(p))); let y1 = o.yMax ?? Math.max(...all.map((p) => p.y + spread(p)));
  if (y1 - y0 < 1e-9) { y0 -= 0.5; y1 += 0.5; }
  // Values written beside the end points need room clear of the y axis's numbers and the edge.
  const inset = o.valueLabel ? 16 : 0;
  const X = (x: number) => left + inset + ((x - x0) / (x1 - x0)) * (W - left - right - 2 * inset);
  const Y = (y: number) => top + (1 - (Math.min(y1, Math.max(y0, y)) - y0) / (y1 - y0)) * (H - top - bottom);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escapeHtml(o.title)}">`);
  parts.push(`<text x="${left}" y="16" class="t">${escapeHtml(o.title)}</text>`);
  // Legend: a swatch and the name per series, in a row of its own under the title.
  let lx = left;
  for (const s of series) {
    parts.push(`<rect x="${lx}" y="${legendY - 9}" width="14" height="4" fill="${escapeHtml(s.color)}"${s.faint ? ' opacity="0.35"' : ''} class="swatch"/><text x="${lx + 18}" y="${legendY - 4}" class="a">${escapeHtml(s.name)}</text>`);
    lx += 18 + textWidth(s.name) + 16;
  }
  const yText = tickFormat((y1 - y0) / 4);
  for (let i = 0; i <= 4; i++) {
    const v = y0 + ((y1 - y0) * i) / 4;
    parts.push(`<line x1="${left}" x2="${W - right}" y1="${Y(v).toFixed(1)}" y2="${Y(v).toFixed(1)}" class="g"/><text x="${left - 4}" y="${(Y(v) + 4).toFixed(1)}" class="a" text-anchor="end">${escapeHtml(yText(v))}</text>`);
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
  const sparse = (s: Series) => !s.faint && s.points.length <= 24;
  const valueText = (p: ChartPoint) => {
    const v = o.valueLabel ?? fmt;
    return spread(p) > 0 ? `${v(p.y)} ± ${v(p.sd!)}` : v(p.y);
  };
  for (const s of series) {
    const color = escapeHtml(s.color);
    const pts = s.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
    const line = pts.map((p) => `${X(p.x).toFixed(1)},${Y(p.y).toFixed(1)}`).join(' ');
    parts.push(s.faint
      ? `<polyline fill="none" stroke="${color}" stroke-opacity="0.35" stroke-width="1" points="${line}"/>`
      : `<polyline fill="none" stroke="${color}" stroke-width="1.8" points="${line}"/>`);
    if (!sparse(s)) continue;
    for (const p of pts) {
      const cx = X(p.x).toFixed(1);
      if (spread(p) > 0) {
        const hi = Y(p.y + spread(p)).toFixed(1); const lo = Y(p.y - spread(p)).toFixed(1);
        parts.push(`<path d="M${cx} ${hi}V${lo}M${(X(p.x) - 3).toFixed(1)} ${hi}h6M${(X(p.x) - 3).toFixed(1)} ${lo}h6" stroke="${color}" stroke-width="1.2" fill="none" class="sd"/>`);
      }
      parts.push(`<circle cx="${cx}" cy="${Y(p.y).toFixed(1)}" r="2.5" fill="${color}" class="pt"><title>${escapeHtml(`${s.name} at step ${p.x}: ${valueText(p)}`)}</title></circle>`);
    }
  }
  if (o.valueLabel) parts.push(...valueLabels(series.filter(sparse), o.valueLabel, { X, Y, top, bottom: H - bottom, spread }));
  parts.push('</svg>');
  return figure(parts.join(''));
}

/**
 * Each point's value beside it: at every x the highest point's label goes above it (above its
 * whisker), the others' below, pushed apart so two close values never print over each other; a
 * white halo keeps a stage line or a curve crossing the text from hiding it.
 */
function valueLabels(
  series: readonly Series[], format: (y: number) => string,
  g: { X: (x: number) => number; Y: (y: number) => number; top: number; bottom: number; spread: (p: ChartPoint) => number },
): string[] {
  const byX = new Map<number, { p: ChartPoint; color: string }[]>();
  for (const s of series) {
    for (const p of s.points) {
      if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) continue;
      byX.set(p.x, [...(byX.get(p.x) ?? []), { p, color: s.color }]);
    }
  }
  const out: string[] = [];
  const LINE = 11;
  for (const [x, here] of byX) {
    here.sort((a, b) => b.p.y - a.p.y);
    let below = -Infinity;
    here.forEach(({ p, color }, i) => {
      const baseline = i === 0
        ? Math.max(g.top + LINE - 2, g.Y(p.y + g.spread(p)) - 5)
        : Math.min(g.bottom - 2, (below = Math.max(below + LINE, g.Y(p.y - g.spread(p)) + LINE + 1)));
      out.push(`<text x="${g.X(x).toFixed(1)}" y="${baseline.toFixed(1)}" class="val" font-size="10" font-weight="600" text-anchor="middle" fill="${escapeHtml(color)}" stroke="#fff" stroke-width="3" paint-order="stroke">${escapeHtml(format(p.y))}</text>`);
    });
  }
  return out;
}
