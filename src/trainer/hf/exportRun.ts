// `acereason export hf`: a pretrained run's checkpoint as a folder the field loads. A checkpoint holds
// `hf/` (full fine-tuning: already a transformers model folder) or `adapter/` (LoRA: a PEFT adapter
// whose base_model_name_or_path is the base folder). `hf/` is copied; `adapter/` is copied as it is,
// or merged into its base (W + lora_alpha/r · B·A, PeftAdapter.apply) and written as a full model
// folder in the base model's dtype, one tensor at a time. The output folder appears whole or not at all.
import fs from 'node:fs';
import path from 'node:path';
import { writeHfModelFolder } from '../../core/model/hfModelFolder';
import { ADAPTER_CONFIG_FILE } from '../../core/model/peftAdapterReader';
import { WRITE_DTYPES, type TensorSpec, type WriteDtype } from '../../core/model/safetensorsWriter';
import { publishDirAtomic } from '../../core/util/atomic';
import { UserError } from '../../core/util/userError';
import { TRAINER_STATE_FILE } from '../rl/checkpoint';
import { PeftAdapter, readAdapterSettings } from './applyAdapter';
import { CONFIG_FILE, GENERATION_CONFIG_FILE, ModelFolder, SINGLE_WEIGHTS_FILE, WEIGHTS_INDEX_FILE, readJsonFile } from './modelFolder';
import { SafetensorsFile } from './safetensors';

/** Where a pretrained checkpoint keeps its model: a full transformers folder, or a PEFT adapter. */
export const CHECKPOINT_HF_DIR = 'hf';
export const CHECKPOINT_ADAPTER_DIR = 'adapter';

export interface ExportHfOptions {
  /** The run folder (holds checkpoints/<step>/). */
  run: string;
  /** The checkpoint's step (default: the latest complete checkpoint). */
  step?: number;
  /** Merge a LoRA adapter into its base and write a full model folder (ignored for full fine-tuning). */
  merge?: boolean;
  /** The base model folder for --merge (default: the adapter's base_model_name_or_path). */
  base?: string;
  out: string;
  /** Replace a non-empty `out`. */
  force?: boolean;
}

export interface ExportHfResult {
  /** 'model': hf/ copied; 'merged': adapter merged into its base; 'adapter': adapter/ copied unmerged. */
  kind: 'model' | 'merged' | 'adapter';
  out: string;
  step: number;
  checkpoint: string;
  /** The base model folder (merged, or the one the copied adapter names). */
  base?: string;
  /** dtype of the written weights (model and merged). */
  dtype?: string;
  files: string[];
}

/** Complete checkpoints of a run (a folder without trainer-state.json is a write that never finished), by step. */
export function runCheckpoints(run: string): { step: number; dir: string }[] {
  const checkpoints = path.join(run, 'checkpoints');
  if (!fs.existsSync(run) || !fs.statSync(run).isDirectory()) throw new UserError('not a folder (expected a run folder with checkpoints/)', { file: run });
  if (!fs.existsSync(checkpoints)) throw new UserError('not found: the run has no checkpoints yet', { file: checkpoints });
  return fs.readdirSync(checkpoints)
    .filter((d) => /^\d+$/.test(d) && fs.existsSync(path.join(checkpoints, d, TRAINER_STATE_FILE)))
    .map((d) => ({ step: Number(d), dir: path.join(checkpoints, d) }))
    .sort((a, b) => a.step - b.step);
}

export function pickCheckpoint(run: string, step?: number): { step: number; dir: string } {
  const all = runCheckpoints(run);
  const checkpoints = path.join(run, 'checkpoints');
  if (all.length === 0) throw new UserError(`no complete checkpoint (a folder with ${TRAINER_STATE_FILE})`, { file: checkpoints });
  if (step === undefined) return all[all.length - 1];
  const found = all.find((c) => c.step === step);
  if (!found) throw new UserError(`no checkpoint for step ${step}; available steps: ${all.map((c) => c.step).join(', ')}`, { file: checkpoints });
  return found;
}

export function exportRunAsHf(opts: ExportHfOptions): ExportHfResult {
  const run = path.resolve(opts.run);
  const out = path.resolve(opts.out);
  const { step, dir } = pickCheckpoint(run, opts.step);
  checkOutput(out, !!opts.force);
  const hfDir = path.join(dir, CHECKPOINT_HF_DIR);
  const adapterDir = path.join(dir, CHECKPOINT_ADAPTER_DIR);
  if (fs.existsSync(hfDir)) {
    // Opening checks config.json, every header and every expected tensor: only a loadable folder is exported.
    const folder = ModelFolder.open(hfDir);
    folder.close();
    const files = copyFolder(hfDir, out);
    return { kind: 'model', out, step, checkpoint: dir, dtype: weightsDtype(hfDir), files };
  }
  if (!fs.existsSync(adapterDir)) {
    throw new UserError(`holds neither ${CHECKPOINT_HF_DIR}/ (full fine-tuning) nor ${CHECKPOINT_ADAPTER_DIR}/ (LoRA): only runs on a pretrained model folder export as Hugging Face folders`, { file: dir });
  }
  const settings = readAdapterSettings(adapterDir);
  if (!opts.merge) {
    const files = copyFolder(adapterDir, out);
    return { kind: 'adapter', out, step, checkpoint: dir, base: settings.baseModel || undefined, files };
  }
  const base = opts.base ? path.resolve(opts.base) : settings.baseModel;
  const configFile = path.join(adapterDir, ADAPTER_CONFIG_FILE);
  if (!base) throw new UserError('is empty: pass --base DIR (the model folder the adapter was trained on)', { file: configFile, field: 'base_model_name_or_path' });
  if (!fs.existsSync(base) || !fs.statSync(base).isDirectory()) {
    throw opts.base
      ? new UserError('--base: not a folder (expected the model folder the adapter was trained on)', { file: base })
      : new UserError(`names ${JSON.stringify(base)}, which is not a folder here (moved or deleted?): pass --base DIR`, { file: configFile, field: 'base_model_name_or_path' });
  }
  const dtype = weightsDtype(base);
  const files = writeMergedFolder(base, adapterDir, out, dtype);
  return { kind: 'merged', out, step, checkpoint: dir, base, dtype, files };
}

/**
 * Base model folder + adapter → a full model folder at `out` in `dtype`: base config.json,
 * generation_config.json and tokenizer files; each weight read, merged when adapted, and written
 * before the next is read.
 */
export function writeMergedFolder(base: string, adapterDir: string, out: string, dtype: WriteDtype): string[] {
  const folder = ModelFolder.open(base);
  try {
    const adapter = PeftAdapter.open(adapterDir, folder.decoderConfig());
    try {
      // The file's own tensors (a tied head is not one: it stays tied, as in the base).
      const specs: TensorSpec[] = folder.tensors.filter((t) => !t.readFrom).map((t) => ({ name: t.name, shape: [...t.fileShape] }));
      const source = (name: string): Float32Array => adapter.apply(name, folder.readTensor(name));
      const genFile = path.join(base, GENERATION_CONFIG_FILE);
      writeHfModelFolder(out, {
        config: readJsonFile(path.join(base, CONFIG_FILE)),
        generationConfig: fs.existsSync(genFile) ? readJsonFile(genFile) : undefined,
        tokenizerFrom: base,
      }, specs, source, dtype);
      adapter.assertAllApplied();
    } finally {
      adapter.close();
    }
  } finally {
    folder.close();
  }
  return fs.readdirSync(out).sort();
}

/** The dtype a model folder's weights are stored in (that of its embedding, as transformers' torch_dtype). */
export function weightsDtype(dir: string): WriteDtype {
  const index = path.join(dir, WEIGHTS_INDEX_FILE);
  const embed = 'model.embed_tokens.weight';
  let file = path.join(dir, SINGLE_WEIGHTS_FILE);
  if (fs.existsSync(index)) {
    const shard = (readJsonFile(index).weight_map as Record<string, unknown> | undefined)?.[embed];
    if (typeof shard !== 'string') throw new UserError(`'${embed}' is not in weight_map`, { file: index, field: 'weight_map' });
    file = path.join(dir, shard);
  }
  const st = SafetensorsFile.open(file);
  try {
    const dtype = st.tensors.get(embed)?.dtype;
    if (!dtype) throw new UserError(`no tensor '${embed}'`, { file });
    if (!(WRITE_DTYPES as readonly string[]).includes(dtype)) throw new UserError(`tensor '${embed}' is ${dtype}; merged folders are written in ${WRITE_DTYPES.join(', ')}`, { file });
    return dtype as WriteDtype;
  } finally {
    st.close();
  }
}

function checkOutput(out: string, force: boolean): void {
  if (!fs.existsSync(out)) return;
  if (!fs.statSync(out).isDirectory()) throw new UserError('exists and is not a folder', { file: out });
  if (!force && fs.readdirSync(out).length > 0) throw new UserError('exists and is not empty: choose another --out, or pass --force to replace it', { file: out });
}

/** Byte-for-byte copy of a folder's files (no sub-folders are expected in model or adapter folders). */
function copyFolder(from: string, out: string): string[] {
  const files = fs.readdirSync(from).filter((f) => fs.statSync(path.join(from, f)).isFile()).sort();
  publishDirAtomic(out, (tmp) => {
    for (const f of files) fs.copyFileSync(path.join(from, f), path.join(tmp, f));
  });
  return files;
}
