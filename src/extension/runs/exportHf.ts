// "Export as Hugging Face Model…" on a run in the Runs view: asks where, and for a LoRA run whether
// to merge the adapter into its base model, then runs `acereason export hf` in a child process (the
// CLI bundle, never on the extension host) with its progress in a notification. The CLI names any
// problem in one line (exit 2); that line is what the user sees.
import * as vscode from 'vscode';
import fs from 'node:fs';
import path from 'node:path';
import { runPaths } from '../../core/runs/layout';
import { hasCheckpoint } from '../../core/runs/runSummary';
import { runCliCommand } from '../cliProcess';
import { cliScript } from '../jobProgress';
import type { Services } from '../services';
import { exportedFolder, exportHfArgs, isLoraRun } from './exportHfCli';

export const MERGE_ITEM = 'Merge LoRA into the model';
export const ADAPTER_ITEM = 'Keep the LoRA adapter separate';

/** Answers a script or test gives instead of the pick and the dialogs. */
export interface ExportAnswers { out?: string; merge?: boolean; replace?: boolean }

/** Exports the run's latest checkpoint; resolves to the folder written (undefined when cancelled or failed). */
export async function exportRunAsHf(s: Services, run: { runId: string; dir: string }, answers: ExportAnswers = {}): Promise<string | undefined> {
  if (!hasCheckpoint(run.dir)) {
    void vscode.window.showErrorMessage(`AceReason: run ${run.runId} has no checkpoint in ${runPaths(path.dirname(run.dir), run.runId).checkpoints} to export.`);
    return undefined;
  }
  const lora = isLoraRun(run.dir);
  let merge = lora && !!answers.merge;
  if (lora && answers.merge === undefined) {
    const how = await vscode.window.showQuickPick([
      { label: MERGE_ITEM, merge: true, detail: 'A complete model folder (base weights + alpha/rank · B·A, in the base model\'s dtype) that transformers, vLLM and verl load as is' },
      { label: ADAPTER_ITEM, merge: false, detail: 'The PEFT adapter folder (adapter_config.json, adapter_model.safetensors), applied on top of the base model' },
    ], { title: `AceReason: Export ${run.runId} — this run trained a LoRA adapter` });
    if (!how) return undefined;
    merge = how.merge;
  }
  const kind = lora && !merge ? 'adapter' : 'model';
  let out = answers.out;
  if (!out) {
    const workspace = vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({
      title: `Export ${run.runId} as a Hugging Face ${kind} folder`,
      saveLabel: 'Export Here',
      defaultUri: vscode.Uri.file(path.join(workspace?.fsPath ?? path.dirname(run.dir), `${run.runId}-${kind === 'model' ? 'hf' : 'adapter'}`)),
    });
    if (!target) return undefined;
    out = target.fsPath;
  }
  const args = exportHfArgs(run.dir, out, merge);
  const existing = fs.statSync(out, { throwIfNoEntry: false });
  if (existing?.isDirectory() && fs.readdirSync(out).length > 0) {
    const replace = answers.replace ?? (await vscode.window.showWarningMessage(`${out} is not empty. Replace its contents with the exported ${kind}?`, { modal: true }, 'Replace')) === 'Replace';
    if (!replace) return undefined;
    args.push('--force');
  }
  s.output.appendLine(`[host] acereason ${args.join(' ')}`);
  let written: string;
  let cancelled = false;
  try {
    const stdout = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `AceReason: exporting ${run.runId}`, cancellable: true },
      (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => { cancelled = true; abort.abort(); });
        return runCliCommand(args, {
          cliScript: cliScript(s.context), signal: abort.signal,
          onStderrLine: (line) => { s.output.appendLine(`[export] ${line}`); progress.report({ message: line.slice(0, 200) }); },
        });
      },
    );
    written = exportedFolder(stdout, out);
  } catch (e) {
    const message = (e as Error).message;
    s.output.appendLine(`[host] export of ${run.runId} failed: ${message}`);
    if (cancelled) return undefined;
    void vscode.window.showErrorMessage(`AceReason: could not export ${run.runId}: ${message.replace(/^acereason export: /, '')}`, 'Show Log')
      .then((c) => c && s.output.show(true));
    return undefined;
  }
  s.output.appendLine(`[host] exported ${run.runId} to ${written}`);
  void vscode.window.showInformationMessage(`AceReason: exported ${run.runId} to ${written}`, 'Open Folder').then((c) => {
    if (!c) return;
    const uri = vscode.Uri.file(written);
    // Inside the workspace: show it in the Explorer; elsewhere: open it in a new window.
    if (vscode.workspace.getWorkspaceFolder(uri)) void vscode.commands.executeCommand('revealInExplorer', uri);
    else void vscode.commands.executeCommand('vscode.openFolder', uri, { forceNewWindow: true });
  });
  return written;
}
