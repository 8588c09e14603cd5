// The command palette entries ("AceReason: …").
import * as vscode from 'vscode';
import { newRunId } from '../core/runs/layout';
import type { Services } from './extension';
import { runsDir, settings, workspaceDir } from './settings';

export function registerCommands(s: Services): void {
  const { context, supervisor } = s;
  const reg = (id: string, fn: (...args: any[]) => unknown) => context.subscriptions.push(vscode.commands.registerCommand(id, fn));

  const start = async (phase: 'math' | 'code', resumeFrom?: string) => {
    const runId = newRunId(phase);
    try {
      await supervisor.startRun({
        runId, runsDir: runsDir(context), workspaceDir: workspaceDir(context), recipe: settings().recipe, phase, resumeFrom,
      });
      s.output.appendLine(`[host] started ${phase} run ${runId}`);
    } catch (e) {
      void vscode.window.showErrorMessage(`AceReason: could not start the trainer: ${(e as Error).message}`, 'Show Log')
        .then((c) => c && s.output.show(true));
    }
  };

  reg('acereason.startMathRL', () => start('math'));
  reg('acereason.startCodeRL', () => start('code'));
  reg('acereason.stopTraining', () => {
    if (!supervisor.stopRun()) void vscode.window.showInformationMessage('AceReason: no training is running.');
    else void vscode.window.showInformationMessage('AceReason: stopping after the current step (a checkpoint will be written).');
  });
  reg('acereason.resumeRun', (runId?: string) => start('math', typeof runId === 'string' ? runId : undefined));
  reg('acereason.showLog', () => s.output.show(true));
}
