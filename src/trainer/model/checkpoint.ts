// A policy checkpoint is one folder, published atomically (built under a temp name, then renamed), so a
// kill at any moment leaves either the previous checkpoint or the new one, never a torn one:
//   policy.json     format, PolicyConfig, variable names and shapes, optimizer step and constants
//   weights.bin     every variable as little-endian float32, in policy.json order
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
import { assertFinite } from './finite';
import type { PolicyConfig } from './policy';
import { parameterSpecs, validateConfig } from './transformer';

export const CHECKPOINT_FORMAT = 'acereason-policy';
export const CHECKPOINT_FILES = { meta: 'policy.json', weights: 'weights.bin', optimizer: 'optimizer.bin', extra: 'extra.json', manifest: 'manifest.json' } as const;
/** Weights beyond this magnitude are a diverged or damaged model, refused like NaN. */
export const MAX_ABS_WEIGHT = 1e6;

const positiveInt = z.number().int().positive();
const CheckpointMeta = z.object({
  format: z.literal(CHECKPOINT_FORMAT),
  version: z.literal(1),
  config: z.object({
    vocabSize: positiveInt, contextLength: positiveInt, layers: positiveInt, heads: positiveInt,
    width: positiveInt, mlpRatio: positiveInt, seed: z.number().int(),
  }),
  variables: z.array(z.object({ name: z.string(), shape: z.array(z.number().int().nonnegative()) })),
  optimizer: z.object({ kind: z.literal('adam'), step: z.number().int().nonnegative(), beta1: z.number(), beta2: z.number(), epsilon: z.number() }),
});
type CheckpointMeta = z.infer<typeof CheckpointMeta>;

/** What saveCheckpoint needs from a policy. */
export interface CheckpointSource {
  readonly config: PolicyConfig;
  readonly specs: readonly { name: string; shape: readonly number[] }[];
  getWeights(): Float32Array[];
  getOptimizerState(): AdamState;
}

/** What loadCheckpoint needs from the empty policy the caller's factory builds. */
export interface RestorablePolicy {
  setWeights(weights: Float32Array[]): void;
  setOptimizerState(state: AdamState): void;
  dispose(): void;
}

/** Writes the checkpoint folder atomically. Refuses (one line, nothing written) non-finite weights or moments. */
export function saveCheckpoint(dir: string, policy: CheckpointSource, extra?: Record<string, unknown>): void {
  const weights = policy.getWeights();
  const optimizer = policy.getOptimizerState();
  const names = policy.specs.map((s) => s.name);
  const refuse = `refusing to save checkpoint ${dir} (the previous checkpoint, if any, is untouched)`;
  assertFinite(weights, `${refuse}: weights`, { names, maxAbs: MAX_ABS_WEIGHT });
  assertFinite(optimizer.m, `${refuse}: Adam first moment`, { names });
  assertFinite(optimizer.v, `${refuse}: Adam second moment`, { names });
  const meta: CheckpointMeta = {
    format: CHECKPOINT_FORMAT,
    version: 1,
    config: { ...policy.config },
    variables: policy.specs.map((s) => ({ name: s.name, shape: [...s.shape] })),
    optimizer: { kind: 'adam', step: optimizer.step, beta1: ADAM_BETA1, beta2: ADAM_BETA2, epsilon: ADAM_EPSILON },
  };
  try {
    publishDirAtomic(dir, (tmp) => {
      fs.writeFileSync(path.join(tmp, CHECKPOINT_FILES.weights), concatFloat32(weights));
      fs.writeFileSync(path.join(tmp, CHECKPOINT_FILES.optimizer), concatFloat32([...optimizer.m, ...optimizer.v]));
      if (extra !== undefined) fs.writeFileSync(path.join(tmp, CHECKPOINT_FILES.extra), JSON.stringify(extra) + '\n');
      fs.writeFileSync(path.join(tmp, CHECKPOINT_FILES.meta), JSON.stringify(meta, null, 2) + '\n');
      writeManifest(tmp);
    });
  } catch (e) {
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
  try {
    validateConfig(config, 'config');
  } catch (e) {
    throw new UserError((e as Error).message, { file: metaFile });
  }
  // Before allocating anything: the variables the config implies must be the ones listed and stored.
  checkVariablesMatchConfig(metaFile, meta);
  const sizes = meta.variables.map((v) => v.shape.reduce((a, b) => a * b, 1));
  const weightsFile = path.join(dir, CHECKPOINT_FILES.weights);
  const optimizerFile = path.join(dir, CHECKPOINT_FILES.optimizer);
  checkSize(weightsFile, sizes);
  checkSize(optimizerFile, [...sizes, ...sizes]);
  const extraFile = path.join(dir, CHECKPOINT_FILES.extra);
  verifyManifest(dir, [CHECKPOINT_FILES.meta, CHECKPOINT_FILES.weights, CHECKPOINT_FILES.optimizer, CHECKPOINT_FILES.extra]);

  const names = meta.variables.map((v) => v.name);
  const weights = splitFloat32(fs.readFileSync(weightsFile), sizes);
  assertFinite(weights, 'weights', { names, file: weightsFile, maxAbs: MAX_ABS_WEIGHT });
  const moments = splitFloat32(fs.readFileSync(optimizerFile), [...sizes, ...sizes]);
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
  return { config, weights, optimizer: { step: meta.optimizer.step, m, v }, extra };
}

export interface LoadedCheckpoint<P> {
  policy: P;
  /** The caller's state saved with it, or undefined. */
  extra: Record<string, unknown> | undefined;
}

/** A checkpoint read, checked and put into the empty policy `create(config)` builds. */
export async function loadCheckpoint<P extends RestorablePolicy>(dir: string, create: (config: PolicyConfig) => P | Promise<P>): Promise<LoadedCheckpoint<P>> {
  const data = readCheckpoint(dir);
  const policy = await create(data.config);
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

/** Names the config field that disagrees with the saved variables (e.g. width 4096 over width-16 weights). */
function checkVariablesMatchConfig(metaFile: string, meta: CheckpointMeta): void {
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

function concatFloat32(arrays: Float32Array[]): Buffer {
  if (LITTLE_ENDIAN) return Buffer.concat(arrays.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength)));
  const total = arrays.reduce((n, a) => n + a.length, 0);
  const out = Buffer.alloc(total * 4);
  let at = 0;
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++) out.writeFloatLE(a[i], (at + i) * 4);
    at += a.length;
  }
  return out;
}

function checkSize(file: string, sizes: number[]): void {
  if (!fs.existsSync(file)) throw new UserError('not found (the checkpoint is incomplete)', { file });
  const bytes = fs.statSync(file).size;
  const expected = sizes.reduce((a, b) => a + b, 0) * 4;
  if (bytes !== expected) throw new UserError(`${bytes} bytes, expected ${expected} for the variables in policy.json`, { file });
}

function splitFloat32(buf: Buffer, sizes: number[]): Float32Array[] {
  let at = 0;
  return sizes.map((n) => {
    // A copy, so each array owns an aligned buffer of its own.
    const a = new Float32Array(n);
    if (LITTLE_ENDIAN) new Uint8Array(a.buffer).set(buf.subarray(at * 4, (at + n) * 4));
    else for (let i = 0; i < n; i++) a[i] = buf.readFloatLE((at + i) * 4);
    at += n;
    return a;
  });
}
