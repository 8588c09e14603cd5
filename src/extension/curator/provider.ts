// Host side of the Dataset Curator: owns the active dataset, streams row summaries to each webview
// showing it (the sidebar view and any editor tabs, which run the same page in a wide layout) in
// chunks, answers detail requests, and turns label decisions into labels.jsonl lines. A webview is
// rebuilt whenever it is hidden and shown again; it then says `ready` and gets everything anew, so
// nothing lives only in the page.
import * as vscode from 'vscode';
import fs from 'node:fs';
import path from 'node:path';
import {
  parseCuratorViewMessage, ROW_CHUNK_SIZE, type CuratorHostMessage, type CuratorViewMessage, type RowLabel,
} from '../../core/protocol/curator';
import { appendLabel, appendUndo, latestLabels, loadLabels } from '../../core/labels/store';
import { loadPassRates, passRatesFile, type PassRateInfo } from '../../core/curate/passRates';
import { labelsFile, acereasonDir } from '../../core/runs/layout';
import { curatorHtml } from './html';
import {
  describeProblems, loadCuratorDataset, loadsInOneBlock, measuredOf, readReviewEntries, toDetail, toRow, type CuratorDataset, type ReviewDatasetHeader,
} from '../../core/curate/reviewDataset';
import { runJobWithProgress } from '../jobProgress';
import { RolloutIndex } from './rollouts';

export const CURATOR_VIEW_ID = 'acereason.curator';
export const CURATOR_EDITOR_ID = 'acereason.curatorEditor';
const ACTIVE_DATASET_KEY = 'acereason.curator.activeDataset';

export interface CuratorHostDeps {
  context: vscode.ExtensionContext;
  output: vscode.OutputChannel;
  workspaceDir: () => string;
  runsDir: () => string;
}

export class CuratorViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  /** Every page showing the dataset: the sidebar view's and the editor tabs'. */
  private readonly pages = new Set<vscode.Webview>();
  private editor: vscode.WebviewPanel | undefined;
  private dataset: CuratorDataset | undefined;
  private loading: Promise<void> | undefined;
  private passRates = new Map<string, PassRateInfo>();
  private sentLabels = new Map<string, string>();
  private readonly rollouts: RolloutIndex;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly deps: CuratorHostDeps) {
    this.rollouts = new RolloutIndex(deps.runsDir);
    const watcher = vscode.workspace.createFileSystemWatcher(
      new vscode.RelativePattern(vscode.Uri.file(acereasonDir(deps.workspaceDir())), 'labels.jsonl'),
    );
    // Decisions made elsewhere (the dashboard, another window, a text editor) show up here too.
    const onLabelsFile = () => this.pushLabelChanges();
    this.disposables.push(watcher, watcher.onDidChange(onLabelsFile), watcher.onDidCreate(onLabelsFile), watcher.onDidDelete(onLabelsFile));
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.attach(view.webview, 'sidebar');
    view.onDidDispose(() => { if (this.view === view) this.view = undefined; this.pages.delete(view.webview); });
  }

  /** Shows the active dataset in an editor tab: the wide table with the detail beside it. */
  openInEditor(): vscode.WebviewPanel {
    if (this.editor) {
      this.editor.reveal();
      return this.editor;
    }
    const panel = vscode.window.createWebviewPanel(CURATOR_EDITOR_ID, this.editorTitle(), vscode.ViewColumn.Active, {
      enableScripts: true, localResourceRoots: [this.webviewRoot()],
    });
    panel.iconPath = vscode.Uri.joinPath(this.deps.context.extensionUri, 'media', 'acereason.svg');
    this.editor = panel;
    this.attach(panel.webview, 'editor');
    panel.onDidDispose(() => { this.pages.delete(panel.webview); if (this.editor === panel) this.editor = undefined; });
    return panel;
  }

  private editorTitle(): string {
    return this.dataset ? `Curator: ${path.basename(this.dataset.name)}` : 'Dataset Curator';
  }

  private webviewRoot(): vscode.Uri {
    return vscode.Uri.joinPath(this.deps.context.extensionUri, 'dist', 'webview');
  }

  private attach(webview: vscode.Webview, layout: 'sidebar' | 'editor'): void {
    const root = this.webviewRoot();
    webview.options = { enableScripts: true, localResourceRoots: [root] };
    const uri = (f: string) => webview.asWebviewUri(vscode.Uri.joinPath(root, f)).toString();
    webview.html = curatorHtml({
      cspSource: webview.cspSource, scriptUri: uri('curator.js'), styleUri: uri('curator-style.css'), codiconUri: uri('codicon.css'), katexStyleUri: uri('katex/katex.min.css'), layout,
    });
    this.pages.add(webview);
    this.disposables.push(webview.onDidReceiveMessage((raw) => this.onMessage(raw, webview)));
  }

  /** Makes `target` (a dataset file or a curation output folder) the active dataset and shows it. */
  async open(target: string): Promise<void> {
    // A load already under way is for the previous target; let it finish, then replace it.
    await this.loading;
    await this.deps.context.workspaceState.update(ACTIVE_DATASET_KEY, target);
    this.dataset = undefined;
    await this.ensureLoaded();
    if (this.editor) this.editor.title = this.editorTitle();
    else await vscode.commands.executeCommand(`${CURATOR_VIEW_ID}.focus`).then(undefined, () => undefined);
    for (const page of this.pages) await this.sendAll(page);
  }

  get activeDataset(): CuratorDataset | undefined {
    return this.dataset;
  }

  private labelsPath(): string {
    return labelsFile(this.deps.workspaceDir());
  }

  /** To one page, or to every page showing the dataset. */
  private post(message: CuratorHostMessage, to?: vscode.Webview): void {
    for (const page of to ? [to] : this.pages) void page.postMessage(message);
  }

  private async onMessage(raw: unknown, from: vscode.Webview): Promise<void> {
    const parsed = parseCuratorViewMessage(raw);
    if (!parsed.ok) {
      this.deps.output.appendLine(`[curator] dropped a message from the view: ${parsed.error}`);
      return;
    }
    try {
      await this.handle(parsed.value, from);
    } catch (e) {
      const message = (e as Error).message;
      this.deps.output.appendLine(`[curator] ${parsed.value.type} failed: ${message}`);
      this.post({ type: 'error', message: message.slice(0, 20_000) }, from);
    }
  }

  private async handle(msg: CuratorViewMessage, from: vscode.Webview): Promise<void> {
    switch (msg.type) {
      case 'ready':
        await this.ensureLoaded();
        if (this.editor) this.editor.title = this.editorTitle();
        await this.sendAll(from);
        return;
      case 'label': {
        const file = this.labelsPath();
        for (const item of msg.items) {
          appendLabel(file, { id: item.id, decision: item.label.decision, note: item.label.note || undefined, dataset: this.dataset?.name });
        }
        this.pushLabelChanges(msg.items.map((i) => i.id));
        return;
      }
      case 'undo': {
        const file = this.labelsPath();
        for (const id of msg.ids) appendUndo(file, { id, dataset: this.dataset?.name });
        this.pushLabelChanges(msg.ids);
        return;
      }
      case 'requestDetail': {
        const index = this.dataset?.byId.get(msg.id);
        const entry = index === undefined ? undefined : this.dataset!.entries[index];
        if (!entry) { this.post({ type: 'error', message: `prompt '${msg.id}' is not in the active dataset` }, from); return; }
        const label = this.labelOf(msg.id, latestLabels(this.labelsPath()));
        this.post({ type: 'detail', detail: toDetail(entry, label, measuredOf(entry, this.passRates), this.rollouts.rolloutsOf(msg.id)) }, from);
        return;
      }
      case 'openInEditor':
        this.openInEditor();
        return;
      case 'openDataset':
        await vscode.commands.executeCommand('acereason.openCuratorDataset');
        return;
      case 'curateDataset':
        await vscode.commands.executeCommand('acereason.curateDataset');
        return;
    }
  }

  private labelOf(id: string, latest: ReadonlyMap<string, { decision: RowLabel['decision']; note?: string }>): RowLabel | null {
    const l = latest.get(id);
    if (!l) return null;
    return l.note ? { decision: l.decision, note: l.note.slice(0, 10_000) } : { decision: l.decision };
  }

  /** The dataset remembered for this workspace, or the newest curation output in .acereason/curated. */
  private defaultTarget(): string | undefined {
    const remembered = this.deps.context.workspaceState.get<string>(ACTIVE_DATASET_KEY);
    if (remembered && fs.existsSync(remembered)) return remembered;
    const curatedRoot = path.join(acereasonDir(this.deps.workspaceDir()), 'curated');
    if (!fs.existsSync(curatedRoot)) return undefined;
    const outputs = fs.readdirSync(curatedRoot, { withFileTypes: true })
      .filter((d) => d.isDirectory() && fs.existsSync(path.join(curatedRoot, d.name, 'curated.jsonl')))
      .map((d) => path.join(curatedRoot, d.name))
      .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
    return outputs[0];
  }

  private ensureLoaded(): Promise<void> {
    if (this.dataset) return Promise.resolve();
    this.loading ??= (async () => {
      const target = this.defaultTarget();
      if (!target) return;
      const t0 = Date.now();
      this.dataset = await this.load(target);
      this.deps.output.appendLine(`[curator] loaded ${this.dataset.entries.length} prompts from ${target} in ${Date.now() - t0} ms`);
      if (this.dataset.problems.length) {
        this.deps.output.appendLine(`[curator] ${this.dataset.problems.length} line(s) skipped:\n${describeProblems(this.dataset.problems)}`);
      }
    })().catch((e) => {
      this.deps.output.appendLine(`[curator] could not load the dataset: ${(e as Error).message}`);
      this.post({ type: 'error', message: `Could not load the dataset: ${(e as Error).message}` });
    }).finally(() => { this.loading = undefined; });
    return this.loading;
  }

  /**
   * JSONL files and curation folders are read here, line by line (the host keeps turning); a Parquet
   * or JSON-array file is parsed in the job process, which hands the entries back as JSONL.
   */
  private async load(target: string): Promise<CuratorDataset> {
    if (!loadsInOneBlock(target)) return loadCuratorDataset(target, this.deps.workspaceDir());
    const cache = path.join(acereasonDir(this.deps.workspaceDir()), 'cache');
    fs.mkdirSync(cache, { recursive: true });
    const entriesFile = path.join(cache, `curator-${process.pid}-${Date.now()}.jsonl`);
    try {
      const header = await runJobWithProgress(this.deps.context, `AceReason: reading ${path.basename(target)}`, {
        kind: 'loadReview', target, workspace: this.deps.workspaceDir(), entriesFile,
      }, vscode.ProgressLocation.Window) as ReviewDatasetHeader;
      return await readReviewEntries(entriesFile, header);
    } finally {
      fs.rmSync(entriesFile, { force: true });
    }
  }

  private async sendAll(to: vscode.Webview): Promise<void> {
    const ds = this.dataset;
    if (!this.pages.has(to)) return;
    if (!ds) { this.post({ type: 'empty' }, to); return; }
    this.passRates = fs.existsSync(passRatesFile(this.deps.workspaceDir())) ? loadPassRates(passRatesFile(this.deps.workspaceDir())).rates : new Map();
    const loaded = loadLabels(this.labelsPath());
    if (loaded.tornLines.length) {
      this.deps.output.appendLine(`[curator] labels.jsonl: ${loaded.tornLines.length} unreadable line(s) ignored (first: line ${loaded.tornLines[0].line}: ${loaded.tornLines[0].error})`);
    }
    this.sentLabels.clear();
    this.post({ type: 'datasetBegin', name: ds.name, total: ds.entries.length, curated: ds.curated }, to);
    for (let offset = 0; offset < ds.entries.length; offset += ROW_CHUNK_SIZE) {
      const rows = ds.entries.slice(offset, offset + ROW_CHUNK_SIZE).map((e) => {
        const label = this.labelOf(e.record.id, loaded.latest);
        this.sentLabels.set(e.record.id, JSON.stringify(label));
        return toRow(e, label, measuredOf(e, this.passRates));
      });
      this.post({ type: 'rows', offset, rows }, to);
      // Let the extension host breathe between chunks of a large dataset.
      await new Promise((r) => setImmediate(r));
    }
    this.post({ type: 'datasetEnd', skippedLines: ds.problems.length }, to);
  }

  /** Sends the labels that changed since last sent (all ids, or just `ids`). */
  private pushLabelChanges(ids?: string[]): void {
    if (!this.dataset) return;
    const latest = latestLabels(this.labelsPath());
    const candidates = ids ?? this.dataset.entries.map((e) => e.record.id);
    const changed: { id: string; label: RowLabel | null }[] = [];
    for (const id of candidates) {
      const label = this.labelOf(id, latest);
      const key = JSON.stringify(label);
      if (ids || this.sentLabels.get(id) !== key) changed.push({ id, label });
      this.sentLabels.set(id, key);
    }
    for (let i = 0; i < changed.length; i += 50_000) this.post({ type: 'labels', labels: changed.slice(i, i + 50_000) });
  }
}
