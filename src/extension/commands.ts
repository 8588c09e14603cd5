// The command palette entries that start and steer training ("AceReason: …"). Every command takes
// an optional argument so tests and other code can skip the quick picks:
//   startMathRL({ dataset?: string | null, recipe?: string, model?: StartModelChoice })
//                                                                 dataset null = built-in demo tasks; no model = the recipe's
//   startCodeRL(runId | { runId, recipe? })                       continue that run's checkpoint (and its model)
//   resumeRun(runId | run dir | Runs-view item)                   continue a stopped or crashed run
// Each start command resolves to the new run's id (undefined when cancelled).
import * as vscode from 'vscode';
import fs from 'node:fs';
import path from 'node:path';
import { parseStartRunRequest, StartModelChoice, type StartRunRequest, type TrainerMessage } from '../core/protocol/trainer';
import { sniffDatasetDomain, validateLaunch, type LaunchDomain } from '../core/launch/validateLaunch';
import { loadRecipeFile, type Recipe } from '../core/rl/recipe';
import { preset, presetNames } from '../core/rl/presets';
import { newRunId, runPaths } from '../core/runs/layout';
import { hasCheckpoint, listRunIds, RunSummaries } from '../core/runs/runSummary';
import type { Services } from './services';
import { pickModel } from './modelPick';
import { runsDir, settings, workspaceDir } from './settings';

const PRESETS = [
  { label: 'demo', detail: 'A tiny policy on the built-in tasks: minutes on a laptop CPU, to see every stage work' },
  { label: 'acereason', detail: 'The paper\'s curriculum (8K → 16K → 24K math, 24K → 32K code), scaled by the recipe file' },
];
const BUILTIN_DATASET = 'Built-in demo tasks';
const CURATE_FIRST = 'Curate a file first…';

interface StartMathArgs { dataset?: string | null; recipe?: string; model?: StartModelChoice }

/** The last status the trainer reported for each run id. */
const lastStatus = new Map<string, string>();

/** True while the extension's trainer is busy with a run that has not ended. */
function trainingInProgress(s: Services): string | undefined {
  const run = s.supervisor.activeRun;
  if (!s.supervisor.running || !run) return undefined;
  const status = lastStatus.get(run.runId);
  return status === 'crashed' || status === 'stopped' || status === 'finished' ? undefined : run.runId;
}

/** How long the start-up notification waits for the first training step before giving up. */
const STARTUP_NOTIFICATION_MS = 10 * 60_000;

export function registerCommands(s: Services): void {
  const { context } = s;
  const reg = (id: string, fn: (...args: any[]) => unknown) => context.subscriptions.push(vscode.commands.registerCommand(id, fn));
  // A run the trainer reported as crashed leaves the process alive: only an unfinished run blocks a new one.
  context.subscriptions.push(s.supervisor.onMessage((m) => { if (m.type === 'status') lastStatus.set(m.runId, m.status); }));
  reg('acereason.startMathRL', (arg?: StartMathArgs) => startMathRL(s, arg));
  reg('acereason.startCodeRL', (arg?: unknown) => startCodeRL(s, arg));
  reg('acereason.stopTraining', () => {
    const run = s.supervisor.activeRun?.runId;
    if (!s.supervisor.stopRun()) void vscode.window.showInformationMessage('AceReason: no training is running.');
    else void vscode.window.showInformationMessage(`AceReason: stopping ${run} after the current step (a checkpoint will be written).`);
  });
  reg('acereason.resumeRun', (arg?: unknown) => resumeRun(s, arg));
  reg('acereason.showLog', () => s.output.show(true));
}

/** Starts a run, shows start-up progress until its first step, and opens its dashboard. */
async function start(s: Services, request: Omit<StartRunRequest, 'runsDir' | 'workspaceDir'>): Promise<string | undefined> {
  const busy = trainingInProgress(s);
  if (busy) {
    const choice = await vscode.window.showWarningMessage(`AceReason: run ${busy} is still training. Stop it first.`, 'Stop Training');
    if (choice) await vscode.commands.executeCommand('acereason.stopTraining');
    return undefined;
  }
  // The trainer drops a malformed request; say here which field is wrong instead.
  const parsed = parseStartRunRequest({ ...request, runsDir: runsDir(s.context), workspaceDir: workspaceDir(s.context) });
  if (!parsed.ok) {
    s.output.appendLine(`[host] invalid start request: ${parsed.error}`);
    void vscode.window.showErrorMessage(`AceReason: cannot start the run: ${parsed.error}`);
    return undefined;
  }
  const full = parsed.value;
  const firstStep = waitForFirstStep(s, full.runId);
  try {
    await s.supervisor.startRun(full);
  } catch (e) {
    firstStep.cancel();
    s.output.appendLine(`[host] could not start run ${full.runId}: ${(e as Error).message}`);
    void vscode.window.showErrorMessage(`AceReason: could not start the trainer: ${(e as Error).message}`, 'Show Log')
      .then((c) => c && s.output.show(true));
    return undefined;
  }
  const model = full.model ? ` on ${full.model.path} (${full.model.lora ? `LoRA rank ${full.model.lora.rank}` : 'full fine-tuning'})` : '';
  s.output.appendLine(`[host] started ${full.phase} run ${full.runId}${full.resumeFrom ? ` from ${full.resumeFrom}` : ''}${model}`);
  void vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `AceReason: ${full.runId}`, cancellable: false },
    (progress) => firstStep.wait((text) => progress.report({ message: text })),
  );
  await vscode.commands.executeCommand('acereason.openDashboard', { kind: 'run', runsDir: full.runsDir, runId: full.runId });
  return full.runId;
}

/** Reports the trainer's log lines as progress until the run's first step (or its end). */
function waitForFirstStep(s: Services, runId: string): { wait(report: (text: string) => void): Promise<void>; cancel(): void } {
  let finish: () => void = () => {};
  const done = new Promise<void>((resolve) => { finish = resolve; });
  let report: (text: string) => void = () => {};
  const sub = s.supervisor.onMessage((m: TrainerMessage) => {
    if (m.type === 'log' && m.level !== 'debug') report(m.message.split('\n')[0].slice(0, 200));
    if ((m.type === 'progress' || m.type === 'metrics') && m.runId === runId) finish();
    if (m.type === 'status' && m.runId === runId && m.status !== 'starting' && m.status !== 'running') finish();
  });
  const exit = s.supervisor.onExit(() => finish());
  const timer = setTimeout(finish, STARTUP_NOTIFICATION_MS);
  void done.then(() => { sub.dispose(); exit.dispose(); clearTimeout(timer); });
  return { wait: (r) => { report = r; report('selecting the TensorFlow.js backend, preparing the policy (SFT warm-up)…'); return done; }, cancel: finish };
}

/**
 * The dataset quick pick opens at once with the default ("Built-in demo tasks") selected, then
 * lists the workspace's dataset files of the run's domain as the search finds them (a code file is
 * never offered for Math RL), so Enter right away takes the default.
 */
async function pickDataset(domain: LaunchDomain, title: string, offerBuiltin = true): Promise<{ dataset: string | undefined } | undefined> {
  type Item = vscode.QuickPickItem & { dataset?: string };
  const builtin: Item = { label: BUILTIN_DATASET, detail: 'Arithmetic and short word problems bundled with the extension — no files needed' };
  const curate: Item = { label: CURATE_FIRST, detail: 'Run "AceReason: Curate Dataset" on a raw file, then start from its curated.jsonl' };
  const fixed = offerBuiltin ? [builtin] : [];
  const qp = vscode.window.createQuickPick<Item>();
  qp.title = title;
  qp.placeholder = `Training prompts (${domain})`;
  qp.items = [...fixed, curate];
  if (offerBuiltin) qp.activeItems = [builtin];
  qp.busy = !!vscode.workspace.workspaceFolders?.length;
  const picked = new Promise<Item | undefined>((resolve) => {
    qp.onDidAccept(() => { resolve(qp.selectedItems[0] ?? qp.activeItems[0]); qp.hide(); });
    qp.onDidHide(() => resolve(undefined));
  });
  qp.show();
  if (qp.busy) {
    void datasetFilesOf(domain)
      .then((found) => {
        const isCurated = (u: vscode.Uri) => u.fsPath.endsWith('curated.jsonl');
        const files = found.sort((a, b) => Number(isCurated(b)) - Number(isCurated(a)) || a.fsPath.localeCompare(b.fsPath))
          .map((u): Item => ({ label: vscode.workspace.asRelativePath(u), description: isCurated(u) ? `curated ${domain}` : domain, dataset: u.fsPath }));
        const active = qp.activeItems[0];
        qp.items = [...fixed, ...files, curate];
        const again = active && qp.items.find((i) => i.label === active.label);
        if (again) qp.activeItems = [again];
      }, () => undefined)
      .then(() => { qp.busy = false; });
  }
  const choice = await picked;
  qp.dispose();
  if (!choice) return undefined;
  if (choice.label === CURATE_FIRST) {
    await vscode.commands.executeCommand('acereason.curateDataset');
    return undefined;
  }
  return { dataset: choice.dataset };
}

/** Workspace dataset files whose first rows hold problems of `domain` (files of unknown layout are left out). */
async function datasetFilesOf(domain: LaunchDomain): Promise<vscode.Uri[]> {
  // JSONL only: its first rows are read line by line here (a Parquet row group would be read whole).
  const found = await vscode.workspace.findFiles('**/*.jsonl', '{**/node_modules/**,**/.acereason/runs/**,**/.acereason/cache/**,**/labels.jsonl,**/removed.jsonl,**/passrates.jsonl}', 200);
  const domains = await Promise.all(found.map((u) => sniffDatasetDomain(u.fsPath, 5).catch(() => undefined)));
  return found.filter((_, i) => domains[i] === domain);
}

/** The recipe a name stands for: a preset, or a recipe file (relative to the workspace). */
function resolveRecipeName(name: string, workspace: string): Recipe {
  if (presetNames().includes(name)) return preset(name);
  return loadRecipeFile(path.isAbsolute(name) ? name : path.join(workspace, name));
}

/**
 * Checks the launch before any process starts. Errors stop it with a notification naming the
 * problem; warnings ask before going on (interactive launches) or go to the log (scripted ones).
 * Returns true when the run may start.
 */
export async function checkLaunch(s: Services, recipeName: string, dataset: string | undefined, domain: LaunchDomain, interactive: boolean): Promise<boolean> {
  let check;
  try {
    check = await validateLaunch({ recipe: resolveRecipeName(recipeName, workspaceDir(s.context)), datasetPath: dataset, domain });
  } catch (e) {
    check = { errors: [(e as Error).message.split('\n').join(' ')], warnings: [] };
  }
  for (const e of check.errors) s.output.appendLine(`[host] cannot start ${domain} RL: ${e}`);
  for (const w of check.warnings) s.output.appendLine(`[host] ${domain} RL warning: ${w}`);
  if (check.errors.length) {
    const more = check.errors.length > 1 ? ` (and ${check.errors.length - 1} more problem(s): Show Log)` : '';
    void vscode.window.showErrorMessage(`AceReason: cannot start ${domain} RL: ${check.errors[0]}${more}`, 'Show Log').then((c) => c && s.output.show(true));
    return false;
  }
  if (check.warnings.length && interactive) {
    const go = await vscode.window.showWarningMessage(`AceReason: ${check.warnings.join(' ')}`, { modal: true }, 'Start Anyway');
    return go === 'Start Anyway';
  }
  return true;
}

/**
 * Presets in order (demo first), except that a recipe the user configured in
 * `acereason.trainer.recipe` comes first: Enter always takes the configured default.
 */
export function recipeItems(configured: string): vscode.QuickPickItem[] {
  const items: vscode.QuickPickItem[] = PRESETS.map((p) => ({ ...p }));
  const i = items.findIndex((p) => p.label === configured);
  if (i > 0) items.unshift(...items.splice(i, 1));
  else if (i < 0 && configured) items.unshift({ label: configured, description: 'acereason.trainer.recipe setting', detail: 'The recipe file configured in the settings' });
  return items;
}

async function pickRecipe(title: string): Promise<string | undefined> {
  return (await vscode.window.showQuickPick(recipeItems(settings().recipe), { title, placeHolder: 'Recipe preset' }))?.label;
}

async function startMathRL(s: Services, arg?: StartMathArgs): Promise<string | undefined> {
  let dataset: string | undefined;
  const scripted = !!arg && typeof arg === 'object' && 'dataset' in arg;
  if (scripted) dataset = arg!.dataset ?? undefined;
  else {
    const choice = await pickDataset('math', 'AceReason: Start Math RL (1/3) — dataset');
    if (!choice) return undefined;
    dataset = choice.dataset;
  }
  const recipe = arg?.recipe ?? (await pickRecipe('AceReason: Start Math RL (2/3) — recipe'));
  if (!recipe) return undefined;
  if (!(await checkLaunch(s, recipe, dataset, 'math', !scripted))) return undefined;
  let model = arg?.model;
  if (!scripted) {
    const picked = await pickModel(s.context, 'AceReason: Start Math RL (3/3) — model');
    if (!picked) return undefined;
    model = picked.model;
  }
  return start(s, { runId: newRunId('math'), recipe, phase: 'math', dataset, ...(model ? { model } : {}) });
}

/** A run id from a command argument: a string id or folder, or an object with `runId` (tree items). */
function runIdFrom(arg: unknown): string | undefined {
  if (typeof arg === 'string' && arg) return path.basename(arg);
  if (arg && typeof arg === 'object' && typeof (arg as { runId?: unknown }).runId === 'string') return (arg as { runId: string }).runId;
  return undefined;
}

function readConfig(runsDirPath: string, runId: string): Record<string, unknown> {
  try {
    return JSON.parse(fs.readFileSync(runPaths(runsDirPath, runId).config, 'utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** The dataset to pass again when continuing a run: config `dataset`, else the recipe's data file. */
function datasetOf(config: Record<string, unknown>, phase: 'math' | 'code' | 'all'): string | undefined {
  if (typeof config.dataset === 'string') return config.dataset;
  const data = (config.recipe as { data?: { source?: unknown; math?: unknown; code?: unknown } } | undefined)?.data;
  if (data?.source !== 'files') return undefined;
  const file = phase === 'code' ? data.code ?? data.math : data.math ?? data.code;
  return typeof file === 'string' ? file : undefined;
}

/**
 * The recipe to continue a run with: the string it was started with, or its preset name. A recipe
 * that came from a file is known only by its resolved copy in config.json, so the caller falls back
 * to the configured recipe (where that file came from).
 */
function recipeOf(config: Record<string, unknown>): string | undefined {
  if (typeof config.recipe === 'string') return config.recipe;
  const name = (config.recipe as { name?: unknown } | undefined)?.name;
  return typeof name === 'string' && PRESETS.some((p) => p.label === name) ? name : undefined;
}

/**
 * The model a run trained, to pass again when continuing its checkpoint: its recipe's model folder
 * and LoRA settings (a preset name alone would rebuild the built-in model). Undefined for a built-in run.
 */
function modelOf(config: Record<string, unknown>): StartModelChoice | undefined {
  const m = (config.recipe as { model?: { source?: unknown; path?: unknown; lora?: { rank?: unknown; alpha?: unknown; dropout?: unknown; targets?: unknown } } } | undefined)?.model;
  if (m?.source !== 'pretrained') return undefined;
  const lora = m.lora ? { rank: m.lora.rank, alpha: m.lora.alpha, targets: m.lora.targets, ...(m.lora.dropout ? { dropout: m.lora.dropout } : {}) } : undefined;
  const parsed = StartModelChoice.safeParse({ path: m.path, ...(lora ? { lora } : {}) });
  return parsed.success ? parsed.data : undefined;
}

const CODE_FROM_MODEL = 'Start from a model instead…';

async function startCodeRL(s: Services, arg?: unknown): Promise<string | undefined> {
  const dir = runsDir(s.context);
  let from = runIdFrom(arg);
  if (!from) {
    const withCheckpoint = listRunIds(dir).filter((id) => hasCheckpoint(runPaths(dir, id).dir));
    const fromModel = { label: CODE_FROM_MODEL, detail: 'Code RL straight on the built-in tiny model or a Hugging Face model folder, with no math RL before it' };
    const picked = await vscode.window.showQuickPick([
      ...withCheckpoint.map((id) => {
        const model = modelOf(readConfig(dir, id));
        return { label: id, description: model ? `${path.basename(model.path)} · ${model.lora ? `LoRA rank ${model.lora.rank}` : 'full fine-tuning'}` : 'built-in tiny model' };
      }),
      fromModel,
    ], {
      title: 'AceReason: Start Code RL — continue from which run\'s checkpoint?',
      placeHolder: withCheckpoint.length ? 'Code RL continues a math run\'s checkpoint (the recipe\'s order)' : 'No run has a checkpoint yet: start Math RL first, or start code RL on a model',
    });
    if (!picked) return undefined;
    if (picked === fromModel) return startCodeRLFromModel(s);
    from = picked.label;
  }
  if (!hasCheckpoint(runPaths(dir, from).dir)) {
    void vscode.window.showErrorMessage(`AceReason: run ${from} has no checkpoint in ${runPaths(dir, from).checkpoints}.`);
    return undefined;
  }
  const config = readConfig(dir, from);
  const args = arg && typeof arg === 'object' ? arg as { recipe?: unknown; dataset?: unknown } : {};
  const recipe = typeof args.recipe === 'string' ? args.recipe : recipeOf(config) ?? settings().recipe;
  let dataset = typeof args.dataset === 'string' ? args.dataset : datasetOf(config, 'code');
  // A math run on a math file has no code prompts: ask for a code file rather than launch a run that fails.
  if (dataset && !fs.statSync(dataset, { throwIfNoEntry: false })?.isDirectory() && (await sniffDatasetDomain(dataset, 5).catch(() => undefined)) !== 'code') {
    const choice = await pickDataset('code', `AceReason: Start Code RL — code problems to continue ${from} on`, false);
    if (!choice) return undefined;
    dataset = choice.dataset;
  }
  if (!(await checkLaunch(s, recipe, dataset, 'code', typeof args.recipe !== 'string'))) return undefined;
  const model = modelOf(config);
  return start(s, { runId: newRunId('code'), recipe, phase: 'code', resumeFrom: runPaths(dir, from).dir, dataset, ...(model ? { model } : {}) });
}

/** Code RL with no checkpoint before it: dataset, recipe and model picked as for Math RL. */
async function startCodeRLFromModel(s: Services): Promise<string | undefined> {
  const choice = await pickDataset('code', 'AceReason: Start Code RL (1/3) — dataset');
  if (!choice) return undefined;
  const recipe = await pickRecipe('AceReason: Start Code RL (2/3) — recipe');
  if (!recipe) return undefined;
  if (!(await checkLaunch(s, recipe, choice.dataset, 'code', true))) return undefined;
  const picked = await pickModel(s.context, 'AceReason: Start Code RL (3/3) — model');
  if (!picked) return undefined;
  return start(s, { runId: newRunId('code'), recipe, phase: 'code', dataset: choice.dataset, ...(picked.model ? { model: picked.model } : {}) });
}

async function resumeRun(s: Services, arg?: unknown): Promise<string | undefined> {
  const dir = typeof arg === 'string' && path.isAbsolute(arg) ? path.dirname(arg) : runsDir(s.context);
  let runId = runIdFrom(arg);
  if (!runId) {
    const summaries = new RunSummaries().summarizeAll(dir, s.supervisor.running ? s.supervisor.activeRun?.runId : undefined)
      // A run that never wrote a checkpoint has nothing to resume from.
      .filter((r) => (r.status === 'stopped' || r.status === 'crashed') && r.hasCheckpoint);
    if (!summaries.length) {
      void vscode.window.showInformationMessage('AceReason: no stopped or crashed run has a checkpoint to resume from.');
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(summaries.map((r) => ({
      label: r.runId, description: r.status, detail: r.lastStep !== undefined ? `last step ${r.lastStep}${r.stage ? ` · ${r.stage}` : ''}` : 'no steps yet',
    })), { title: 'AceReason: Resume Run' });
    if (!picked) return undefined;
    runId = picked.label;
  }
  if (!fs.existsSync(runPaths(dir, runId).dir)) {
    void vscode.window.showErrorMessage(`AceReason: there is no run folder ${runPaths(dir, runId).dir}.`);
    return undefined;
  }
  if (!hasCheckpoint(runPaths(dir, runId).dir)) {
    void vscode.window.showErrorMessage(`AceReason: run ${runId} stopped before its first checkpoint, so there is nothing to resume; start a new run.`);
    return undefined;
  }
  const config = readConfig(dir, runId);
  const phase = config.phase === 'code' || config.phase === 'all' ? config.phase : 'math';
  const model = modelOf(config);
  return start(s, {
    runId, recipe: recipeOf(config) ?? settings().recipe, phase, resumeFrom: runPaths(dir, runId).dir,
    dataset: datasetOf(config, phase), ...(model ? { model } : {}),
  });
}
