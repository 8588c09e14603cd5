// The dashboard webview: validates every host message, keeps each shown run's full metric history
// (MetricsTable, one for RL steps and one for SFT steps), and redraws the charts and the samples pane
// from it. The header and the crash banner say what the run folder says (status.json via the host).
import { parseHostToDashboard, type DashboardState, type DashboardToHost, type HostToDashboard, type RunInfo } from '../../src/core/protocol/dashboard';
import { isChartedMetric } from '../../src/core/runs/charts';
import { MetricsTable } from '../../src/core/runs/metricsTable';
import { StageTracker, stageMarksOfSamples } from '../../src/core/runs/stages';
import { ChartBoard, runColor, type ShownRun } from './charts';
import { renderModelLine } from './modelHeader';
import { SamplesPane } from './samples';

interface VsCodeApi {
  postMessage(message: DashboardToHost): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

interface RunState {
  info: RunInfo;
  table: MetricsTable;
  sft: MetricsTable;
  stages: StageTracker;
}

const DEFAULT_SMOOTHING = 0.6;
/** Charted keys, plus the per-stage held-out changes the note under the held-out chart reads. */
const vscode = acquireVsCodeApi();
const runs = new Map<string, RunState>();
let order: string[] = [];
let persisted: DashboardState | undefined;
let nextRequestId = 1;

function byId<T extends HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`dashboard markup is missing #${id}`);
  return e as T;
}

const titleEl = byId('run-title');
const detailEl = byId('run-detail');
const statusEl = byId('run-status');
const modelEl = byId('run-model');
const noticeEl = byId('notice');
const compareList = byId('compare-list');
const zoomLabel = byId('zoom-label');
const smoothingInput = byId<HTMLInputElement>('smoothing');
const smoothingValue = byId('smoothing-value');
const crashBanner = byId('crash-banner');

const shownRuns = (): ShownRun[] => order.map((k, i) => ({ r: runs.get(k)!, i })).filter((x) => x.r).map(({ r, i }) => ({
  key: r.info.key, label: r.info.label, role: r.info.role, table: r.table, sft: r.sft, stages: r.stages.all, color: runColor(i),
}));

const board = new ChartBoard(byId('charts'), shownRuns);
board.onZoomChange = (z) => { zoomLabel.textContent = z ? `steps ${Math.round(z.min)}–${Math.round(z.max)}` : 'all steps'; };
board.onZoomChange(null);

function setSmoothing(weight: number): void {
  board.setSmoothing(weight);
  smoothingInput.value = String(board.smoothing);
  smoothingValue.textContent = board.smoothing.toFixed(2);
  if (persisted) vscode.setState({ ...persisted, smoothing: board.smoothing });
}
const saved = vscode.getState() as { smoothing?: unknown } | undefined;
setSmoothing(typeof saved?.smoothing === 'number' ? saved.smoothing : DEFAULT_SMOOTHING);
smoothingInput.addEventListener('input', () => setSmoothing(Number(smoothingInput.value)));

const samples = new SamplesPane(byId('samples-pane'), {
  open: (s) => vscode.postMessage({ type: 'openSample', key: s.key, sample: s.sample }),
  label: (s, decision) => {
    const requestId = nextRequestId++;
    vscode.postMessage({ type: 'label', requestId, key: s.key, promptId: s.sample.promptId, decision });
    return requestId;
  },
  runOf: (key) => {
    const index = order.indexOf(key);
    const r = runs.get(key);
    return r && index >= 0 ? { label: r.info.label, color: runColor(index), index } : undefined;
  },
});

byId('reset-zoom').addEventListener('click', () => board.setZoom(null));
byId('compare').addEventListener('click', () => vscode.postMessage({ type: 'pickCompare' }));
compareList.addEventListener('click', (ev) => {
  const b = (ev.target as HTMLElement).closest('button[data-key]') as HTMLButtonElement | null;
  if (b?.dataset.key) vscode.postMessage({ type: 'removeCompare', key: b.dataset.key });
});

function showNotice(level: 'info' | 'warn' | 'error', message: string): void {
  noticeEl.textContent = message;
  noticeEl.className = `notice ${level}`;
  noticeEl.hidden = false;
}

function renderCompareChips(): void {
  compareList.replaceChildren();
  order.forEach((key, index) => {
    const r = runs.get(key)!;
    if (order.length < 2) return;
    const chip = document.createElement('span');
    chip.className = `chip run-chip ${r.info.role}`;
    chip.style.setProperty('--run-color', runColor(index));
    chip.textContent = r.info.label;
    chip.title = r.info.detail ?? r.info.key;
    if (r.info.role === 'compare') {
      const remove = document.createElement('button');
      remove.type = 'button';
      remove.className = 'icon';
      remove.dataset.key = key;
      remove.title = `Stop comparing ${r.info.label}`;
      remove.setAttribute('aria-label', remove.title);
      remove.textContent = '×';
      chip.append(remove);
    }
    compareList.append(chip);
  });
}

function formatEta(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '';
  if (seconds < 60) return `${Math.round(seconds)} s left`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min left`;
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min left`;
}

function showProgress(msg: Extract<HostToDashboard, { type: 'progress' }>): void {
  const parts: string[] = [msg.status];
  if (msg.stage) parts.push(msg.stage);
  if (msg.step !== undefined) parts.push(`step ${msg.step}${msg.totalSteps ? `/${msg.totalSteps}` : ''}`);
  const eta = msg.status === 'running' ? formatEta(msg.etaSeconds) : '';
  if (eta) parts.push(eta);
  statusEl.textContent = parts.join(' · ');
  statusEl.className = `status-${msg.status}`;
  crashBanner.hidden = msg.status !== 'crashed';
  board.setCrashed(msg.status === 'crashed');
  if (msg.status === 'crashed') {
    byId('crash-detail').textContent = msg.detail ?? 'The trainer stopped without saying why.';
    byId('crash-log').textContent = msg.logTail?.length ? msg.logTail.join('\n') : '(events.log is empty)';
  }
}

function handle(msg: HostToDashboard): void {
  switch (msg.type) {
    case 'reset': {
      // Another run (not a refresh of this one): its steps have nothing to do with the old zoom.
      if (msg.runs[0].key !== order[0]) board.setZoom(null);
      runs.clear();
      order = msg.runs.map((r) => r.key);
      for (const info of msg.runs) runs.set(info.key, { info, table: new MetricsTable(isChartedMetric), sft: new MetricsTable(isChartedMetric), stages: new StageTracker() });
      persisted = msg.state;
      vscode.setState({ ...persisted, smoothing: board.smoothing });
      const primary = msg.runs[0];
      titleEl.textContent = primary.label;
      detailEl.textContent = primary.detail && primary.detail !== primary.label ? primary.detail : '';
      statusEl.textContent = primary.status ?? '';
      renderModelLine(modelEl, undefined);
      crashBanner.hidden = primary.status !== 'crashed';
      board.setCrashed(primary.status === 'crashed');
      noticeEl.hidden = true;
      samples.clear(msg.runs.length);
      renderCompareChips();
      board.invalidate();
      break;
    }
    case 'metrics': {
      const r = runs.get(msg.key);
      if (!r) return;
      (msg.table === 'sft' ? r.sft : r.table).appendColumnar(msg.metrics);
      board.invalidate();
      break;
    }
    case 'stages': {
      const r = runs.get(msg.key);
      if (r && r.stages.addAll(msg.stages)) board.invalidate();
      break;
    }
    case 'samples': {
      const r = runs.get(msg.key);
      if (!r) return;
      samples.add(msg.key, msg.samples, msg.replace);
      if (r.info.role === 'primary' && r.stages.addAll(stageMarksOfSamples(msg.samples))) board.invalidate();
      break;
    }
    case 'model':
      // The header names the primary run's model; a compared run's is in its own dashboard.
      if (msg.key === order[0]) renderModelLine(modelEl, msg.model);
      break;
    case 'progress': {
      if (msg.key !== order[0]) return;
      showProgress(msg);
      break;
    }
    case 'labelResult':
      samples.labelResult(msg.requestId, msg.ok, msg.message);
      showNotice(msg.ok ? 'info' : 'error', msg.message);
      break;
    case 'notice':
      showNotice(msg.level, msg.message);
      break;
  }
}

window.addEventListener('message', (ev: MessageEvent) => {
  const parsed = parseHostToDashboard(ev.data);
  if (!parsed.ok) {
    console.warn(`[dashboard] dropped an invalid message: ${parsed.error}`);
    return;
  }
  handle(parsed.value);
});

vscode.postMessage({ type: 'ready' });
