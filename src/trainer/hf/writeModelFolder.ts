// A policy written as a Hugging Face model folder that transformers, vLLM and our own loader read:
// config.json, model.safetensors (shards + index past 2 GB), generation_config.json and the tokenizer
// files, published atomically (core's writeHfModelFolder). Two sources:
// - the built-in GPT with its character tokenizer, as GPT2LMHeadModel (the demo's SFT model; the RL
//   stages then load it as any downloaded model);
// - a model loaded from a folder (any registered family), keeping the source's config.json, generation
//   config and tokenizer files.
// The tensors to write are the family's (families/), so names, shapes and layouts have one definition.
import fs from 'node:fs';
import path from 'node:path';
import { writeHfModelFolder } from '../../core/model/hfModelFolder';
import { WRITE_DTYPES, type ShardPlan, type TensorSource, type TensorSpec, type WriteDtype } from '../../core/model/safetensorsWriter';
import { UserError } from '../../core/util/userError';
import type { PolicyConfig } from '../model/policy';
import type { CharTokenizer } from '../model/tokenizer';
import { ConfigFields } from './configFields';
import { transpose2d } from './decoderParams';
import type { Family, FamilyTensor, FolderConfig } from './families';
import { gpt2, gpt2ConfigJson } from './families/gpt2';
import { CONFIG_FILE, GENERATION_CONFIG_FILE, ModelFolder, readFolderConfig, readJsonFile } from './modelFolder';
import { SafetensorsFile } from './safetensors';

/** One tensor by transformers' name, in the file's layout. */
export interface NamedTensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

export type WeightsInput =
  /** The network's variables in order and stored layout (Policy.getWeights()). */
  | { variables: readonly Float32Array[] }
  /** By transformers' name in the file's layout, asked for one at a time (hfWeights(policy).source). */
  | { source: TensorSource }
  /** A stream of named tensors in the file's layout, best in the family's order (others are held until asked for). */
  | { tensors: Iterable<NamedTensor> };

export interface BuiltinModelInput {
  kind: 'builtin';
  /** The built-in GPT's config; its contextLength becomes n_positions. */
  policyConfig: PolicyConfig;
  weights: WeightsInput;
  tokenizer: CharTokenizer;
  /** Default F32. */
  dtype?: WriteDtype;
}

export interface PretrainedModelInput {
  kind: 'pretrained';
  /** The folder the model was loaded from: its config.json, generation_config.json and tokenizer files are kept. */
  sourceDir: string;
  weights: WeightsInput;
  /** Default: the source's torch_dtype (else its weights' dtype, else F32). */
  dtype?: WriteDtype;
}

export interface WrittenModelFolder {
  dir: string;
  architecture: string;
  dtype: WriteDtype;
  plan: ShardPlan;
}

export interface WriteOptions {
  /** Shard budget in bytes (default 2 GB, as transformers' save_pretrained). */
  maxShardBytes?: number;
}

export function writeModelFolder(dir: string, input: BuiltinModelInput | PretrainedModelInput, opts: WriteOptions = {}): WrittenModelFolder {
  return input.kind === 'builtin' ? writeBuiltin(dir, input, opts) : writePretrained(dir, input, opts);
}

function writeBuiltin(dir: string, input: BuiltinModelInput, opts: WriteOptions): WrittenModelFolder {
  const tok = input.tokenizer;
  if (tok.vocabSize !== input.policyConfig.vocabSize) throw new Error(`writeModelFolder: the tokenizer has ${tok.vocabSize} tokens, the model's vocabulary is ${input.policyConfig.vocabSize}`);
  const ids = { bos: tok.bosId, eos: tok.eosId, pad: tok.padId };
  const configJson = gpt2ConfigJson(input.policyConfig, ids);
  const config = gpt2.parseConfig(new ConfigFields(configJson, CONFIG_FILE));
  const dtype = input.dtype ?? 'F32';
  const generationConfig = { bos_token_id: ids.bos, eos_token_id: ids.eos, pad_token_id: ids.pad };
  // Core copies tokenizer files from a folder: stage ours beside the target (same file system), drop it after.
  const staging = `${dir}.tokenizer-${process.pid}-${Date.now().toString(36)}`;
  fs.mkdirSync(staging, { recursive: true });
  try {
    fs.writeFileSync(path.join(staging, 'tokenizer.json'), JSON.stringify(tok.toHuggingFaceJson(), null, 2) + '\n');
    fs.writeFileSync(path.join(staging, 'tokenizer_config.json'), JSON.stringify(charTokenizerConfig(tok, input.policyConfig.contextLength), null, 2) + '\n');
    const plan = write(dir, gpt2 as Family, config, input.weights, dtype, { config: configJson, generationConfig, tokenizerFrom: staging }, opts, null);
    return { dir, architecture: config.architecture, dtype, plan };
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** tokenizer_config.json for the character tokenizer (a PreTrainedTokenizerFast over tokenizer.json). */
function charTokenizerConfig(tok: CharTokenizer, contextLength: number): Record<string, unknown> {
  return {
    tokenizer_class: 'PreTrainedTokenizerFast',
    bos_token: tok.tokenText(tok.bosId),
    eos_token: tok.tokenText(tok.eosId),
    unk_token: tok.tokenText(tok.unkId),
    pad_token: tok.tokenText(tok.padId),
    model_max_length: contextLength,
    clean_up_tokenization_spaces: false,
  };
}

function writePretrained(dir: string, input: PretrainedModelInput, opts: WriteOptions): WrittenModelFolder {
  const source = path.resolve(input.sourceDir);
  if (path.resolve(dir) === source) throw new UserError('cannot write a model folder over the folder it was loaded from', { file: dir });
  const configFile = path.join(source, CONFIG_FILE);
  const { family, config } = readFolderConfig(configFile);
  const raw = readJsonFile(configFile);
  const dtype = input.dtype ?? sourceDtype(source, raw);
  const tensors = family.tensors(config);
  // A head read from the embedding is a variable of its own in our network: the saved model is untied.
  const configJson: Record<string, unknown> = tensors.some((t) => t.readFrom) ? { ...raw, tie_word_embeddings: false } : { ...raw };
  if (typeof configJson.dtype === 'string') configJson.dtype = TORCH_DTYPE[dtype];
  const genFile = path.join(source, GENERATION_CONFIG_FILE);
  const generationConfig = fs.existsSync(genFile) ? readJsonFile(genFile) : { bos_token_id: config.bosTokenId, eos_token_id: config.eosTokenIds.length === 1 ? config.eosTokenIds[0] : config.eosTokenIds };
  const plan = write(dir, family, config, input.weights, dtype, { config: configJson, generationConfig, tokenizerFrom: source }, opts, source);
  return { dir, architecture: config.architecture, dtype, plan };
}

const TORCH_DTYPE: Record<WriteDtype, string> = { F32: 'float32', F16: 'float16', BF16: 'bfloat16' };

/** The base model's dtype: config.json's torch_dtype (or `dtype`), else its first weight's, else F32. */
function sourceDtype(dir: string, raw: Record<string, unknown>): WriteDtype {
  const named = raw.torch_dtype ?? raw.dtype;
  const fromName = (Object.keys(TORCH_DTYPE) as WriteDtype[]).find((k) => TORCH_DTYPE[k] === named);
  if (fromName) return fromName;
  const single = path.join(dir, 'model.safetensors');
  if (fs.existsSync(single)) {
    const f = SafetensorsFile.open(single);
    try {
      const first = [...f.tensors.values()][0];
      if (first && (WRITE_DTYPES as readonly string[]).includes(first.dtype)) return first.dtype as WriteDtype;
    } finally {
      f.close();
    }
  }
  return 'F32';
}

/**
 * Writes the family's tensors from `weights`. A pretrained model loaded with a shorter context gets
 * the position rows it never held from `sourceDir`, so the written model keeps its n_positions.
 */
function write(
  dir: string, family: Family, config: FolderConfig, weights: WeightsInput, dtype: WriteDtype,
  contents: { config: Record<string, unknown>; generationConfig: Record<string, unknown>; tokenizerFrom: string }, opts: WriteOptions, sourceDir: string | null,
): ShardPlan {
  if (!WRITE_DTYPES.includes(dtype)) throw new UserError(`dtype must be one of ${WRITE_DTYPES.join(', ')}, got ${JSON.stringify(dtype)}`, { field: 'dtype' });
  const tensors = family.tensors(config);
  const specs: TensorSpec[] = tensors.map((t) => ({ name: t.name, shape: [...t.fileShape] }));
  const byName = new Map(tensors.map((t, i) => [t.name, { t, i }]));
  let sourceFolder: ModelFolder | undefined;
  const fromSource = (name: string) => {
    if (!sourceDir) throw new Error(`writeModelFolder: '${name}' is shorter than the file's and there is no source folder`);
    sourceFolder ??= ModelFolder.open(sourceDir);
    return sourceFolder.readTensor(name);
  };
  const valueOf = fileLayoutSource(weights, tensors, fromSource);
  const sourceFn: TensorSource = (name) => {
    const entry = byName.get(name)!;
    const values = valueOf(entry.t, entry.i);
    const count = entry.t.fileShape.reduce((a, b) => a * b, 1);
    if (values.length !== count) throw new Error(`writeModelFolder: tensor '${name}' has ${values.length} values, shape [${entry.t.fileShape}] needs ${count}`);
    return values;
  };
  try {
    const hasGeneration = Object.keys(contents.generationConfig).length > 0;
    return writeHfModelFolder(dir, { config: contents.config, generationConfig: hasGeneration ? contents.generationConfig : undefined, tokenizerFrom: contents.tokenizerFrom }, specs, sourceFn, dtype, opts.maxShardBytes);
  } finally {
    sourceFolder?.close();
  }
}

/** (tensor, variable index) → its values in the file's layout, whatever form the weights came in. */
function fileLayoutSource(weights: WeightsInput, tensors: FamilyTensor[], fromSource: (name: string) => Float32Array): (t: FamilyTensor, i: number) => Float32Array {
  if ('variables' in weights) {
    const vars = weights.variables;
    if (vars.length !== tensors.length) throw new Error(`writeModelFolder: ${vars.length} variables given, the network has ${tensors.length}`);
    return (t, i) => {
      const stored = vars[i];
      const [rows, cols] = t.fileShape;
      const count = t.fileShape.reduce((a, b) => a * b, 1);
      // Position embeddings of a policy loaded with a shorter context: its rows first, the rest as loaded.
      if (t.positional && stored.length < count && stored.length % cols === 0) {
        const full = fromSource(t.name).slice();
        full.set(stored);
        return full;
      }
      if (stored.length !== count) throw new Error(`writeModelFolder: variable ${i} ('${t.name}') has ${stored.length} values, the file's [${t.fileShape}] needs ${count}`);
      return t.transposed ? transpose2d(stored, cols, rows) : stored;
    };
  }
  if ('source' in weights) return (t) => weights.source(t.name);
  const it = weights.tensors[Symbol.iterator]();
  const early = new Map<string, NamedTensor>();
  return (t) => {
    let found = early.get(t.name);
    early.delete(t.name);
    while (!found) {
      const next = it.next();
      if (next.done) throw new Error(`writeModelFolder: the weight stream has no tensor '${t.name}'`);
      if (next.value.name === t.name) found = next.value;
      else early.set(next.value.name, next.value);
    }
    if (found.shape.length !== t.fileShape.length || found.shape.some((d, k) => d !== t.fileShape[k])) {
      throw new Error(`writeModelFolder: tensor '${t.name}' has shape [${found.shape}], the file needs [${t.fileShape}]`);
    }
    return found.data;
  };
}
