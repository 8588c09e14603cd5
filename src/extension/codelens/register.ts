// The code-verification CodeLens on solution documents (.py, .js, Markdown with a fenced block).
import * as vscode from 'vscode';
import type { Services } from '../services';
import { settings, workspaceDir } from '../settings';
import { CodeSandbox } from '../../core/reward/code';
import { SolutionCodeLensProvider, VERIFY_COMMAND } from './provider';

const SELECTOR: vscode.DocumentSelector = [{ language: 'python' }, { language: 'javascript' }, { language: 'markdown' }];

export function registerCodeLens(s: Services): void {
  const { context, output } = s;
  // Started on the first click only: it keeps warm Python workers.
  let sandbox: CodeSandbox | undefined;
  const provider = new SolutionCodeLensProvider({
    output,
    workspaceDir: () => (vscode.workspace.workspaceFolders?.length ? workspaceDir(context) : undefined),
    sandbox: () => {
      if (!sandbox) {
        const c = settings();
        sandbox = new CodeSandbox({
          concurrency: c.sandboxConcurrency, python: c.pythonPath || undefined,
          timeoutS: c.sandboxTimeoutSeconds, memoryMb: c.sandboxMemoryMb,
          log: (m) => output.appendLine(`[sandbox] ${m}`),
        });
      }
      return sandbox;
    },
    limits: () => ({ timeoutS: settings().sandboxTimeoutSeconds, memoryMb: settings().sandboxMemoryMb }),
  });
  context.subscriptions.push(
    provider,
    { dispose: () => sandbox?.close() },
    vscode.languages.registerCodeLensProvider(SELECTOR, provider),
    vscode.languages.registerHoverProvider(SELECTOR, provider),
    vscode.commands.registerCommand(VERIFY_COMMAND, (uri?: unknown, startLine?: unknown) =>
      provider.verify(uri instanceof vscode.Uri ? uri : undefined, typeof startLine === 'number' ? startLine : undefined)),
  );
}
