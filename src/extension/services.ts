// What every part of the extension is handed at activation: the context, the output channel and
// the trainer supervisor. Its own module so features never import the activation file.
import type * as vscode from 'vscode';
import type { TrainerSupervisor } from './supervisor';

export interface Services {
  context: vscode.ExtensionContext;
  output: vscode.OutputChannel;
  supervisor: TrainerSupervisor;
}
