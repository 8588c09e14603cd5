// The dashboard webview: validates every host message, keeps each shown run's full metric history
// (MetricsTable), and redraws the charts and the samples pane from it.
import { parseHostToDashboard, type DashboardState, type DashboardToHost, type HostToDashboard, type RunInfo } from '../../src/core/protocol/dashboard';
import { isChartedMetric } from '../../src/core/runs/charts';
import { MetricsTable } from '../../src/core/runs/metricsTable';
import { StageTracker } from '../../src/core/runs/stages';
import { ChartBoard, type ShownRun } from './charts';
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
  stages: StageTracker;
}

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
const statusEl = byId('run-status');
const noticeEl = byId('notice');
const compareList = byId('compare-list');
const zoomLabel = byId('zoom-label');

const shownRuns = (): ShownRun[] => order.map((k) => runs.get(k)!).filter(Boolean).map((r) => ({
  key: r.info.key, label: r.info.label, role: r.info.role, table: r.table, stages: r.stages.all,
}));

const board = new ChartBoard(byId('charts'), shownRuns);
board.onZoomChange = (z) => { zoomLabel.textContent = z ? `steps ${Math.round(z.min)}–${Math.round(z.max)}` : 'all steps'; };
board.onZoomChange(null);

const samples = new SamplesPane(byId('samples-pane'), {
  open: (s) => vscode.postMessage({ type: 'openSample', key: s.key, sample: s.sample }),
  label: (s, decision) => vscode.postMessage({ type: 'label', requestId: nextRequestId++, key: s.key, promptId: s.sample.promptId, decision }),
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
  for (const key of order) {
    const r = runs.get(key)!;
    if (r.info.role !== 'compare') continue;
    const chip = document.createElement('span');
    chip.className = 'chip';
    chip.textContent = r.info.label;
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'icon';
    remove.dataset.key = key;
    remove.title = `Stop comparing ${r.info.label}`;
    remove.setAttribute('aria-label', remove.title);
    remove.textContent = '×';
    chip.append(remove);
    compareList.append(chip);
  }
}

function handle(msg: HostToDashboard): void {
  switch (msg.type) {
    case 'reset': {
      runs.clear();
      order = msg.runs.map((r) => r.key);
      for (const info of msg.runs) runs.set(info.key, { info, table: new MetricsTable(isChartedMetric), stages: new StageTracker() });
      persisted = msg.state;
      vscode.setState(persisted);
      const primary = msg.runs[0];
      titleEl.textContent = primary.label;
      statusEl.textContent = primary.status ?? '';
      noticeEl.hidden = true;
      samples.clear();
      renderCompareChips();
      board.invalidate();
      break;
    }
    case 'metrics': {
      const r = runs.get(msg.key);
      if (!r) return;
      r.table.appendColumnar(msg.metrics);
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
      if (r.info.role === 'primary' && r.stages.addAll(msg.samples.map((s) => ({ name: s.stage, startStep: s.step })))) board.invalidate();
      break;
    }
    case 'progress': {
      if (msg.key !== order[0]) return;
      const parts: string[] = [msg.status];
      if (msg.stage) parts.push(msg.stage);
      if (msg.step !== undefined) parts.push(`step ${msg.step}${msg.totalSteps ? `/${msg.totalSteps}` : ''}`);
      statusEl.textContent = parts.join(' · ');
      break;
    }
    case 'labelResult':
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
