// Activation: wire the trainer supervisor, status bar, commands and views. Heavy work lives in the
// trainer process; nothing here blocks activation.
import * as vscode from 'vscode';
import { TrainerSupervisor } from './supervisor';
import { TrainerStatusBar } from './statusBar';
import { registerCommands } from './commands';
import { registerViews } from './views';
import type { Services } from './services';


let services: Services | undefined;

export function activate(context: vscode.ExtensionContext): Services {
  const output = vscode.window.createOutputChannel('AceReason');
  const supervisor = new TrainerSupervisor(context.extensionUri, output);
  services = { context, output, supervisor };
  context.subscriptions.push(output, new TrainerStatusBar(supervisor));
  registerCommands(services);
  registerViews(services);
  output.appendLine('[host] AceReason Studio activated');
  return services;
}

export async function deactivate(): Promise<void> {
  await services?.supervisor.dispose();
}
