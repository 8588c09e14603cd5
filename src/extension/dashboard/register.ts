// The dashboard: "AceReason: Open Dashboard", "AceReason: Open Metrics File…", and restoring the
// panel after a window reload (WebviewPanelSerializer; state comes from the page's setState).
import * as vscode from 'vscode';
import path from 'node:path';
import { parseDashboardState, type DashboardSource } from '../../core/protocol/dashboard';
import { listRunIds } from '../../core/runs/runSummary';
import type { Services } from '../services';
import { runsDir } from '../settings';
import { DASHBOARD_VIEW_TYPE, DashboardPanel, dashboardWebviewOptions } from './panel';

/**
 * What to show for a command argument: a DashboardSource, a run id, a run folder path, a tree item
 * carrying `runId`, or nothing (the active run, else the newest run).
 */
export function resolveDashboardSource(s: Services, arg: unknown): DashboardSource | undefined {
  const dir = runsDir(s.context);
  if (arg && typeof arg === 'object') {
    const a = arg as Record<string, unknown>;
    if (a.kind === 'run' || a.kind === 'metricsFile') {
      const parsed = parseDashboardState({ source: arg });
      if (parsed.ok) return parsed.value.source;
    }
    if (typeof a.runId === 'string') return { kind: 'run', runsDir: typeof a.runsDir === 'string' ? a.runsDir : dir, runId: a.runId };
  }
  if (typeof arg === 'string' && arg) {
    if (path.isAbsolute(arg)) return { kind: 'run', runsDir: path.dirname(arg), runId: path.basename(arg) };
    return { kind: 'run', runsDir: dir, runId: arg };
  }
  const active = s.supervisor.activeRun;
  if (active) return { kind: 'run', runsDir: active.runsDir, runId: active.runId };
  const newest = listRunIds(dir)[0];
  return newest ? { kind: 'run', runsDir: dir, runId: newest } : undefined;
}

export function registerDashboard(s: Services): void {
  const { context } = s;
  context.subscriptions.push(
    vscode.commands.registerCommand('acereason.openDashboard', (arg?: unknown) => {
      const source = resolveDashboardSource(s, arg);
      if (!source) {
        void vscode.window.showInformationMessage('AceReason: no runs yet. Start one with "AceReason: Start Math RL", or open a verl metrics file with "AceReason: Open Metrics File…".');
        return undefined;
      }
      DashboardPanel.show(s, source);
      return source;
    }),
    vscode.commands.registerCommand('acereason.openMetricsFile', async (arg?: unknown) => {
      let file = typeof arg === 'string' ? arg : arg instanceof vscode.Uri ? arg.fsPath : undefined;
      if (!file) {
        const picked = await vscode.window.showOpenDialog({
          canSelectMany: false, title: 'Open a verl file-logger metrics JSONL',
          filters: { 'Metrics JSONL': ['jsonl', 'json', 'log'], 'All files': ['*'] },
        });
        file = picked?.[0]?.fsPath;
      }
      if (!file) return undefined;
      const source: DashboardSource = { kind: 'metricsFile', file };
      DashboardPanel.show(s, source);
      return source;
    }),
    vscode.window.registerWebviewPanelSerializer(DASHBOARD_VIEW_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown) {
        panel.webview.options = dashboardWebviewOptions(context.extensionUri);
        const parsed = parseDashboardState(state);
        const source = parsed.ok ? parsed.value.source : resolveDashboardSource(s, undefined);
        if (!source) {
          panel.dispose();
          return;
        }
        DashboardPanel.current?.dispose();
        new DashboardPanel(panel, s, parsed.ok ? parsed.value : { source });
      },
    }),
    { dispose: () => DashboardPanel.current?.dispose() },
  );
}
