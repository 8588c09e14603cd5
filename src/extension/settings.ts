// Typed access to the `acereason.*` settings (declared in package.json contributes.configuration).
import * as vscode from 'vscode';
import os from 'node:os';
import path from 'node:path';
import { defaultRunsDir } from '../core/runs/layout';

export interface Settings {
  backend: string;
  pythonPath: string;
  runsFolder: string;
  recipe: string;
  /** A Hugging Face model folder offered first in Start Math/Code RL; empty: the built-in tiny model. */
  modelPath: string;
  sandboxTimeoutSeconds: number;
  sandboxMemoryMb: number;
  sandboxConcurrency: number;
}

export function settings(): Settings {
  const c = vscode.workspace.getConfiguration('acereason');
  return {
    backend: c.get<string>('trainer.backend', 'auto'),
    pythonPath: c.get<string>('pythonPath', ''),
    runsFolder: c.get<string>('runsFolder', ''),
    recipe: c.get<string>('trainer.recipe', 'demo'),
    modelPath: c.get<string>('model.path', '').trim(),
    sandboxTimeoutSeconds: c.get<number>('sandbox.timeoutSeconds', 6),
    sandboxMemoryMb: c.get<number>('sandbox.memoryMb', 1024),
    sandboxConcurrency: c.get<number>('sandbox.concurrency', 2),
  };
}

/** The workspace folder runs and labels live in (the first folder), or the extension's storage. */
export function workspaceDir(context: vscode.ExtensionContext): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder ? folder.uri.fsPath : context.globalStorageUri.fsPath;
}

export function runsDir(context: vscode.ExtensionContext): string {
  const configured = settings().runsFolder;
  const ws = workspaceDir(context);
  if (!configured) return defaultRunsDir(ws);
  return path.isAbsolute(configured) ? configured : path.join(ws, configured);
}

/** `acereason.model.path` as an absolute folder (relative paths: to the workspace folder; `~/`: home), or undefined when unset. */
export function configuredModelFolder(context: vscode.ExtensionContext): string | undefined {
  const configured = settings().modelPath;
  if (!configured) return undefined;
  if (configured === '~' || configured.startsWith('~/')) return path.join(os.homedir(), configured.slice(1));
  return path.isAbsolute(configured) ? configured : path.join(workspaceDir(context), configured);
}
