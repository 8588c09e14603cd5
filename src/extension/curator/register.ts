// The Dataset Curator: the sidebar view, "AceReason: Curate Dataset", and "Open Dataset in Curator".
import * as vscode from 'vscode';
import type { Services } from '../services';
import { runsDir, workspaceDir } from '../settings';
import { CURATOR_VIEW_ID, CuratorViewProvider } from './provider';
import { curateDatasetCommand, DATASET_FILTERS } from './curateCommand';

export function registerCurator(s: Services): void {
  const { context, output } = s;
  const provider = new CuratorViewProvider({
    context, output, workspaceDir: () => workspaceDir(context), runsDir: () => runsDir(context),
  });
  const showInCurator = async (target: string) => {
    try {
      await provider.open(target);
    } catch (e) {
      void vscode.window.showErrorMessage(`AceReason: cannot open ${target} in the curator: ${(e as Error).message}`);
    }
  };
  context.subscriptions.push(
    provider,
    vscode.window.registerWebviewViewProvider(CURATOR_VIEW_ID, provider),
    vscode.commands.registerCommand('acereason.curateDataset', (uri?: vscode.Uri) =>
      curateDatasetCommand({ context, output, workspaceDir: () => workspaceDir(context), showInCurator }, uri instanceof vscode.Uri ? uri : undefined)),
    vscode.commands.registerCommand('acereason.openCuratorDataset', async (uri?: vscode.Uri) => {
      const target = uri instanceof vscode.Uri ? uri : (await vscode.window.showOpenDialog({
        title: 'AceReason: open a dataset file or a curation output folder in the curator',
        canSelectFiles: true, canSelectFolders: true, canSelectMany: false, filters: DATASET_FILTERS,
        defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
      }))?.[0];
      if (target) await showInCurator(target.fsPath);
    }),
    vscode.commands.registerCommand('acereason.openCuratorInEditor', async (uri?: vscode.Uri) => {
      provider.openInEditor();
      if (uri instanceof vscode.Uri) await showInCurator(uri.fsPath);
    }),
  );
}
