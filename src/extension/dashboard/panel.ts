// Host side of the dashboard webview panel (GitLens-style): one panel, fed from run folders on disk
// only — the run folder is the source of truth, so a CLI run looks like an extension run and the
// header, charts and samples can never disagree. Feeds are polled twice a second; what arrives while
// the panel is hidden is buffered here and replayed on show, and a (re)loaded page gets a full
// snapshot when it says 'ready'.
import * as vscode from 'vscode';
import { VisibilityBuffer } from './visibilityBuffer';
import { newNonce } from '../webviewPage';
import path from 'node:path';
import {
  parseDashboardToHost, type DashboardSource, type DashboardState, type DashboardToHost, type HostToDashboard,
} from '../../core/protocol/dashboard';
import { appendLabel } from '../../core/labels/store';
import { labelsFile, runPaths } from '../../core/runs/layout';
import { RunFeed, sourceKey } from '../../core/runs/runFeed';
import { listRunGroups } from '../../core/runs/runGroups';
import { listRunIds } from '../../core/runs/runSummary';
import type { Services } from '../services';
import { runsDir, workspaceDir } from '../settings';
import { dashboardHtml } from './html';
import { openSampleDocument } from './sampleDocument';
import { RunModelWatch } from './runModelWatch';

export const DASHBOARD_VIEW_TYPE = 'acereason.dashboard';
const POLL_MS = 500;
/** Past this many buffered messages a hidden panel gets one snapshot on show instead. */
const MAX_BUFFERED = 2000;

export function dashboardWebviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

export class DashboardPanel implements vscode.Disposable {
  static current: DashboardPanel | undefined;

  private feeds: RunFeed[] = [];
  /** config.json's `model` of each shown run folder, by feed key (the header names the primary's). */
  private models = new Map<string, RunModelWatch>();
  private state: DashboardState;
  private readonly outbox: VisibilityBuffer<HostToDashboard>;
  private readonly timer: NodeJS.Timeout;
  private readonly subs: vscode.Disposable[] = [];
  private readonly reportedBadLines = new Set<string>();

  constructor(private readonly panel: vscode.WebviewPanel, private readonly s: Services, state: DashboardState) {
    DashboardPanel.current = this;
    this.outbox = new VisibilityBuffer((msg) => void panel.webview.postMessage(msg), () => panel.visible, MAX_BUFFERED);
    this.state = state;
    this.feeds = this.makeFeeds(state);
    panel.webview.options = dashboardWebviewOptions(s.context.extensionUri);
    panel.iconPath = vscode.Uri.joinPath(s.context.extensionUri, 'media', 'acereason.svg');
    panel.title = `AceReason: ${this.feeds[0].label}`;
    panel.webview.html = this.html();
    this.subs.push(
      panel.webview.onDidReceiveMessage((raw) => this.onMessage(raw)),
      panel.onDidChangeViewState(() => this.onViewState()),
      panel.onDidDispose(() => this.dispose()),
    );
    for (const f of this.feeds) f.poll();
    this.timer = setInterval(() => this.pollFeeds(), POLL_MS);
  }

  /** Opens (or reveals and retargets) the dashboard. */
  static show(s: Services, source: DashboardSource): DashboardPanel {
    const existing = DashboardPanel.current;
    if (existing) {
      existing.panel.reveal(undefined, false);
      if (sourceKey(existing.state.source) !== sourceKey(source)) existing.retarget({ source });
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(DASHBOARD_VIEW_TYPE, 'AceReason Dashboard', vscode.ViewColumn.Active,
      dashboardWebviewOptions(s.context.extensionUri));
    return new DashboardPanel(panel, s, { source });
  }

  get shownSource(): DashboardSource {
    return this.state.source;
  }

  private makeFeeds(state: DashboardState): RunFeed[] {
    const feeds = [state.source, ...(state.compare ?? [])].map((src) => new RunFeed(src));
    this.models = new Map(feeds.flatMap((f) => f.source.kind === 'run'
      ? [[f.key, new RunModelWatch(runPaths(f.source.runsDir, f.source.runId).config)] as const] : []));
    return feeds;
  }

  private retarget(state: DashboardState): void {
    this.state = state;
    this.feeds = this.makeFeeds(state);
    for (const f of this.feeds) f.poll();
    this.panel.title = `AceReason: ${this.feeds[0].label}`;
    this.sendSnapshot();
  }

  private html(): string {
    const w = this.panel.webview;
    const asset = (f: string) => w.asWebviewUri(vscode.Uri.joinPath(this.s.context.extensionUri, 'dist', 'webview', f)).toString();
    return dashboardHtml({
      cspSource: w.cspSource, nonce: newNonce(),
      scriptUri: asset('dashboard.js'), styleUris: [asset('uPlot.min.css'), asset('katex/katex.min.css'), asset('dashboard-dashboard.css')],
    });
  }

  private activeKey(): string | undefined {
    const run = this.s.supervisor.activeRun;
    return run && this.s.supervisor.running ? path.join(run.runsDir, run.runId) : undefined;
  }

  private post(msg: HostToDashboard): void {
    this.outbox.post(msg);
  }

  private sendSnapshot(): void {
    this.outbox.reset();
    const active = this.activeKey();
    this.post({
      type: 'reset', state: this.state,
      runs: this.feeds.map((f, i) => f.info(i === 0 ? 'primary' : 'compare', f.key === active)),
    });
    for (const f of this.feeds) {
      const model = this.models.get(f.key);
      model?.poll();
      if (model?.current) this.post({ type: 'model', key: f.key, model: model.current });
      const snap = f.snapshot();
      for (const chunk of snap.metrics) this.post({ type: 'metrics', key: f.key, metrics: chunk });
      for (const chunk of snap.sftMetrics) this.post({ type: 'metrics', key: f.key, metrics: chunk, table: 'sft' });
      if (snap.stages.length) this.post({ type: 'stages', key: f.key, stages: snap.stages });
      if (snap.samples.length) this.post({ type: 'samples', key: f.key, samples: snap.samples, replace: true });
      if (snap.progress) this.post({ type: 'progress', key: f.key, ...snap.progress });
    }
  }

  private pollFeeds(): void {
    for (const f of this.feeds) {
      const d = f.poll();
      if (d.restarted) { this.sendSnapshot(); return; }
      const model = this.models.get(f.key);
      if (model?.poll()) this.post({ type: 'model', key: f.key, model: model.current ?? {} });
      if (d.metrics) this.post({ type: 'metrics', key: f.key, metrics: d.metrics });
      if (d.sftMetrics) this.post({ type: 'metrics', key: f.key, metrics: d.sftMetrics, table: 'sft' });
      if (d.stages) this.post({ type: 'stages', key: f.key, stages: d.stages });
      if (d.samples.length) this.post({ type: 'samples', key: f.key, samples: d.samples });
      if (d.progress) this.post({ type: 'progress', key: f.key, ...d.progress });
      for (const b of d.badLines) {
        const id = `${b.file}:${b.line}`;
        if (this.reportedBadLines.has(id)) continue;
        this.reportedBadLines.add(id);
        this.s.output.appendLine(`[dashboard] skipped ${b.file} line ${b.line}: ${b.error}`);
        if (this.reportedBadLines.size === 1) this.post({ type: 'notice', level: 'warn', message: `Skipped ${b.file} line ${b.line}: ${b.error} (more in the AceReason output)` });
      }
    }
  }

  private onViewState(): void {
    if (!this.panel.visible) return;
    if (this.outbox.onShow() === 'snapshot') this.sendSnapshot();
  }

  private onMessage(raw: unknown): void {
    const parsed = parseDashboardToHost(raw);
    if (!parsed.ok) {
      this.s.output.appendLine(`[dashboard] dropped an invalid message from the webview: ${parsed.error}`);
      return;
    }
    void this.handle(parsed.value).catch((e: Error) => {
      this.s.output.appendLine(`[dashboard] ${e.stack ?? e.message}`);
      this.post({ type: 'notice', level: 'error', message: e.message });
    });
  }

  private async handle(msg: DashboardToHost): Promise<void> {
    switch (msg.type) {
      case 'ready':
        this.outbox.ready = true;
        this.sendSnapshot();
        return;
      case 'openSample': {
        const feed = this.feeds.find((f) => f.key === msg.key);
        const run = feed?.source.kind === 'run' ? runPaths(feed.source.runsDir, feed.source.runId) : undefined;
        const file = await openSampleDocument(msg.sample, run);
        if (file) this.s.output.appendLine(`[dashboard] opened ${file}`);
        return;
      }
      case 'label': {
        const file = labelsFile(workspaceDir(this.s.context));
        try {
          appendLabel(file, { id: msg.promptId, decision: msg.decision, note: msg.note, by: 'dashboard' });
          this.post({ type: 'labelResult', requestId: msg.requestId, ok: true, message: msg.decision === 'exclude'
            ? `Excluded prompt ${msg.promptId} (${file}); a running trainer skips it from its next prompt draw.`
            : `Flagged prompt ${msg.promptId} (${file}).` });
        } catch (e) {
          this.post({ type: 'labelResult', requestId: msg.requestId, ok: false, message: `Could not write ${file}: ${(e as Error).message}` });
        }
        return;
      }
      case 'pickCompare':
        await this.pickCompare();
        return;
      case 'removeCompare':
        this.retarget({ source: this.state.source, compare: (this.state.compare ?? []).filter((c) => sourceKey(c) !== msg.key) });
        return;
    }
  }

  private async pickCompare(): Promise<void> {
    const dir = runsDir(this.s.context);
    const shown = new Set(this.feeds.map((f) => f.key));
    // Runs are offered by what they are (recipe · model · seed), with the id beside it.
    const items = listRunIds(dir).filter((id) => !shown.has(path.join(dir, id))).map((id) => {
      const info = new RunFeed({ kind: 'run', runsDir: dir, runId: id }).info('compare');
      return { label: info.label, description: info.label === id ? undefined : id, runIds: [id] };
    });
    // An ablation's variants (or a seed group's runs) open together: one item adds every member.
    const groups = listRunGroups(dir).map((g) => ({ label: `$(${g.kind === 'ablation' ? 'beaker' : 'layers'}) ${g.id}`, description: `${g.description} — opens its ${g.runIds.length} runs together`, runIds: g.runIds }));
    const fileItem = { label: '$(file) A metrics JSONL file…', description: undefined as string | undefined, runIds: [] as string[] };
    const picked = await vscode.window.showQuickPick([...groups, ...items, fileItem], { canPickMany: true, title: 'Overlay the curves of these runs' });
    if (!picked?.length) return;
    const ids = [...new Set(picked.flatMap((p) => p.runIds))].filter((id) => !shown.has(path.join(dir, id)));
    const added: DashboardSource[] = ids.map((runId) => ({ kind: 'run', runsDir: dir, runId }));
    if (picked.includes(fileItem)) {
      const files = await vscode.window.showOpenDialog({ canSelectMany: true, filters: { 'Metrics JSONL': ['jsonl', 'json', 'log'] } });
      for (const f of files ?? []) added.push({ kind: 'metricsFile', file: f.fsPath });
    }
    this.retarget({ source: this.state.source, compare: [...(this.state.compare ?? []), ...added].slice(0, 15) });
  }

  dispose(): void {
    if (DashboardPanel.current === this) DashboardPanel.current = undefined;
    clearInterval(this.timer);
    for (const d of this.subs) d.dispose();
    this.subs.length = 0;
    this.panel.dispose();
  }
}
