// The chart grid: one uPlot per ChartSpec, all sharing one step axis. Drag across any chart to zoom
// every chart to that step range; double-click or "Reset zoom" to see the whole run. Each redraw
// decimates the visible range to a few points per pixel, so 100,000 steps draw as fast as 1,000.
import uPlot from 'uplot';
import { CHARTS, seriesFor, type ChartSpec, type SeriesSpec } from '../../src/core/runs/charts';
import type { MetricsTable } from '../../src/core/runs/metricsTable';
import type { StageMark } from '../../src/core/runs/stages';
import { buildPlotData, type RunSeries } from './plotData';

export interface ShownRun {
  key: string;
  label: string;
  role: 'primary' | 'compare';
  table: MetricsTable;
  stages: readonly StageMark[];
}

export interface Zoom {
  min: number;
  max: number;
}

const PLOT_HEIGHT = 190;
const CURSOR_SYNC_KEY = 'acereason-dashboard';

function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.body).getPropertyValue(name).trim();
  return v || fallback;
}

function palette(): string[] {
  return [
    cssVar('--vscode-charts-blue', '#3794ff'),
    cssVar('--vscode-charts-orange', '#d18616'),
    cssVar('--vscode-charts-green', '#89d185'),
    cssVar('--vscode-charts-purple', '#b180d7'),
    cssVar('--vscode-charts-red', '#f14c4c'),
    cssVar('--vscode-charts-yellow', '#cca700'),
  ];
}

function withAlpha(color: string, alpha: number): string {
  const hex = /^#([0-9a-f]{6})$/i.exec(color);
  if (!hex) return color;
  const n = parseInt(hex[1], 16);
  return `rgba(${n >> 16}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

interface Layout {
  signature: string;
  runs: RunSeries[];
  series: uPlot.Series[];
  bands: uPlot.Band[];
  usesRatioAxis: boolean;
}

class ChartView {
  readonly el: HTMLElement;
  private readonly plotEl: HTMLElement;
  private readonly emptyEl: HTMLElement;
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
    this.emptyEl.textContent = 'No data yet';
    this.el.append(title, this.plotEl, this.emptyEl);
    parent.append(this.el);
  }

  private layout(runs: ShownRun[]): Layout {
    const colors = palette();
    const series: uPlot.Series[] = [{ label: 'step' }];
    const bands: uPlot.Band[] = [];
    const runSeries: RunSeries[] = [];
    const sig: string[] = [];
    let usesRatioAxis = false;
    let colorIndex = 0;
    runs.forEach((run, r) => {
      const keysPresent = run.table.keys();
      let specs: SeriesSpec[] = seriesFor(this.spec, keysPresent).filter((s) => run.table.has(s.key));
      if (run.role === 'compare') specs = specs.filter((s) => !s.rightAxis);
      if (!specs.length) return;
      const prefix = runs.length > 1 ? `${run.label} · ` : '';
      const rs: RunSeries = { table: run.table, keys: specs.map((s) => s.key), derived: [] };
      for (const s of specs) {
        const color = colors[colorIndex++ % colors.length];
        if (s.rightAxis) usesRatioAxis = true;
        series.push({
          label: prefix + s.label, stroke: color, width: r === 0 ? 1.5 : 1.25, spanGaps: true,
          scale: s.rightAxis ? 'ratio' : 'y', dash: run.role === 'compare' ? [6, 3] : undefined,
          // uPlot's default shows point markers only where points are sparse: a held-out score
          // logged once stays visible, a dense 100k-step line stays a line.
        });
      }
      sig.push(`${run.key}:${rs.keys.join(',')}`);
      const band = this.spec.band;
      if (band && run.role === 'primary' && rs.keys[0] === this.spec.series[0]?.key) {
        const fill = withAlpha(colors[0], 0.18);
        const hidden = { stroke: 'transparent', width: 0, spanGaps: true, points: { show: false } } as const;
        if ('min' in band && run.table.has(band.min) && run.table.has(band.max)) {
          rs.keys.push(band.max, band.min);
          series.push({ ...hidden, label: `${prefix}max` }, { ...hidden, label: `${prefix}min` });
          bands.push({ series: [series.length - 2, series.length - 1], fill });
          sig.push('band:minmax');
        } else {
          const std = 'std' in band ? band.std : 'critic/score/std';
          if (run.table.has(std)) {
            rs.derived!.push({ from: rs.keys[0], plus: std, sign: 1 }, { from: rs.keys[0], plus: std, sign: -1 });
            series.push({ ...hidden, label: `${prefix}+std` }, { ...hidden, label: `${prefix}−std` });
            bands.push({ series: [series.length - 2, series.length - 1], fill });
            sig.push('band:std');
          }
        }
      }
      runSeries.push(rs);
    });
    return { signature: sig.join('|'), runs: runSeries, series, bands, usesRatioAxis };
  }

  private create(layout: Layout, width: number): uPlot {
    const fg = cssVar('--vscode-foreground', '#cccccc');
    const grid = withAlpha(cssVar('--vscode-charts-lines', '#808080'), 0.25);
    const axis = (scale: string, side?: number): uPlot.Axis => ({
      scale, stroke: fg, grid: { stroke: grid, width: 1, show: side === undefined }, ticks: { stroke: grid, width: 1 },
      font: `11px ${cssVar('--vscode-font-family', 'sans-serif')}`,
      // uPlot fills in a default side only when the key is absent, not when it is undefined.
      ...(side === undefined ? {} : { side }),
    });
    const axes: uPlot.Axis[] = [axis('x'), axis('y')];
    if (layout.usesRatioAxis) axes.push(axis('ratio', 1));
    const scales: uPlot.Scales = { x: { time: false } };
    if (this.spec.yRange) scales.y = { range: this.spec.yRange };
    else if (this.spec.softYRange) {
      const [lo, hi] = this.spec.softYRange;
      scales.y = { range: { min: { soft: lo, mode: 1, pad: 0.05 }, max: { soft: hi, mode: 1, pad: 0.05 } } };
    }
    if (layout.usesRatioAxis) scales.ratio = { range: [0, 1] };
    const opts: uPlot.Options = {
      width, height: PLOT_HEIGHT, series: layout.series, bands: layout.bands, axes, scales,
      legend: { show: true, live: true },
      cursor: { sync: { key: CURSOR_SYNC_KEY }, drag: { x: true, y: false, setScale: false } },
      hooks: {
        setSelect: [(u) => {
          if (u.select.width < 4) return;
          const min = u.posToVal(u.select.left, 'x');
          const max = u.posToVal(u.select.left + u.select.width, 'x');
          u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
          this.board.setZoom({ min, max });
        }],
        draw: [(u) => this.drawStages(u)],
      },
    };
    const u = new uPlot(opts, [[]], this.plotEl);
    u.over.addEventListener('dblclick', () => this.board.setZoom(null));
    return u;
  }

  /** Vertical dashed line and name at each stage start inside the visible range. */
  private drawStages(u: uPlot): void {
    const ctx = u.ctx;
    const { left, top, width, height } = u.bbox;
    let drawn = 0;
    ctx.save();
    ctx.strokeStyle = cssVar('--vscode-charts-yellow', '#cca700');
    ctx.fillStyle = ctx.strokeStyle;
    ctx.lineWidth = Math.max(1, devicePixelRatio);
    ctx.setLineDash([4 * devicePixelRatio, 3 * devicePixelRatio]);
    ctx.font = `${10 * devicePixelRatio}px sans-serif`;
    for (const m of this.stageMarks) {
      const x = u.valToPos(m.startStep, 'x', true);
      if (!Number.isFinite(x) || x < left - 0.5 || x > left + width + 0.5) continue;
      ctx.beginPath();
      ctx.moveTo(Math.round(x) + 0.5, top);
      ctx.lineTo(Math.round(x) + 0.5, top + height);
      ctx.stroke();
      // Stages a few steps apart would print their names on top of each other: stagger them.
      ctx.fillText(m.name, x + 3 * devicePixelRatio, top + (11 + 11 * (drawn % 3)) * devicePixelRatio);
      drawn++;
    }
    ctx.restore();
    this.el.dataset.stageLines = String(drawn);
  }

  draw(runs: ShownRun[], zoom: Zoom | null, extent: Zoom | null): void {
    const layout = this.layout(runs);
    const width = Math.max(200, Math.floor(this.el.clientWidth || 400) - 4);
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
    const range = zoom ?? extent!;
    const min = range.min === range.max ? range.min - 1 : range.min;
    const max = range.min === range.max ? range.max + 1 : range.max;
    this.stageMarks = runs[0]?.role === 'primary' ? runs[0].stages : [];
    const { data, visibleRows } = buildPlotData(layout.runs, min, max, Math.max(50, Math.floor(width / 2)), this.board.decimate);
    const plot = this.plot;
    plot.batch(() => {
      plot.setData(data as uPlot.AlignedData, false);
      plot.setScale('x', { min, max });
    });
    this.el.dataset.points = String(data[0].length);
    this.el.dataset.rows = String(visibleRows);
  }

  destroy(): void {
    this.plot?.destroy();
    this.el.remove();
  }
}

export class ChartBoard {
  private readonly views: ChartView[];
  private zoom: Zoom | null = null;
  private frame = 0;
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

  setZoom(zoom: Zoom | null): void {
    this.zoom = zoom && zoom.max > zoom.min ? zoom : null;
    this.onZoomChange(this.zoom);
    this.invalidate();
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
    const extent = dataExtent(runs);
    for (const v of this.views) v.draw(runs, this.zoom, extent);
    performance.measure('acereason-dashboard-draw', { start, end: performance.now() });
  }
}

function dataExtent(runs: ShownRun[]): Zoom | null {
  let min = Infinity;
  let max = -Infinity;
  for (const r of runs) {
    const s = r.table.steps;
    if (!s.length) continue;
    min = Math.min(min, s[0]);
    max = Math.max(max, s[s.length - 1]);
  }
  return min <= max ? { min, max } : null;
}
