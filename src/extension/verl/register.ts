// "AceReason: Launch on verl": export a curated dataset, generate one launch script per stage, open
// them for reading, and type (not run) the first command into a terminal. Nothing starts on its own.
import * as vscode from 'vscode';
import fs from 'node:fs';
import path from 'node:path';
import type { Services } from '../services';
import type { ExportReport } from '../../core/verl/export';
import { runJobWithProgress } from '../jobProgress';
import { writeRewardModule } from '../../core/verl/rewardModule';
import { buildLaunchPlan, DEFAULT_LAUNCH_OPTIONS, LAUNCH_MODES, type LaunchMode } from '../../core/verl/launch';
import { loadRecipeFile, type Recipe } from '../../core/rl/recipe';
import { preset, presetNames } from '../../core/rl/presets';
import { labelsFile, acereasonDir } from '../../core/runs/layout';
import { writeFileAtomic } from '../../core/util/atomic';
import { workspaceDir } from '../settings';
import { registerVerlWatch } from './watch';

const MODE_LABELS: Record<LaunchMode, string> = {
  local: 'Local Ray head on this machine (ray start --head, then the trainer)',
  'ray-job': 'Existing Ray cluster (ray job submit --address …)',
  slurm: 'Slurm (sbatch script that starts Ray on the allocated nodes)',
};

export function registerVerlLaunch(s: Services): void {
  s.context.subscriptions.push(vscode.commands.registerCommand('acereason.launchVerl', () => launch(s)));
  registerVerlWatch(s);
}

async function launch(s: Services): Promise<void> {
  const ws = workspaceDir(s.context);
  const curated = await vscode.window.showOpenDialog({
    title: 'AceReason: curated JSONL to train on (output of Curate Dataset)', canSelectMany: true,
    filters: { 'Curated JSONL': ['jsonl'] }, defaultUri: vscode.Uri.file(ws),
  });
  if (!curated?.length) return;
  const recipeItems = [...presetNames().map((n) => ({ label: n, description: n === 'acereason' ? 'the paper\'s schedule' : '' })), { label: 'Recipe file…', description: '' }];
  const recipePick = await vscode.window.showQuickPick(recipeItems, { title: 'Recipe' });
  if (!recipePick) return;
  let recipe: Recipe;
  try {
    if (recipePick.label === 'Recipe file…') {
      const f = await vscode.window.showOpenDialog({ filters: { 'Recipe JSON': ['json'] } });
      if (!f?.[0]) return;
      recipe = loadRecipeFile(f[0].fsPath);
    } else {
      recipe = preset(recipePick.label);
    }
  } catch (e) {
    void vscode.window.showErrorMessage(`AceReason: ${(e as Error).message}`);
    return;
  }
  const model = await vscode.window.showInputBox({ title: 'Starting policy (HF id or path on the cluster)', value: 'deepseek-ai/DeepSeek-R1-Distill-Qwen-7B' });
  if (!model) return;
  const modePick = await vscode.window.showQuickPick(LAUNCH_MODES.map((m) => ({ label: m, description: MODE_LABELS[m] })), { title: 'Where to run' });
  if (!modePick) return;
  const mode = modePick.label as LaunchMode;

  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
  const root = path.join(acereasonDir(ws), 'verl', `${recipe.name}-${stamp}`);
  const dataDir = path.join(root, 'data');
  try {
    // Parquet writing of a large dataset happens in the job process, not the extension host.
    const report = await runJobWithProgress(s.context, 'AceReason: exporting for verl', {
      kind: 'exportVerl', inputs: curated.map((u) => u.fsPath), outDir: dataDir, labelsFile: labelsFile(ws),
    }) as ExportReport;
    writeRewardModule(dataDir, DEFAULT_LAUNCH_OPTIONS.rewardUrl);
    const plan = buildLaunchPlan(recipe, { ...DEFAULT_LAUNCH_OPTIONS, modelPath: model, dataDir, outputDir: path.join(root, 'outputs'), mode });
    const scriptsDir = path.join(root, 'scripts');
    fs.mkdirSync(scriptsDir, { recursive: true });
    for (const st of plan) {
      writeFileAtomic(path.join(scriptsDir, st.fileName), st.script);
      fs.chmodSync(path.join(scriptsDir, st.fileName), 0o755);
    }
    s.output.appendLine(`[verl] exported ${report.files.map((f) => `${path.basename(f.file)} (${f.rows})`).join(', ')}; ${report.excludedByLabel} excluded by labels; ${report.skippedLines.length} bad lines skipped`);
    s.output.appendLine(`[verl] ${plan.length} ${mode} scripts in ${scriptsDir}`);
    const doc = await vscode.workspace.openTextDocument(path.join(scriptsDir, plan[0].fileName));
    await vscode.window.showTextDocument(doc, { preview: false });
    const terminal = vscode.window.createTerminal({ name: 'AceReason verl', cwd: scriptsDir });
    terminal.show();
    // Typed, not run: the user reads the script and presses Enter.
    terminal.sendText(`${mode === 'slurm' ? 'sbatch' : 'bash'} ${plan[0].fileName}`, false);
    void vscode.window.showInformationMessage(
      `AceReason: ${plan.length} verl launch scripts written. Start the reward service (acereason serve --port 8321) where verl can reach it, read ${plan[0].fileName}, then press Enter in the terminal.`);
  } catch (e) {
    void vscode.window.showErrorMessage(`AceReason: ${(e as Error).message}`);
  }
}
