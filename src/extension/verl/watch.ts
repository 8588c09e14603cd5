// "AceReason: Follow verl Run…": watch a verl run (local folder, or commands the user configures, e.g.
// `ssh gpu-head tail -n +1 -F /runs/x/metrics.jsonl`) in the dashboard. The run is mirrored into
// .acereason/verl-watch/<name>/ and shown like one of ours; exclusions from its samples pane go to
// labels.jsonl and feed the next stage's export.
import * as vscode from 'vscode';
import fs from 'node:fs';
import path from 'node:path';
import type { Services } from '../services';
import { acereasonDir } from '../../core/runs/layout';
import { startVerlWatch, type VerlWatch, type WatchInput } from '../../core/verl/mirror';
import { workspaceDir } from '../settings';

const watches = new Map<string, VerlWatch>();

export function registerVerlWatch(s: Services): void {
  s.context.subscriptions.push(
    vscode.commands.registerCommand('acereason.followVerlRun', () => follow(s)),
    { dispose: () => { for (const w of watches.values()) w.stop(); watches.clear(); } },
  );
}

async function follow(s: Services): Promise<void> {
  const how = await vscode.window.showQuickPick([
    { label: 'Local stage folder…', description: 'a folder with metrics.jsonl (VERL_FILE_LOGGER_PATH) and rollouts/', id: 'local' },
    { label: 'Remote (commands)…', description: 'e.g. ssh gpu-head tail -n +1 -F /runs/x/metrics.jsonl', id: 'remote' },
  ], { title: 'Follow a verl run' });
  if (!how) return;
  let metrics: WatchInput;
  let rollouts: WatchInput | undefined;
  let name: string;
  if (how.id === 'local') {
    const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: true, title: 'verl stage folder, or its metrics JSONL' });
    const target = picked?.[0]?.fsPath;
    if (!target) return;
    const isDir = fs.statSync(target).isDirectory();
    const metricsFile = isDir ? path.join(target, 'metrics.jsonl') : target;
    const rolloutDir = path.join(isDir ? target : path.dirname(target), 'rollouts');
    metrics = { file: metricsFile };
    rollouts = fs.existsSync(rolloutDir) ? { dir: rolloutDir } : undefined;
    name = path.basename(isDir ? target : path.dirname(target));
  } else {
    const m = await vscode.window.showInputBox({
      title: 'Command that prints the verl file-logger JSONL and keeps following it',
      value: 'ssh gpu-head tail -n +1 -F /runs/acereason/01-math-8k/metrics.jsonl',
      validateInput: (v) => (v.trim() ? undefined : 'a command is required'),
    });
    if (!m) return;
    const r = await vscode.window.showInputBox({
      title: 'Command that prints the rollout dumps (optional; leave empty to skip samples)',
      value: 'ssh gpu-head "tail -n +1 -F /runs/acereason/01-math-8k/rollouts/*.jsonl"',
    });
    metrics = { command: m };
    rollouts = r?.trim() ? { command: r } : undefined;
    name = (await vscode.window.showInputBox({ title: 'Name shown in the dashboard', value: 'verl-run' })) || 'verl-run';
  }
  watches.get(name)?.stop();
  const watch = startVerlWatch({
    name, metrics, rollouts,
    mirrorRoot: path.join(acereasonDir(workspaceDir(s.context)), 'verl-watch'),
    log: (line) => s.output.appendLine(line),
  });
  watches.set(name, watch);
  s.output.appendLine(`[verl watch] following ${name} → ${watch.dir}`);
  await vscode.commands.executeCommand('acereason.openDashboard', { kind: 'run', runsDir: path.dirname(watch.dir), runId: watch.runId });
}
