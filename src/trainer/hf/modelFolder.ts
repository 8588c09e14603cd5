// A Hugging Face model folder as transformers lays it out: config.json, model.safetensors (or shards
// listed by model.safetensors.index.json), generation_config.json, tokenizer files. Opening checks
// everything that can be checked without reading weights — the architecture, every config field the
// network needs, each safetensors header, that every tensor the family expects exists with the
// expected shape and that nothing unexpected is there — and then weights are read one tensor at a time.
import fs from 'node:fs';
import path from 'node:path';
import type { Network } from '../model/networkSpec';
import { UserError } from '../../core/util/userError';
import { ConfigFields } from './configFields';
import type { DecoderConfig } from './decoderConfig';
import { transpose2d } from './decoderParams';
import { FAMILIES, familyOf, type Family, type FamilyTensor, type FolderConfig } from './families';
import { SafetensorsFile } from './safetensors';

export const CONFIG_FILE = 'config.json';
export const SINGLE_WEIGHTS_FILE = 'model.safetensors';
export const WEIGHTS_INDEX_FILE = 'model.safetensors.index.json';
export const GENERATION_CONFIG_FILE = 'generation_config.json';

export interface GenerationDefaults {
  eosTokenIds: number[];
  bosTokenId: number | null;
  temperature: number | null;
  topP: number | null;
}

export class ModelFolder {
  private constructor(
    readonly dir: string,
    readonly family: Family,
    readonly config: FolderConfig,
    readonly generation: GenerationDefaults,
    private readonly files: Map<string, SafetensorsFile>,
    private readonly fileOf: Map<string, string>,
    /** transformers' name → the name in this folder's files (a base-model file drops the prefix). */
    private readonly fileName: (name: string) => string,
  ) {}

  static open(dir: string): ModelFolder {
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new UserError('not a folder (expected a Hugging Face model folder with config.json)', { file: dir });
    const { family, config } = readFolderConfig(path.join(dir, CONFIG_FILE));
    const generation = readGenerationDefaults(path.join(dir, GENERATION_CONFIG_FILE), config);
    const { files, fileOf } = openWeights(dir, family.ignoredTensors?.(config) ?? []);
    try {
      const prefix = family.basePrefix;
      const baseOnly = !!prefix && fileOf.size > 0 && ![...fileOf.keys()].some((n) => n.startsWith(prefix));
      const fileName = (name: string) => (baseOnly && name.startsWith(prefix!) ? name.slice(prefix!.length) : name);
      checkTensors(family, config, files, fileOf, fileName, dir);
      return new ModelFolder(dir, family, config, generation, files, fileOf, fileName);
    } catch (e) {
      for (const f of files.values()) f.close();
      throw e;
    }
  }

  /** The config of a Llama-style decoder family (what LoRA adapters and merges work on), or a clear error. */
  decoderConfig(): DecoderConfig {
    return asDecoderConfig(this.config, path.join(this.dir, CONFIG_FILE));
  }

  /** The family's tensors (the network's variables in order). */
  get tensors(): FamilyTensor[] {
    return this.family.tensors(this.config);
  }

  /** Parameter count of the model in the file (a tied head counted once). */
  get parameterCount(): number {
    return this.tensors.filter((t) => !t.readFrom).reduce((n, t) => n + t.fileShape.reduce((a, b) => a * b, 1), 0);
  }

  /** The network these weights run on, for sequences up to `contextLength` (default and cap: the model's). */
  network(contextLength = this.config.maxPositions): Network {
    return this.family.network(this.config, Math.min(contextLength, this.config.maxPositions));
  }

  /**
   * The weights in the network's variable order and stored layout, read and converted one tensor
   * at a time; position embeddings cut to `contextLength` rows (as network(contextLength) has them).
   */
  *weights(contextLength = this.config.maxPositions): Generator<Float32Array> {
    for (const t of this.tensors) yield this.read(t, contextLength);
  }

  /** One file tensor as float32 in the file's layout, by transformers' name. */
  readTensor(name: string): Float32Array {
    const file = this.fileName(name);
    const shard = this.fileOf.get(file);
    if (!shard) throw new UserError(`no tensor '${file}'`, { file: this.dir });
    return this.files.get(shard)!.read(file);
  }

  private read(t: FamilyTensor, contextLength: number): Float32Array {
    const data = this.readTensor(t.readFrom ?? t.name);
    const [rows, cols] = t.fileShape;
    if (t.positional && contextLength < rows) return data.slice(0, contextLength * cols);
    return t.transposed ? transpose2d(data, rows, cols) : data;
  }

  close(): void {
    for (const f of this.files.values()) f.close();
  }
}

export function readJsonFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserError((e as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : (e as Error).message, { file });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new UserError(`not valid JSON: ${(e as Error).message}`, { file });
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new UserError('expected a JSON object', { file });
  return value as Record<string, unknown>;
}

/** config.json through the family registry: which family, and its typed config. */
export function readFolderConfig(file: string): { family: Family; config: FolderConfig } {
  const raw = readJsonFile(file);
  const archs = raw.architectures;
  if (!Array.isArray(archs) || archs.length === 0 || typeof archs[0] !== 'string') {
    throw new UserError(`must list the model class, e.g. ["Qwen2ForCausalLM"]; got ${JSON.stringify(archs)}`, { file, field: 'architectures' });
  }
  const family = familyOf(archs[0]);
  if (!family) {
    throw new UserError(`architecture '${archs[0]}' is not supported; supported: ${FAMILIES.map((f) => f.architecture).join(', ')}`, { file, field: 'architectures' });
  }
  return { family, config: family.parseConfig(new ConfigFields(raw, file)) };
}

/** config.json of a Llama-style decoder family (tests and benchmarks that build decoder checkpoints). */
export function readDecoderConfig(file: string): DecoderConfig {
  return asDecoderConfig(readFolderConfig(file).config, file);
}

function asDecoderConfig(config: FolderConfig, file: string): DecoderConfig {
  if (!('rmsNormEps' in config)) throw new UserError(`${config.architecture} is not a Llama-style decoder (LoRA adapters and merges need one)`, { file, field: 'architectures' });
  return config as DecoderConfig;
}

function readGenerationDefaults(file: string, config: FolderConfig): GenerationDefaults {
  if (!fs.existsSync(file)) return { eosTokenIds: config.eosTokenIds, bosTokenId: config.bosTokenId, temperature: null, topP: null };
  const f = new ConfigFields(readJsonFile(file), file);
  const eos = f.ids('eos_token_id');
  const bos = f.ids('bos_token_id');
  const opt = (k: string) => (f.has(k) ? f.num(k) : null);
  return {
    eosTokenIds: eos.length ? eos : config.eosTokenIds,
    bosTokenId: bos.length ? bos[0] : config.bosTokenId,
    temperature: typeof f.raw.temperature === 'number' ? f.raw.temperature : null,
    topP: opt('top_p'),
  };
}

function openWeights(dir: string, ignored: RegExp[]): { files: Map<string, SafetensorsFile>; fileOf: Map<string, string> } {
  const files = new Map<string, SafetensorsFile>();
  const fileOf = new Map<string, string>();
  const indexFile = path.join(dir, WEIGHTS_INDEX_FILE);
  try {
    if (fs.existsSync(indexFile)) {
      const map = readJsonFile(indexFile).weight_map;
      if (!map || typeof map !== 'object' || Array.isArray(map)) throw new UserError("must have a 'weight_map' object {tensor: file}", { file: indexFile, field: 'weight_map' });
      for (const [tensor, shard] of Object.entries(map as Record<string, unknown>)) {
        if (typeof shard !== 'string' || shard.includes('/') || shard.includes('\\')) {
          throw new UserError(`tensor '${tensor}' maps to ${JSON.stringify(shard)}; expected a file name in the folder`, { file: indexFile, field: 'weight_map' });
        }
        if (!files.has(shard)) {
          const p = path.join(dir, shard);
          if (!fs.existsSync(p)) throw new UserError(`tensor '${tensor}' is in '${shard}', which does not exist`, { file: indexFile, field: 'weight_map' });
          files.set(shard, SafetensorsFile.open(p));
        }
        if (!files.get(shard)!.tensors.has(tensor)) throw new UserError(`tensor '${tensor}' is listed in ${WEIGHTS_INDEX_FILE} but missing from this file`, { file: path.join(dir, shard) });
        fileOf.set(tensor, shard);
      }
      // Tensors in a shard but not in the index would be silently ignored by transformers; here they are extra.
      for (const [shard, f] of files) {
        for (const name of f.tensors.keys()) {
          if (fileOf.get(name) !== shard && !ignored.some((r) => r.test(name))) {
            throw new UserError(`unexpected tensor '${name}' (not in ${WEIGHTS_INDEX_FILE})`, { file: path.join(dir, shard) });
          }
        }
      }
    } else {
      const single = path.join(dir, SINGLE_WEIGHTS_FILE);
      if (!fs.existsSync(single)) throw new UserError(`no weights: expected ${SINGLE_WEIGHTS_FILE}, or shards listed in ${WEIGHTS_INDEX_FILE} (only safetensors is read)`, { file: dir });
      const f = SafetensorsFile.open(single);
      files.set(SINGLE_WEIGHTS_FILE, f);
      for (const name of f.tensors.keys()) fileOf.set(name, SINGLE_WEIGHTS_FILE);
    }
  } catch (e) {
    for (const f of files.values()) f.close();
    throw e;
  }
  return { files, fileOf };
}

function checkTensors(family: Family, config: FolderConfig, files: Map<string, SafetensorsFile>, fileOf: Map<string, string>, fileName: (name: string) => string, dir: string): void {
  const expected = family.tensors(config);
  const ignored = family.ignoredTensors?.(config) ?? [];
  const names = new Set(expected.map((t) => fileName(t.readFrom ?? t.name)));
  const first = fileOf.size ? path.join(dir, [...files.keys()][0]) : dir;
  for (const t of expected) {
    const name = fileName(t.readFrom ?? t.name);
    const shard = fileOf.get(name);
    if (!shard) {
      const why = name === 'lm_head.weight' ? ' (config.json says tie_word_embeddings is false)' : '';
      throw new UserError(`missing tensor '${name}'${why} for ${config.architecture} with ${config.layers} layers`, { file: files.size > 1 ? path.join(dir, WEIGHTS_INDEX_FILE) : first });
    }
    const info = files.get(shard)!.tensors.get(name)!;
    if (info.shape.length !== t.fileShape.length || info.shape.some((d, i) => d !== t.fileShape[i])) {
      throw new UserError(`tensor '${name}' has shape [${info.shape}]; config.json implies [${t.fileShape}]`, { file: path.join(dir, shard) });
    }
  }
  for (const [name, shard] of fileOf) {
    if (names.has(name) || ignored.some((r) => r.test(name))) continue;
    // A tied checkpoint may still carry the (identical) head; transformers ignores it too.
    if (name === 'lm_head.weight' && config.tieWordEmbeddings) continue;
    throw new UserError(`unexpected tensor '${name}': ${config.architecture} with this config.json has no such weight`, { file: path.join(dir, shard) });
  }
}
