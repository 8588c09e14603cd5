// A policy checkpoint is one folder, published atomically (built under a temp name, then renamed), so a
// kill at any moment leaves either the previous checkpoint or the new one, never a torn one:
//   policy.json     format, PolicyConfig, variable names and shapes, optimizer step and constants;
//                   version 2 adds the network spec of a Hugging Face decoder (its DecoderConfig, the
//                   absolute base model folder, LoRA settings)
//   weights.bin     every trainable variable as little-endian float32, in policy.json order (a LoRA
//                   policy: only its adapters; the frozen base is re-read from the base folder)
//   optimizer.bin   Adam's first moments, then its second moments, same order
//   extra.json      the caller's state (tokenizer, RNG state, trainer position), if given
//   manifest.json   size and sha256 of every other file in the folder
// Loading checks, cheapest and most specific first, before anything big is allocated: the fields of
// policy.json, the variables against the config, the file sizes, the checksums, then that every
// weight and moment is finite. Each refusal is one line naming the file (and field).
// This file does not import the model class (that would be an import cycle): the caller passes a
// factory that builds an empty policy for a config.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { publishDirAtomic } from '../../core/util/atomic';
import { UserError } from '../../core/util/userError';
import { ADAM_BETA1, ADAM_BETA2, ADAM_EPSILON, type AdamState } from './adam';
import { PROJECTIONS } from '../../core/model/projections';
import { assertFinite } from './finite';
import { networkOf } from './network';
import type { DecoderNetworkSpec, NetworkSpec } from './networkSpec';
import type { PolicyConfig } from './policy';
import { parameterSpecs, validateConfig } from './transformer';

export const CHECKPOINT_FORMAT = 'acereason-policy';
export const CHECKPOINT_FILES = { meta: 'policy.json', weights: 'weights.bin', optimizer: 'optimizer.bin', extra: 'extra.json', manifest: 'manifest.json' } as const;
/** Weights beyond this magnitude are a diverged or damaged model, refused like NaN. */
export const MAX_ABS_WEIGHT = 1e6;

const positiveInt = z.number().int().positive();
const Variables = z.array(z.object({ name: z.string(), shape: z.array(z.number().int().nonnegative()) }));
const OptimizerMeta = z.object({ kind: z.literal('adam'), step: z.number().int().nonnegative(), beta1: z.number(), beta2: z.number(), epsilon: z.number() });
/** The built-in GPT. */
const GptMeta = z.object({
  format: z.literal(CHECKPOINT_FORMAT),
  version: z.literal(1),
  config: z.object({
    vocabSize: positiveInt, contextLength: positiveInt, layers: positiveInt, heads: positiveInt,
    width: positiveInt, mlpRatio: positiveInt, seed: z.number().int(),
  }),
  variables: Variables,
  optimizer: OptimizerMeta,
});
/** A Hugging Face decoder (full fine-tuning or LoRA); its DecoderConfig is checked by rebuilding the network. */
const DecoderMeta = z.object({
  format: z.literal(CHECKPOINT_FORMAT),
  version: z.literal(2),
  config: z.object({
    vocabSize: positiveInt, contextLength: positiveInt, layers: positiveInt, heads: positiveInt,
    width: positiveInt, mlpRatio: z.number().positive(), seed: z.number().int(),
  }),
  network: z.object({
    kind: z.literal('decoder'),
    config: z.record(z.string(), z.unknown()),
    contextLength: positiveInt,
    base: z.string().min(1).optional(),
    lora: z.object({ rank: positiveInt, alpha: z.number().positive(), dropout: z.number(), targets: z.array(z.enum(PROJECTIONS)).min(1), seed: z.number().int() }).optional(),
  }),
  variables: Variables,
  optimizer: OptimizerMeta,
});
const CheckpointMeta = z.discriminatedUnion('version', [GptMeta, DecoderMeta]);
type CheckpointMeta = z.infer<typeof CheckpointMeta>;

interface CheckpointSourceBase {
  readonly config: PolicyConfig;
  /** The trainable parameters, in the order weights and moments are given. */
  readonly specs: readonly { name: string; shape: readonly number[] }[];
  /** Absent: the built-in GPT. */
  readonly network?: { readonly spec: NetworkSpec };
}

/** A policy that hands out one tensor at a time, so saving a large model never holds a copy of all of it. */
export interface StreamingCheckpointSource extends CheckpointSourceBase {
  weightAt(i: number): Float32Array;
  momentAt(i: number, which: 'm' | 'v'): Float32Array;
  readonly optimizerStep: number;
}

/** What saveCheckpoint needs from a policy: every array at once, or one at a time. */
export type CheckpointSource = StreamingCheckpointSource | (CheckpointSourceBase & { getWeights(): Float32Array[]; getOptimizerState(): AdamState });

function streamOf(p: CheckpointSource): { weight(i: number): Float32Array; moment(i: number, which: 'm' | 'v'): Float32Array; step: number } {
  if ('weightAt' in p) return { weight: (i) => p.weightAt(i), moment: (i, which) => p.momentAt(i, which), step: p.optimizerStep };
  const weights = p.getWeights();
  const optimizer = p.getOptimizerState();
  return { weight: (i) => weights[i], moment: (i, which) => optimizer[which][i], step: optimizer.step };
}

/** A refusal of non-finite values: passed through as it is, not wrapped as a failed write. */
class RefusedSave extends Error {}

/** What loadCheckpoint needs from the empty policy the caller's factory builds. */
export interface RestorablePolicy {
  setWeights(weights: Float32Array[]): void;
  setOptimizerState(state: AdamState): void;
  dispose(): void;
}

/**
 * Writes the checkpoint folder atomically, one tensor at a time. Refuses (one line, the previous
 * checkpoint untouched, no temp folder left) non-finite weights or moments.
 */
export function saveCheckpoint(dir: string, policy: CheckpointSource, extra?: Record<string, unknown>): void {
  const source = streamOf(policy);
  const names = policy.specs.map((s) => s.name);
  const refuse = `refusing to save checkpoint ${dir} (the previous checkpoint, if any, is untouched)`;
  const checked = (values: Float32Array, what: string, i: number, maxAbs?: number): Float32Array => {
    try {
      assertFinite(values, `${refuse}: ${what}`, { names: [names[i]], maxAbs });
    } catch (e) {
      throw new RefusedSave((e as Error).message);
    }
    return values;
  };
  const common = {
    format: CHECKPOINT_FORMAT,
    config: { ...policy.config },
    variables: policy.specs.map((s) => ({ name: s.name, shape: [...s.shape] })),
    optimizer: { kind: 'adam' as const, step: source.step, beta1: ADAM_BETA1, beta2: ADAM_BETA2, epsilon: ADAM_EPSILON },
  };
  const network = policy.network?.spec;
  // The GPT keeps version 1 byte for byte, so older builds still read its checkpoints.
  const meta = network?.kind === 'decoder' ? { ...common, version: 2, network } : { ...common, version: 1 };
  try {
    publishDirAtomic(dir, (tmp) => {
      const n = names.length;
      writeFloat32File(path.join(tmp, CHECKPOINT_FILES.weights), n, (i) => checked(source.weight(i), 'weights', i, MAX_ABS_WEIGHT));
      writeFloat32File(path.join(tmp, CHECKPOINT_FILES.optimizer), 2 * n, (k) => (k < n
        ? checked(source.moment(k, 'm'), 'Adam first moment', k)
        : checked(source.moment(k - n, 'v'), 'Adam second moment', k - n)));
      if (extra !== undefined) fs.writeFileSync(path.join(tmp, CHECKPOINT_FILES.extra), JSON.stringify(extra) + '\n');
      fs.writeFileSync(path.join(tmp, CHECKPOINT_FILES.meta), JSON.stringify(meta, null, 2) + '\n');
      writeManifest(tmp);
    });
  } catch (e) {
    if (e instanceof RefusedSave) throw new UserError(e.message);
    throw new Error(`saving checkpoint ${dir} failed (the previous checkpoint, if any, is untouched): ${(e as Error).message}`);
  }
}

// --- manifest -----------------------------------------------------------------------------------

const Manifest = z.object({
  format: z.literal('acereason-manifest'),
  version: z.literal(1),
  files: z.record(z.string(), z.object({ bytes: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{64}$/) })),
});
type Manifest = z.infer<typeof Manifest>;

function sha256File(file: string): string {
  const hash = crypto.createHash('sha256');
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n <= 0) break;
      hash.update(buf.subarray(0, n));
    }
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest('hex');
}

/**
 * (Re)writes dir/manifest.json with the size and sha256 of every other regular file in dir. Called
 * inside a folder that is about to be published atomically (after the last file is written).
 */
export function writeManifest(dir: string): void {
  const files: Manifest['files'] = {};
  for (const name of fs.readdirSync(dir).sort()) {
    if (name === CHECKPOINT_FILES.manifest) continue;
    const p = path.join(dir, name);
    const st = fs.statSync(p);
    if (!st.isFile()) continue;
    files[name] = { bytes: st.size, sha256: sha256File(p) };
  }
  const manifest: Manifest = { format: 'acereason-manifest', version: 1, files };
  fs.writeFileSync(path.join(dir, CHECKPOINT_FILES.manifest), JSON.stringify(manifest, null, 2) + '\n');
}

function readManifest(dir: string): Manifest {
  const file = path.join(dir, CHECKPOINT_FILES.manifest);
  if (!fs.existsSync(file)) throw new UserError('not found: the checkpoint has no manifest (incomplete, or written by an older version)', { file });
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UserError(`not valid JSON: ${oneLine((e as Error).message)}`, { file });
  }
  const parsed = Manifest.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new UserError(i.message, { file, field: i.path.join('.') || '(root)' });
  }
  return parsed.data;
}

/**
 * Checks size and sha256 of `names` (default: every file the manifest lists) against manifest.json.
 * A file the caller needs but the manifest does not list is refused too.
 */
export function verifyManifest(dir: string, names?: readonly string[]): void {
  const manifest = readManifest(dir);
  const manifestFile = path.join(dir, CHECKPOINT_FILES.manifest);
  for (const name of names ?? Object.keys(manifest.files)) {
    const entry = manifest.files[name];
    const file = path.join(dir, name);
    if (!entry) {
      if (fs.existsSync(file)) throw new UserError(`lists no checksum for ${name}`, { file: manifestFile, field: `files.${name}` });
      continue;
    }
    if (!fs.existsSync(file)) throw new UserError(`not found, but ${CHECKPOINT_FILES.manifest} lists it (the checkpoint is incomplete)`, { file });
    const size = fs.statSync(file).size;
    if (size !== entry.bytes) throw new UserError(`${size} bytes, but ${CHECKPOINT_FILES.manifest} records ${entry.bytes}: the file was changed or damaged after it was saved`, { file });
    if (sha256File(file) !== entry.sha256) throw new UserError(`sha256 differs from ${CHECKPOINT_FILES.manifest}: the file was changed or damaged after it was saved`, { file });
  }
}

// --- loading ------------------------------------------------------------------------------------

export interface CheckpointData {
  config: PolicyConfig;
  /** A Hugging Face decoder's network (weights are its trainable parameters); undefined: the built-in GPT. */
  network: DecoderNetworkSpec | undefined;
  weights: Float32Array[];
  optimizer: AdamState;
  /** The caller's state saved with it, or undefined. */
  extra: Record<string, unknown> | undefined;
}

/** Reads and checks a checkpoint folder without building a model. */
export function readCheckpoint(dir: string): CheckpointData {
  const metaFile = path.join(dir, CHECKPOINT_FILES.meta);
  if (!fs.existsSync(metaFile)) throw new UserError(`not found (is ${dir} a policy checkpoint?)`, { file: metaFile });
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(metaFile, 'utf8'));
  } catch (e) {
    throw new UserError(`not valid JSON: ${oneLine((e as Error).message)}`, { file: metaFile });
  }
  const parsed = CheckpointMeta.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UserError(issue.message, { file: metaFile, field: issue.path.join('.') || '(root)' });
  }
  const meta = parsed.data;
  const config: PolicyConfig = meta.config;
  let network: DecoderNetworkSpec | undefined;
  if (meta.version === 1) {
    try {
      validateConfig(config, 'config');
    } catch (e) {
      throw new UserError((e as Error).message, { file: metaFile });
    }
    // Before allocating anything: the variables the config implies must be the ones listed and stored.
    checkVariablesMatchConfig(metaFile, meta);
  } else {
    network = meta.network as unknown as DecoderNetworkSpec;
    checkVariablesMatchNetwork(metaFile, config, network, meta.variables);
  }
  const sizes = meta.variables.map((v) => v.shape.reduce((a, b) => a * b, 1));
  const weightsFile = path.join(dir, CHECKPOINT_FILES.weights);
  const optimizerFile = path.join(dir, CHECKPOINT_FILES.optimizer);
  checkSize(weightsFile, sizes);
  checkSize(optimizerFile, [...sizes, ...sizes]);
  const extraFile = path.join(dir, CHECKPOINT_FILES.extra);
  verifyManifest(dir, [CHECKPOINT_FILES.meta, CHECKPOINT_FILES.weights, CHECKPOINT_FILES.optimizer, CHECKPOINT_FILES.extra]);

  const names = meta.variables.map((v) => v.name);
  const weights = readFloat32File(weightsFile, sizes);
  assertFinite(weights, 'weights', { names, file: weightsFile, maxAbs: MAX_ABS_WEIGHT });
  const moments = readFloat32File(optimizerFile, [...sizes, ...sizes]);
  const m = moments.slice(0, sizes.length);
  const v = moments.slice(sizes.length);
  assertFinite(m, 'Adam first moment', { names, file: optimizerFile });
  assertFinite(v, 'Adam second moment', { names, file: optimizerFile });
  let extra: Record<string, unknown> | undefined;
  if (fs.existsSync(extraFile)) {
    try {
      extra = JSON.parse(fs.readFileSync(extraFile, 'utf8'));
    } catch (e) {
      throw new UserError(`not valid JSON: ${oneLine((e as Error).message)}`, { file: extraFile });
    }
  }
  return { config, network, weights, optimizer: { step: meta.optimizer.step, m, v }, extra };
}

export interface LoadedCheckpoint<P> {
  policy: P;
  /** The caller's state saved with it, or undefined. */
  extra: Record<string, unknown> | undefined;
}

/** A checkpoint read, checked and put into the empty policy `create(config, network)` builds. */
export async function loadCheckpoint<P extends RestorablePolicy>(dir: string, create: (config: PolicyConfig, network: DecoderNetworkSpec | undefined) => P | Promise<P>): Promise<LoadedCheckpoint<P>> {
  const data = readCheckpoint(dir);
  const policy = await create(data.config, data.network);
  try {
    policy.setWeights(data.weights);
    policy.setOptimizerState(data.optimizer);
  } catch (e) {
    policy.dispose();
    throw e;
  }
  return { policy, extra: data.extra };
}

/** True for a folder that holds a complete checkpoint (temp folders of an interrupted save are not). */
export function isCheckpoint(dir: string): boolean {
  return !/\.(tmp|old)-/.test(path.basename(dir)) && fs.existsSync(path.join(dir, CHECKPOINT_FILES.meta));
}

/** The decoder network the spec describes must have exactly the listed trainable variables and this config. */
function checkVariablesMatchNetwork(metaFile: string, config: PolicyConfig, spec: DecoderNetworkSpec, found: { name: string; shape: number[] }[]): void {
  let expected: { name: string; shape: number[] }[];
  let policyConfig: PolicyConfig;
  try {
    const net = networkOf(config, spec);
    expected = net.specs.filter((s) => s.trainable);
    policyConfig = net.policyConfig;
  } catch (e) {
    throw new UserError(`does not describe a network: ${oneLine((e as Error).message)}`, { file: metaFile, field: 'network' });
  }
  for (const key of Object.keys(policyConfig) as (keyof PolicyConfig)[]) {
    if (key !== 'seed' && policyConfig[key] !== config[key]) throw new UserError(`${config[key]}, but the network spec implies ${policyConfig[key]}`, { file: metaFile, field: `config.${key}` });
  }
  const at = expected.findIndex((s, i) => !found[i] || s.name !== found[i].name || s.shape.join(',') !== found[i].shape.join(','));
  if (at < 0 && expected.length === found.length) return;
  const i = at < 0 ? expected.length : at;
  throw new UserError(
    `variable ${i} is ${found[i] ? `${found[i].name}[${found[i].shape}]` : '(missing)'}, the network spec implies ${expected[i] ? `${expected[i].name}[${expected[i].shape}]` : '(none)'}`,
    { file: metaFile, field: `variables.${i}` },
  );
}

/** Names the config field that disagrees with the saved variables (e.g. width 4096 over width-16 weights). */
function checkVariablesMatchConfig(metaFile: string, meta: z.infer<typeof GptMeta>): void {
  const expected = parameterSpecs(meta.config);
  const found = meta.variables;
  const same = expected.length === found.length && expected.every((s, i) => s.name === found[i].name && s.shape.join(',') === found[i].shape.join(','));
  if (same) return;
  const shapeOf = (name: string) => found.find((v) => v.name === name)?.shape;
  const implied: Partial<Record<keyof PolicyConfig, number | undefined>> = {
    vocabSize: shapeOf('wte')?.[0],
    width: shapeOf('wte')?.[1],
    contextLength: shapeOf('wpe')?.[0],
    layers: found.filter((v) => /^h\d+\.ln1\.g$/.test(v.name)).length,
  };
  const fc = shapeOf('h0.mlp.fc.w');
  if (fc && fc[0] > 0) implied.mlpRatio = fc[1] / fc[0];
  for (const [key, value] of Object.entries(implied) as [keyof PolicyConfig, number | undefined][]) {
    if (value !== undefined && value !== meta.config[key]) {
      throw new UserError(`${meta.config[key]}, but the saved variables have ${key} ${value}`, { file: metaFile, field: `config.${key}` });
    }
  }
  const firstBad = expected.findIndex((s, i) => !found[i] || s.name !== found[i].name || s.shape.join(',') !== found[i].shape.join(','));
  const at = firstBad < 0 ? expected.length : firstBad;
  throw new UserError(
    `variable ${at} is ${found[at] ? `${found[at].name}[${found[at].shape}]` : '(missing)'}, the config implies ${expected[at] ? `${expected[at].name}[${expected[at].shape}]` : '(none)'}`,
    { file: metaFile, field: `variables.${at}` },
  );
}

/** Parser messages quote the text around the error, newlines included; a refusal is one line. */
export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}

const LITTLE_ENDIAN = os.endianness() === 'LE';

/** Writes `count` arrays, asked for one at a time, as little-endian float32. */
function writeFloat32File(file: string, count: number, arrayAt: (i: number) => Float32Array): void {
  const fd = fs.openSync(file, 'w');
  try {
    for (let i = 0; i < count; i++) {
      const a = arrayAt(i);
      let bytes: Uint8Array;
      if (LITTLE_ENDIAN) bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
      else {
        const b = Buffer.alloc(a.length * 4);
        for (let j = 0; j < a.length; j++) b.writeFloatLE(a[j], j * 4);
        bytes = b;
      }
      for (let off = 0; off < bytes.length;) off += fs.writeSync(fd, bytes, off, bytes.length - off);
    }
  } finally {
    fs.closeSync(fd);
  }
}

function checkSize(file: string, sizes: number[]): void {
  if (!fs.existsSync(file)) throw new UserError('not found (the checkpoint is incomplete)', { file });
  const bytes = fs.statSync(file).size;
  const expected = sizes.reduce((a, b) => a + b, 0) * 4;
  if (bytes !== expected) throw new UserError(`${bytes} bytes, expected ${expected} for the variables in policy.json`, { file });
}

/** The file's float32 arrays of these sizes, each read straight into its own aligned array (no whole-file buffer). */
function readFloat32File(file: string, sizes: number[]): Float32Array[] {
  const fd = fs.openSync(file, 'r');
  try {
    let pos = 0;
    return sizes.map((n) => {
      const a = new Float32Array(n);
      const bytes = new Uint8Array(a.buffer);
      for (let off = 0; off < bytes.length;) {
        const got = fs.readSync(fd, bytes, off, bytes.length - off, pos + off);
        if (got <= 0) throw new UserError(`ends after ${pos + off} bytes, expected ${sizes.reduce((x, y) => x + y, 0) * 4}`, { file });
        off += got;
      }
      pos += bytes.length;
      if (!LITTLE_ENDIAN) {
        const view = new DataView(a.buffer);
        for (let i = 0; i < n; i++) a[i] = view.getFloat32(i * 4, true);
      }
      return a;
    });
  } finally {
    fs.closeSync(fd);
  }
}
