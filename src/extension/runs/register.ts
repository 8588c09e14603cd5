// The Runs view ('acereason.runs') and its item actions: open dashboard, resume, reveal, export, delete.
// Refreshes on file changes under the runs folder and on trainer events (debounced).
import * as vscode from 'vscode';
import fs from 'node:fs';
import path from 'node:path';
import type { Services } from '../services';
import { runsDir } from '../settings';
import { exportRunAsHf, type ExportAnswers } from './exportHf';
import { RunItem, RunsTreeProvider } from './tree';

const REFRESH_DEBOUNCE_MS = 300;

function itemOf(arg: unknown): { runId: string; dir: string } | undefined {
  if (arg instanceof RunItem) return { runId: arg.runId, dir: arg.dir };
  if (arg && typeof arg === 'object' && typeof (arg as { runId?: unknown }).runId === 'string') {
    const a = arg as { runId: string; dir?: unknown; runsDir?: unknown };
    const dir = typeof a.dir === 'string' ? a.dir : path.join(typeof a.runsDir === 'string' ? a.runsDir : '', a.runId);
    return { runId: a.runId, dir };
  }
  return undefined;
}

export function registerRunsView(s: Services): void {
  const { context, supervisor } = s;
  const provider = new RunsTreeProvider(
    () => runsDir(context),
    () => (supervisor.running ? supervisor.activeRun?.runId : undefined),
  );
  const view = vscode.window.createTreeView('acereason.runs', { treeDataProvider: provider, showCollapseAll: false });

  let timer: NodeJS.Timeout | undefined;
  const refreshSoon = () => {
    if (timer) return;
    timer = setTimeout(() => { timer = undefined; provider.refresh(); }, REFRESH_DEBOUNCE_MS);
  };

  let watcher: vscode.FileSystemWatcher | undefined;
  const watch = () => {
    watcher?.dispose();
    // status.json, checkpoints and new run folders; metrics.jsonl changes every step, so only its
    // creation counts (step numbers in the tree refresh with trainer progress instead).
    const pattern = new vscode.RelativePattern(vscode.Uri.file(runsDir(context)), '{*,*/status.json,*/checkpoints/*,*/metrics.jsonl}');
    watcher = vscode.workspace.createFileSystemWatcher(pattern);
    watcher.onDidCreate(refreshSoon);
    watcher.onDidDelete(refreshSoon);
    watcher.onDidChange((u) => { if (!u.fsPath.endsWith('metrics.jsonl')) refreshSoon(); });
  };
  watch();

  let lastProgressRefresh = 0;
  context.subscriptions.push(
    view, provider, { dispose: () => { watcher?.dispose(); if (timer) clearTimeout(timer); } },
    vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration('acereason.runsFolder')) { watch(); refreshSoon(); } }),
    supervisor.onMessage((m) => {
      if (m.type === 'status' || m.type === 'stage') refreshSoon();
      if (m.type === 'progress' && Date.now() - lastProgressRefresh > 5000) { lastProgressRefresh = Date.now(); refreshSoon(); }
    }),
    supervisor.onExit(() => refreshSoon()),
    vscode.commands.registerCommand('acereason.refreshRuns', () => provider.refresh()),
    vscode.commands.registerCommand('acereason.runs.openDashboard', (arg?: unknown) => {
      const it = itemOf(arg);
      return vscode.commands.executeCommand('acereason.openDashboard', it ? { kind: 'run', runsDir: path.dirname(it.dir), runId: it.runId } : undefined);
    }),
    vscode.commands.registerCommand('acereason.runs.resume', (arg?: unknown) => {
      const it = itemOf(arg);
      return vscode.commands.executeCommand('acereason.resumeRun', it ? it.dir : undefined);
    }),
    vscode.commands.registerCommand('acereason.runs.startCodeRL', (arg?: unknown) => {
      const it = itemOf(arg);
      return vscode.commands.executeCommand('acereason.startCodeRL', it ? { runId: it.runId } : undefined);
    }),
    vscode.commands.registerCommand('acereason.runs.reveal', (arg?: unknown) => {
      const it = itemOf(arg);
      if (it) return vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(it.dir));
      return undefined;
    }),
    vscode.commands.registerCommand('acereason.runs.exportHf', (arg?: unknown, answers?: ExportAnswers) => {
      const it = itemOf(arg);
      return it ? exportRunAsHf(s, it, answers) : undefined;
    }),
    vscode.commands.registerCommand('acereason.runs.delete', async (arg?: unknown, opts?: { confirm?: boolean }) => {
      const it = itemOf(arg);
      if (!it) return false;
      if (supervisor.running && supervisor.activeRun?.runId === it.runId) {
        void vscode.window.showWarningMessage(`AceReason: run ${it.runId} is training. Stop it before deleting it.`);
        return false;
      }
      if (opts?.confirm !== false) {
        const answer = await vscode.window.showWarningMessage(
          `Delete run ${it.runId}? Its metrics, samples and checkpoints in ${it.dir} are removed for good.`, { modal: true }, 'Delete');
        if (answer !== 'Delete') return false;
      }
      await fs.promises.rm(it.dir, { recursive: true, force: true });
      provider.refresh();
      return true;
    }),
  );
}
