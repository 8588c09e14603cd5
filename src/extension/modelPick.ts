// The model step of Start Math RL / Start Code RL: the built-in tiny model (the default), the folder
// of `acereason.model.path`, or a folder chosen in the open dialog; then, for a model folder, LoRA or
// full fine-tuning. A folder that is not a model folder is named in a notification and in the pick
// shown again, so the user can choose another without starting over.
import * as vscode from 'vscode';
import path from 'node:path';
import { DEFAULT_EDITOR_LORA, type StartModelChoice } from '../core/protocol/trainer';
import { checkModelFolder } from './modelFolder';
import { configuredModelFolder } from './settings';

export const BUILTIN_MODEL = 'Built-in tiny model';
export const CHOOSE_MODEL_FOLDER = 'Choose model folder…';
export const LORA_TUNING = `LoRA (rank ${DEFAULT_EDITOR_LORA.rank}, alpha ${DEFAULT_EDITOR_LORA.alpha}, all projections)`;
export const FULL_TUNING = 'Full fine-tuning';

type ModelItem = vscode.QuickPickItem & { folder?: string; choose?: boolean };

/** The picked model: `model` undefined = the recipe's own (built-in) model. Undefined when cancelled. */
export async function pickModel(context: vscode.ExtensionContext, title: string): Promise<{ model: StartModelChoice | undefined } | undefined> {
  let problem: string | undefined;
  for (;;) {
    const configured = configuredModelFolder(context);
    const items: ModelItem[] = [{ label: BUILTIN_MODEL, detail: 'The recipe\'s character-level model, trained from scratch — no files needed' }];
    if (configured) {
      const check = checkModelFolder(configured);
      items.push({
        label: path.basename(configured) || configured, description: 'acereason.model.path', folder: configured,
        detail: check.ok ? `${check.summary} — ${configured}` : `$(warning) ${check.problem}`,
      });
    }
    items.push({ label: CHOOSE_MODEL_FOLDER, choose: true, detail: 'A Hugging Face model folder (config.json, model.safetensors, tokenizer.json): Llama, Qwen2, Qwen3, Mistral' });
    const picked = await vscode.window.showQuickPick(items, {
      // Placeholders show no icons and little text: the folder's name and the reason (the notification has the full path).
      title, placeHolder: problem ? `⚠ ${problem} — choose another` : 'Model to train', ignoreFocusOut: !!problem,
    });
    if (!picked) return undefined;
    if (!picked.folder && !picked.choose) return { model: undefined };
    let folder = picked.folder;
    if (picked.choose) {
      const uris = await vscode.window.showOpenDialog({
        canSelectFolders: true, canSelectFiles: false, canSelectMany: false, openLabel: 'Use This Model',
        title: 'Choose a Hugging Face model folder (config.json, model.safetensors, tokenizer.json)',
        defaultUri: configured ? vscode.Uri.file(configured) : vscode.workspace.workspaceFolders?.[0]?.uri,
      });
      if (!uris?.length) { problem = undefined; continue; }
      folder = uris[0].fsPath;
    }
    const check = checkModelFolder(folder!);
    if (!check.ok) {
      problem = `${path.basename(check.dir)}: not a model folder (${check.reason})`;
      void vscode.window.showErrorMessage(`AceReason: ${check.problem}`);
      continue;
    }
    const tuning = await pickTuning(`${title} — how to train ${path.basename(check.dir)}`, check.summary);
    if (!tuning) return undefined;
    return { model: { path: check.dir, ...(tuning === 'lora' ? { lora: { ...DEFAULT_EDITOR_LORA, targets: [...DEFAULT_EDITOR_LORA.targets] } } : {}) } };
  }
}

async function pickTuning(title: string, summary: string): Promise<'lora' | 'full' | undefined> {
  const items: (vscode.QuickPickItem & { tuning: 'lora' | 'full' })[] = [
    { label: LORA_TUNING, tuning: 'lora', detail: 'Trains small adapters beside q/k/v/o and gate/up/down (PEFT: W + alpha/rank · B·A): a few % of the parameters, far less memory; checkpoints hold adapter/' },
    { label: FULL_TUNING, tuning: 'full', detail: 'Trains every weight: gradients and Adam state for all parameters (about 4× the fp32 weights); checkpoints hold hf/' },
  ];
  return (await vscode.window.showQuickPick(items, { title, placeHolder: summary }))?.tuning;
}
