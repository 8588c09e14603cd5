// A Hugging Face model folder as transformers lays it out: config.json, model.safetensors (or shards
// listed by model.safetensors.index.json), generation_config.json, tokenizer files. Opening checks
// everything that can be checked without reading weights — the architecture, every config field the
// network needs, each safetensors header, that every expected tensor exists with the expected shape
// and that nothing unexpected is there — and then weights are read one tensor at a time.
import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../../core/util/userError';
import { ConfigFields, type DecoderConfig } from './decoderConfig';
import { decoderParams, transpose2d, type DecoderParam } from './decoderParams';
import { FAMILIES, familyOf } from './families';
import { SafetensorsFile } from './safetensors';

export const CONFIG_FILE = 'config.json';
export const SINGLE_WEIGHTS_FILE = 'model.safetensors';
export const WEIGHTS_INDEX_FILE = 'model.safetensors.index.json';
export const GENERATION_CONFIG_FILE = 'generation_config.json';

/** Tensors some checkpoints carry that the network recomputes or shares. */
const IGNORED_TENSORS = [/^model\.layers\.\d+\.self_attn\.rotary_emb\.inv_freq$/];

export interface GenerationDefaults {
  eosTokenIds: number[];
  bosTokenId: number | null;
  temperature: number | null;
  topP: number | null;
}

export class ModelFolder {
  private constructor(
    readonly dir: string,
    readonly config: DecoderConfig,
    readonly generation: GenerationDefaults,
    private readonly files: Map<string, SafetensorsFile>,
    private readonly fileOf: Map<string, string>,
  ) {}

  static open(dir: string): ModelFolder {
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new UserError('not a folder (expected a Hugging Face model folder with config.json)', { file: dir });
    const config = readDecoderConfig(path.join(dir, CONFIG_FILE));
    const generation = readGenerationDefaults(path.join(dir, GENERATION_CONFIG_FILE), config);
    const { files, fileOf } = openWeights(dir);
    try {
      checkTensors(config, files, fileOf, dir);
    } catch (e) {
      for (const f of files.values()) f.close();
      throw e;
    }
    return new ModelFolder(dir, config, generation, files, fileOf);
  }

  /** Parameter count of the network (tied embeddings counted once). */
  get parameterCount(): number {
    return decoderParams(this.config).reduce((n, p) => n + p.fileShape.reduce((a, b) => a * b, 1), 0);
  }

  /** The weights in decoderParams order and stored layout, read and converted one tensor at a time. */
  *weights(): Generator<Float32Array> {
    for (const p of decoderParams(this.config)) yield this.read(p);
  }

  private read(p: DecoderParam): Float32Array {
    const file = this.files.get(this.fileOf.get(p.name)!)!;
    const data = file.read(p.name);
    return p.transposed ? transpose2d(data, p.fileShape[0], p.fileShape[1]) : data;
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

export function readDecoderConfig(file: string): DecoderConfig {
  const raw = readJsonFile(file);
  const archs = raw.architectures;
  if (!Array.isArray(archs) || archs.length === 0 || typeof archs[0] !== 'string') {
    throw new UserError(`must list the model class, e.g. ["Qwen2ForCausalLM"]; got ${JSON.stringify(archs)}`, { file, field: 'architectures' });
  }
  const family = familyOf(archs[0]);
  if (!family) {
    throw new UserError(`architecture '${archs[0]}' is not supported; supported: ${FAMILIES.map((f) => f.architecture).join(', ')}`, { file, field: 'architectures' });
  }
  return family.parseConfig(new ConfigFields(raw, file));
}

function readGenerationDefaults(file: string, config: DecoderConfig): GenerationDefaults {
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

function openWeights(dir: string): { files: Map<string, SafetensorsFile>; fileOf: Map<string, string> } {
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
          if (fileOf.get(name) !== shard && !IGNORED_TENSORS.some((r) => r.test(name))) {
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

function checkTensors(config: DecoderConfig, files: Map<string, SafetensorsFile>, fileOf: Map<string, string>, dir: string): void {
  const expected = decoderParams(config);
  const names = new Set(expected.map((p) => p.name));
  const first = fileOf.size ? path.join(dir, [...files.keys()][0]) : dir;
  for (const p of expected) {
    const shard = fileOf.get(p.name);
    if (!shard) {
      const why = p.name === 'lm_head.weight' ? ' (config.json says tie_word_embeddings is false)' : '';
      throw new UserError(`missing tensor '${p.name}'${why} for ${config.architecture} with ${config.layers} layers`, { file: files.size > 1 ? path.join(dir, WEIGHTS_INDEX_FILE) : first });
    }
    const info = files.get(shard)!.tensors.get(p.name)!;
    if (info.shape.length !== p.fileShape.length || info.shape.some((d, i) => d !== p.fileShape[i])) {
      throw new UserError(`tensor '${p.name}' has shape [${info.shape}]; config.json implies [${p.fileShape}]`, { file: path.join(dir, shard) });
    }
  }
  for (const [name, shard] of fileOf) {
    if (names.has(name) || IGNORED_TENSORS.some((r) => r.test(name))) continue;
    // A tied checkpoint may still carry the (identical) head; transformers ignores it too.
    if (name === 'lm_head.weight' && config.tieWordEmbeddings) continue;
    throw new UserError(`unexpected tensor '${name}': ${config.architecture} with this config.json has no such weight`, { file: path.join(dir, shard) });
  }
}
