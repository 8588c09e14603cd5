// The model a run trains, and the one way it reaches the RL stages: from a Hugging Face model folder.
// A pretrained run opens the recipe's folder; the built-in character model trains from scratch in its
// own format only through the SFT warm-up, then is written as a model folder inside the run
// (<run>/sft-model, a GPT2LMHeadModel) and the RL stages load that folder exactly as they would load
// a downloaded model (fresh optimizer, the folder's tokenizer, stop ids from its generation config).
// Every checkpoint of a folder model also holds what the field loads: hf/ (full fine-tuning) or
// adapter/ (LoRA, PEFT layout), beside the trainer's exact-resume state.
import fs from 'node:fs';
import path from 'node:path';
import { writeAdapterFolder } from '../core/model/peftAdapter';
import { describeModel, type ModelSpec } from '../core/rl/recipe';
import { writeJsonAtomic } from '../core/util/atomic';
import { UserError } from '../core/util/userError';
import { CHECKPOINT_ADAPTER_DIR, CHECKPOINT_HF_DIR } from './hf/exportRun';
import { ChatPromptCodec } from './hf/chatPromptCodec';
import { ChatTemplate } from './hf/chatTemplate';
import { HfTokenizer } from './hf/hfTokenizer';
import { hfWeights } from './hf/hfWeights';
import { adapterSettings, adapterTensors, type LoraOptions } from './hf/lora';
import { ModelFolder } from './hf/modelFolder';
import { loadPretrainedModel, stopIdsOf } from './hf/pretrainedModel';
import { writeModelFolder } from './hf/writeModelFolder';
import { loadPolicy, type CharTokenizer, type PolicyConfig, type TransformerPolicy } from './model/index';
import { MODEL_SOURCE_FILE } from './rl/checkpoint';
import type { PromptCodec } from './rl/codec';

/** The built-in model after its SFT warm-up, as a model folder inside the run. */
export const SFT_MODEL_DIR = 'sft-model';

export interface RunModel {
  policy: TransformerPolicy;
  codec: PromptCodec;
  /** The model folder the run's tokenizer, template and config come from; absent while the built-in model trains in its own format. */
  folder?: string;
  /** That folder's config.json `architectures[0]`. */
  architecture?: string;
}

/** What the dashboard header and reports show of the model (run config.json's `model`). */
export interface ModelSummary {
  label: string;
  source: 'builtin' | 'pretrained';
  path?: string;
  architecture?: string;
  parameters: number;
  trainableParameters: number;
  lora?: { rank: number; alpha: number; targets: string[] };
  memoryEstimateBytes?: number;
}

export interface FolderModelOptions {
  contextLength: number;
  lora?: LoraOptions;
  seed: number;
  compactPrompts: boolean;
}

/** A model folder as the run's model: policy (full fine-tuning or LoRA) and its chat codec. */
export async function openFolderModel(dir: string, opts: FolderModelOptions): Promise<RunModel> {
  const m = await loadPretrainedModel(dir, {
    contextLength: opts.contextLength,
    ...(opts.lora ? { lora: opts.lora, loraSeed: opts.seed } : {}),
  });
  return { policy: m.policy, codec: new ChatPromptCodec(m.tokenizer, m.chat, m.stopIds, {}, opts.compactPrompts), folder: path.resolve(dir), architecture: m.config.architecture };
}

/** The codec and architecture of a model folder without loading its weights (a resumed run's policy comes from its checkpoint). */
function folderCodec(dir: string, compactPrompts: boolean): { codec: ChatPromptCodec; architecture: string } {
  const tokenizer = HfTokenizer.fromFolder(dir);
  const chat = ChatTemplate.fromFolder(dir, tokenizer);
  const folder = ModelFolder.open(dir);
  try {
    return { codec: new ChatPromptCodec(tokenizer, chat, stopIdsOf(tokenizer, chat, folder.generation), {}, compactPrompts), architecture: folder.config.architecture };
  } finally {
    folder.close();
  }
}

/** A checkpoint's model: a folder model if the checkpoint names its folder, else the built-in model's own format (undefined). */
export async function resumeFolderModel(checkpointDir: string, compactPrompts: boolean): Promise<RunModel | undefined> {
  const file = path.join(checkpointDir, MODEL_SOURCE_FILE);
  if (!fs.existsSync(file)) return undefined;
  let folder: unknown;
  try {
    folder = JSON.parse(fs.readFileSync(file, 'utf8')).folder;
  } catch (e) {
    throw new UserError(`unreadable: ${(e as Error).message}`, { file });
  }
  if (typeof folder !== 'string' || folder === '') throw new UserError("field 'folder' must name the model folder", { file, field: 'folder' });
  folder = path.resolve(checkpointDir, folder);
  if (!fs.existsSync(folder as string)) throw new UserError(`the model folder this run trains (${folder}) no longer exists; put it back to resume`, { file, field: 'folder' });
  const { codec, architecture } = folderCodec(folder as string, compactPrompts);
  const policy = await loadPolicy(checkpointDir);
  return { policy, codec, folder: folder as string, architecture };
}

/**
 * Writes the built-in model (after its SFT warm-up) as <runDir>/sft-model and opens it from there,
 * as any downloaded model: the optimizer starts fresh.
 */
export async function publishBuiltinModel(runDir: string, policyConfig: PolicyConfig, weights: Float32Array[], tokenizer: CharTokenizer, opts: Omit<FolderModelOptions, 'lora'>): Promise<RunModel> {
  const dir = path.join(runDir, SFT_MODEL_DIR);
  fs.rmSync(dir, { recursive: true, force: true });
  writeModelFolder(dir, { kind: 'builtin', policyConfig, weights: { variables: weights }, tokenizer });
  return openFolderModel(dir, opts);
}

/** hf/ or adapter/ (and which folder the model comes from) into a checkpoint being written. */
export function writeFieldFormats(checkpointDir: string, model: RunModel): void {
  if (!model.folder) return;
  // A folder inside the run (sft-model) is recorded relative to the checkpoint, so a moved runs folder still resumes.
  const runDir = path.resolve(checkpointDir, '..', '..');
  const inside = model.folder.startsWith(runDir + path.sep);
  writeJsonAtomic(path.join(checkpointDir, MODEL_SOURCE_FILE), { folder: inside ? path.relative(path.resolve(checkpointDir), model.folder) : model.folder });
  const spec = model.policy.network.spec;
  if (spec.kind === 'decoder' && spec.lora) {
    writeAdapterFolder(path.join(checkpointDir, CHECKPOINT_ADAPTER_DIR), adapterSettings(model.policy), adapterTensors(model.policy));
    return;
  }
  const weights = spec.kind === 'decoder' ? { source: hfWeights(model.policy).source } : { variables: model.policy.getWeights() };
  writeModelFolder(path.join(checkpointDir, CHECKPOINT_HF_DIR), { kind: 'pretrained', sourceDir: model.folder, weights });
}

export function summarizeModel(spec: ModelSpec, model: RunModel, memoryEstimateBytes?: number): ModelSummary {
  const architecture = model.architecture;
  const lora = spec.source === 'pretrained' && spec.lora ? { rank: spec.lora.rank, alpha: spec.lora.alpha, targets: [...spec.lora.targets] } : undefined;
  return {
    label: spec.source === 'builtin' ? `built-in ${describeModel(spec)}` : path.basename(spec.path),
    source: spec.source,
    ...(spec.source === 'pretrained' ? { path: spec.path } : {}),
    ...(architecture ? { architecture } : {}),
    parameters: model.policy.parameterCount(),
    trainableParameters: model.policy.trainableParameterCount(),
    ...(lora ? { lora } : {}),
    ...(memoryEstimateBytes !== undefined ? { memoryEstimateBytes } : {}),
  };
}
