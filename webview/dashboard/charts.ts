// The chart grid: one uPlot per ChartSpec. RL charts share one step axis: drag across any of them to
// zoom all to that step range; double-click or "Reset zoom" to see the whole run (a new run always
// opens unzoomed). The SFT chart has its own axis (SFT steps). Each redraw decimates the visible range
// to a few points per pixel, so 100,000 steps draw as fast as 1,000. With smoothing on, each series
// is drawn smoothed (TensorBoard's debiased EMA over every step, before decimation) over its faint
// raw line. Colours: one run → one colour per series; several runs → one colour per run, the same in
// every chart and in the samples list, with the series of a run told apart by dashes. Stage
// boundaries are yellow dashed lines, a colour no run gets.
import uPlot from 'uplot';
import { CHARTS, seriesFor, type ChartSpec, type SeriesSpec } from '../../src/core/runs/charts';
import type { MetricsTable } from '../../src/core/runs/metricsTable';
import { axisNumber } from '../../src/core/runs/axisNumber';
import { emaSmooth } from '../../src/core/runs/smoothing';
import { layoutStageLabels } from '../../src/core/runs/stageLabels';
import type { StageMark } from '../../src/core/runs/stages';
import { heldOutDrops, renderHeldOutNotes } from './heldOutNotes';
import { buildPlotData, type RunSeries } from './plotData';

export interface ShownRun {
  key: string;
  label: string;
  role: 'primary' | 'compare';
  table: MetricsTable;
  sft: MetricsTable;
  stages: readonly StageMark[];
  /** The run's colour (compare mode), from runColor(its position). */
  color: string;
}

export interface Zoom {
  min: number;
  max: number;
}

const PLOT_HEIGHT = 210;
const CURSOR_SYNC_KEY = 'acereason-dashboard';
/** Rows of stage names above the plot area. */
const STAGE_LANES = 2;
const STAGE_FONT_PX = 10;
const STAGE_LANE_PX = 13;
/** Integer tick steps for the step axis: 1, 2, 5, 10, 20, 50, … */
const INTEGER_INCRS = Array.from({ length: 30 }, (_, i) => [1, 2, 5][i % 3] * 10 ** Math.floor(i / 3));
const DASHES: (number[] | undefined)[] = [undefined, [6, 3], [2, 3], [8, 3, 2, 3]];

function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.body).getPropertyValue(name).trim();
  return v || fallback;
}

/** Series/run colours. Yellow is left out: it marks stage boundaries. */
function palette(): string[] {
  return [
    cssVar('--vscode-charts-blue', '#3794ff'),
    cssVar('--vscode-charts-orange', '#d18616'),
    cssVar('--vscode-charts-green', '#89d185'),
    cssVar('--vscode-charts-purple', '#b180d7'),
    cssVar('--vscode-charts-red', '#f14c4c'),
    '#4ec9b0',
  ];
}

export function runColor(index: number): string {
  const p = palette();
  return p[index % p.length];
}

function stageColor(): string {
  return cssVar('--vscode-charts-yellow', '#cca700');
}

function withAlpha(color: string, alpha: number): string {
  const hex = /^#([0-9a-f]{6})$/i.exec(color);
  if (!hex) return color;
  const n = parseInt(hex[1], 16);
  return `rgba(${n >> 16}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

/** Smoothed columns, recomputed only when the table or the weight changes. */
class SmoothCache {
  private readonly entries = new WeakMap<MetricsTable, Map<string, { version: number; weight: number; values: Float64Array }>>();

  get(table: MetricsTable, key: string, weight: number): Float64Array | undefined {
    const raw = table.column(key);
    if (!raw || weight === 0) return raw;
    let perTable = this.entries.get(table);
    if (!perTable) this.entries.set(table, (perTable = new Map()));
    const hit = perTable.get(key);
    if (hit && hit.version === table.version && hit.weight === weight) return hit.values;
    const values = emaSmooth(raw, weight);
    perTable.set(key, { version: table.version, weight, values });
    return values;
  }
}

interface Layout {
  signature: string;
  runs: RunSeries[];
  series: uPlot.Series[];
  /** uPlot series indices of the faint raw lines (hidden from the legend). */
  rawIndices: number[];
  usesRightAxis: boolean;
}

class ChartView {
  readonly el: HTMLElement;
  private readonly plotEl: HTMLElement;
  private readonly emptyEl: HTMLElement;
  /** Held-out chart only: a note per held-out set that fell by more than 2 points during a stage. */
  private readonly notesEl: HTMLElement | undefined;
  private plot: uPlot | undefined;
  private signature = '';
  private stageMarks: readonly StageMark[] = [];

  constructor(readonly spec: ChartSpec, parent: HTMLElement, private readonly board: ChartBoard) {
    this.el = document.createElement('section');
    this.el.className = 'chart';
    this.el.dataset.chart = spec.id;
    const title = document.createElement('h3');
    title.textContent = spec.title;
    this.plotEl = document.createElement('div');
    this.plotEl.className = 'plot';
    this.emptyEl = document.createElement('div');
    this.emptyEl.className = 'empty';
    this.el.append(title, this.plotEl, this.emptyEl);
    if (spec.id === 'heldout') {
      this.notesEl = document.createElement('div');
      this.notesEl.className = 'held-out-notes';
      this.notesEl.setAttribute('role', 'note');
      this.notesEl.hidden = true;
      this.el.append(this.notesEl);
    }
    parent.append(this.el);
  }

  private tableOf(run: ShownRun): MetricsTable {
    return this.spec.table === 'sft' ? run.sft : run.table;
  }

  private layout(runs: ShownRun[], boardSmoothing: number): Layout {
    const smoothing = this.spec.noSmoothing ? 0 : boardSmoothing;
    const colors = palette();
    const series: uPlot.Series[] = [{ label: this.spec.table === 'sft' ? 'SFT step' : 'step' }];
    const runSeries: RunSeries[] = [];
    const rawIndices: number[] = [];
    const sig: string[] = [`smooth:${smoothing > 0}`];
    const compare = runs.length > 1;
    let usesRightAxis = false;
    let colorIndex = 0;
    runs.forEach((run) => {
      const table = this.tableOf(run);
      const specs: SeriesSpec[] = seriesFor(this.spec, table.keys()).filter((s) => table.has(s.key));
      if (!specs.length) return;
      const prefix = compare ? `${run.label} · ` : '';
      const columns: (Float64Array | undefined)[] = [];
      specs.forEach((s, i) => {
        const color = compare ? run.color : colors[colorIndex++ % colors.length];
        const dash = compare ? DASHES[i % DASHES.length] : undefined;
        const scale = s.rightAxis ? 'right' : 'y';
        if (s.rightAxis) usesRightAxis = true;
        if (smoothing > 0) {
          series.push({ label: `${prefix}${s.label} (raw)`, stroke: withAlpha(color, 0.28), width: 1, spanGaps: true, scale, dash, points: { show: false } });
          rawIndices.push(series.length - 1);
          columns.push(table.column(s.key));
        }
        // uPlot's default shows point markers only where points are sparse: a held-out score
        // logged once stays visible, a dense 100k-step line stays a line.
        series.push({ label: prefix + s.label, stroke: color, width: run.role === 'primary' ? 1.75 : 1.5, spanGaps: true, scale, dash });
        columns.push(this.board.smoothed(table, s.key, smoothing));
      });
      sig.push(`${run.key}:${run.color}:${specs.map((s) => s.key).join(',')}`);
      runSeries.push({ table, columns });
    });
    return { signature: sig.join('|'), runs: runSeries, series, rawIndices, usesRightAxis };
  }

  private create(layout: Layout, width: number): uPlot {
    const fg = cssVar('--vscode-foreground', '#cccccc');
    const grid = withAlpha(cssVar('--vscode-charts-lines', '#808080'), 0.25);
    const font = `11px ${cssVar('--vscode-font-family', 'sans-serif')}`;
    const axis = (scale: string, label: string, side?: number): uPlot.Axis => ({
      scale, stroke: fg, label, labelFont: font, labelSize: 16, font,
      grid: { stroke: grid, width: 1, show: side === undefined || side === 2 }, ticks: { stroke: grid, width: 1 },
      // uPlot fills in a default side only when the key is absent, not when it is undefined.
      ...(side === undefined ? {} : { side }),
    });
    const xAxis: uPlot.Axis = {
      ...axis('x', this.spec.table === 'sft' ? 'SFT step' : 'step'),
      // Steps are whole numbers: ticks at 1, 2, 5 × 10^k only, never "0.5".
      incrs: INTEGER_INCRS, values: (_u, splits) => splits.map((v) => (Number.isInteger(v) ? v.toLocaleString('en-US') : '')),
    };
    const yValues: uPlot.Axis['values'] = (_u, splits, _i, _space, incr) => splits.map((v) => axisNumber(v, incr));
    const axes: uPlot.Axis[] = [xAxis, { ...axis('y', this.spec.yLabel), size: 56, values: yValues }];
    if (layout.usesRightAxis) axes.push({ ...axis('right', this.spec.rightLabel ?? '', 1), size: 56, values: yValues });
    const scales: uPlot.Scales = { x: { time: false } };
    if (this.spec.yRange) scales.y = { range: this.spec.yRange };
    else if (this.spec.softYRange) {
      const [lo, hi] = this.spec.softYRange;
      scales.y = { range: { min: { soft: lo, mode: 1, pad: 0.05 }, max: { soft: hi, mode: 1, pad: 0.05 } } };
    }
    if (layout.usesRightAxis) scales.right = this.spec.table === 'sft' ? {} : { range: [0, 1] };
    const opts: uPlot.Options = {
      width, height: PLOT_HEIGHT, series: layout.series, axes, scales,
      // Room above the plot area for the stage names, so they never sit on a curve or an axis value.
      padding: [STAGE_LANES * STAGE_LANE_PX + 4, 16, 0, 0],
      legend: { show: true, live: true },
      cursor: { sync: { key: CURSOR_SYNC_KEY }, drag: { x: true, y: false, setScale: false } },
      hooks: {
        setSelect: [(u) => {
          if (u.select.width < 4) return;
          const min = u.posToVal(u.select.left, 'x');
          const max = u.posToVal(u.select.left + u.select.width, 'x');
          u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
          if (this.spec.table !== 'sft') this.board.setZoom({ min, max });
        }],
        draw: [(u) => this.drawStages(u)],
      },
    };
    const u = new uPlot(opts, [[]], this.plotEl);
    // What the canvas shows, as attributes the tests (and screen readers' users, via devtools) can read.
    this.el.dataset.axisTitles = JSON.stringify(axes.map((a) => a.label ?? ''));
    this.el.dataset.seriesColors = JSON.stringify(layout.series.slice(1).filter((_, i) => !layout.rawIndices.includes(i + 1)).map((x) => x.stroke));
    const legendRows = u.root.querySelectorAll('.u-legend .u-series');
    for (const i of layout.rawIndices) legendRows[i]?.classList.add('raw-series');
    if (this.spec.table !== 'sft') u.over.addEventListener('dblclick', () => this.board.setZoom(null));
    return u;
  }

  /** Dashed line at each stage start in the visible range; names in rows above the plot area. */
  private drawStages(u: uPlot): void {
    const ctx = u.ctx;
    const { left, top, width, height } = u.bbox;
    const dpr = devicePixelRatio;
    ctx.save();
    ctx.strokeStyle = stageColor();
    ctx.fillStyle = ctx.strokeStyle;
    ctx.lineWidth = Math.max(1, dpr);
    ctx.setLineDash([4 * dpr, 3 * dpr]);
    ctx.font = `${STAGE_FONT_PX * dpr}px ${cssVar('--vscode-font-family', 'sans-serif')}`;
    const lines: { x: number; text: string }[] = [];
    for (const m of this.stageMarks) {
      const x = u.valToPos(m.startStep, 'x', true);
      if (!Number.isFinite(x) || x < left - 0.5 || x > left + width + 0.5) continue;
      ctx.beginPath();
      ctx.moveTo(Math.round(x) + 0.5, top - STAGE_LANES * STAGE_LANE_PX * dpr);
      ctx.lineTo(Math.round(x) + 0.5, top + height);
      ctx.stroke();
      lines.push({ x, text: m.name });
    }
    const labels = layoutStageLabels(lines, { left, right: left + width, lanes: STAGE_LANES, measure: (t) => ctx.measureText(t).width, gap: 3 * dpr });
    ctx.textBaseline = 'bottom';
    ctx.textAlign = 'left';
    const boxes: number[][] = [];
    for (const l of labels) {
      const baseline = top - (STAGE_LANES - 1 - l.lane) * STAGE_LANE_PX * dpr - 3 * dpr;
      ctx.fillText(l.text, l.left, baseline);
      boxes.push([l.left / dpr, (baseline - STAGE_FONT_PX * dpr) / dpr, l.width / dpr, STAGE_FONT_PX]);
    }
    ctx.restore();
    const xTicks = (u.axes[0] as uPlot.Axis & { _values?: unknown[] })._values ?? [];
    this.el.dataset.xTicks = JSON.stringify(xTicks.filter((v) => v !== ''));
    this.el.dataset.stageLines = String(lines.length);
    this.el.dataset.stageLabels = JSON.stringify(labels.map((l) => l.text));
    // CSS-pixel boxes of the names and of the plot area, for the tests that check nothing overlaps.
    this.el.dataset.stageLabelBoxes = JSON.stringify(boxes);
    this.el.dataset.plotBox = JSON.stringify([left / dpr, (top - STAGE_LANES * STAGE_LANE_PX * dpr) / dpr, width / dpr, height / dpr + STAGE_LANES * STAGE_LANE_PX]);
  }

  draw(runs: ShownRun[], zoom: Zoom | null, smoothing: number, crashed: boolean): void {
    const empty = this.spec.table === 'sft' ? 'No SFT warm-up logged for this run' : 'No data yet';
    this.emptyEl.textContent = crashed ? `${empty.replace(' yet', '')} — the run crashed (see above)` : empty;
    const extent = dataExtent(runs.map((r) => this.tableOf(r)));
    // The primary run's drops only: in compare mode, notes for every run would read as one story.
    const primary = runs.find((r) => r.role === 'primary');
    if (this.notesEl) renderHeldOutNotes(this.notesEl, primary ? heldOutDrops(primary.table, primary.stages) : []);
    const layout = this.layout(runs, smoothing);
    const width = Math.max(200, Math.floor(this.el.clientWidth || 400) - 14);
    const hasData = layout.series.length > 1 && extent !== null;
    this.emptyEl.hidden = hasData;
    this.plotEl.hidden = !hasData;
    if (!hasData) {
      this.el.dataset.points = '0';
      this.el.dataset.rows = '0';
      return;
    }
    if (!this.plot || layout.signature !== this.signature) {
      this.plot?.destroy();
      this.plot = this.create(layout, width);
      this.signature = layout.signature;
    } else if (this.plot.width !== width) {
      this.plot.setSize({ width, height: PLOT_HEIGHT });
    }
    const range = (this.spec.table === 'sft' ? null : zoom) ?? extent!;
    const min = range.min === range.max ? range.min - 1 : range.min;
    const max = range.min === range.max ? range.max + 1 : range.max;
    this.stageMarks = this.spec.table !== 'sft' && runs[0]?.role === 'primary' ? runs[0].stages : [];
    const { data, visibleRows } = buildPlotData(layout.runs, min, max, Math.max(50, Math.floor(width / 2)), this.board.decimate);
    const plot = this.plot;
    plot.batch(() => {
      plot.setData(data as uPlot.AlignedData, false);
      plot.setScale('x', { min, max });
    });
    this.el.dataset.points = String(data[0].length);
    this.el.dataset.rows = String(visibleRows);
    this.el.dataset.lastValues = JSON.stringify(data.slice(1).map((col) => {
      for (let i = col.length - 1; i >= 0; i--) if (col[i] !== null) return col[i];
      return null;
    }));
  }

  destroy(): void {
    this.plot?.destroy();
    this.el.remove();
  }
}

export class ChartBoard {
  private readonly views: ChartView[];
  private zoom: Zoom | null = null;
  private smoothingWeight = 0;
  private crashed = false;
  private frame = 0;
  private readonly cache = new SmoothCache();
  /** `<body data-decimate="off">` turns decimation off: only the benchmark's baseline does that. */
  readonly decimate = document.body.dataset.decimate !== 'off';
  onZoomChange: (zoom: Zoom | null) => void = () => {};

  constructor(root: HTMLElement, private readonly runs: () => ShownRun[]) {
    this.views = CHARTS.map((spec) => new ChartView(spec, root, this));
    new ResizeObserver(() => this.invalidate()).observe(root);
  }

  get currentZoom(): Zoom | null {
    return this.zoom;
  }

  get smoothing(): number {
    return this.smoothingWeight;
  }

  setZoom(zoom: Zoom | null): void {
    this.zoom = zoom && zoom.max > zoom.min ? zoom : null;
    this.onZoomChange(this.zoom);
    this.invalidate();
  }

  /** A crashed run's empty charts say so instead of waiting for data ("No data yet"). */
  setCrashed(crashed: boolean): void {
    if (crashed === this.crashed) return;
    this.crashed = crashed;
    this.invalidate();
  }

  setSmoothing(weight: number): void {
    this.smoothingWeight = Math.min(0.99, Math.max(0, weight));
    this.invalidate();
  }

  smoothed(table: MetricsTable, key: string, weight: number): Float64Array | undefined {
    return this.cache.get(table, key, weight);
  }

  /** Redraw on the next animation frame (many updates in one frame draw once). */
  invalidate(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.drawNow();
    });
  }

  drawNow(): void {
    // A named measure shows up in the devtools Performance panel and is what the benchmark reads.
    const start = performance.now();
    const runs = this.runs();
    for (const v of this.views) v.draw(runs, this.zoom, this.smoothingWeight, this.crashed);
    performance.measure('acereason-dashboard-draw', { start, end: performance.now() });
  }
}

function dataExtent(tables: MetricsTable[]): Zoom | null {
  let min = Infinity;
  let max = -Infinity;
  for (const t of tables) {
    const s = t.steps;
    if (!s.length) continue;
    min = Math.min(min, s[0]);
    max = Math.max(max, s[s.length - 1]);
  }
  return min <= max ? { min, max } : null;
}
