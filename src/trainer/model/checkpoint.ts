// A policy checkpoint is one folder, published atomically (built under a temp name, then renamed), so a
// kill at any moment leaves either the previous checkpoint or the new one, never a torn one:
//   policy.json     format, PolicyConfig, variable names and shapes, optimizer step and constants
//   weights.bin     every variable as little-endian float32, in policy.json order
//   optimizer.bin   Adam's first moments, then its second moments, same order
//   extra.json      the caller's state (tokenizer, RNG state, trainer position), if given
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { publishDirAtomic } from '../../core/util/atomic';
import { ADAM_BETA1, ADAM_BETA2, ADAM_EPSILON } from './adam';
import type { PolicyConfig } from './policy';
import type { TransformerPolicy, TransformerPolicyOptions } from './transformer-policy';

export const CHECKPOINT_FORMAT = 'acereason-policy';
export const CHECKPOINT_FILES = { meta: 'policy.json', weights: 'weights.bin', optimizer: 'optimizer.bin', extra: 'extra.json' } as const;

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

export function saveCheckpoint(dir: string, policy: TransformerPolicy, extra?: Record<string, unknown>): void {
  const weights = policy.getWeights();
  const optimizer = policy.getOptimizerState();
  const meta: CheckpointMeta = {
    format: CHECKPOINT_FORMAT,
    version: 1,
    config: { ...policy.config },
    variables: policy.specs.map((s) => ({ name: s.name, shape: s.shape })),
    optimizer: { kind: 'adam', step: optimizer.step, beta1: ADAM_BETA1, beta2: ADAM_BETA2, epsilon: ADAM_EPSILON },
  };
  try {
    publishDirAtomic(dir, (tmp) => {
      fs.writeFileSync(path.join(tmp, CHECKPOINT_FILES.weights), concatFloat32(weights));
      fs.writeFileSync(path.join(tmp, CHECKPOINT_FILES.optimizer), concatFloat32([...optimizer.m, ...optimizer.v]));
      if (extra !== undefined) fs.writeFileSync(path.join(tmp, CHECKPOINT_FILES.extra), JSON.stringify(extra) + '\n');
      // Written last: a folder without policy.json is never a checkpoint.
      fs.writeFileSync(path.join(tmp, CHECKPOINT_FILES.meta), JSON.stringify(meta, null, 2) + '\n');
    });
  } catch (e) {
    throw new Error(`saving checkpoint ${dir} failed (the previous checkpoint, if any, is untouched): ${(e as Error).message}`);
  }
}

export interface LoadedCheckpoint {
  policy: TransformerPolicy;
  /** The caller's state saved with it, or undefined. */
  extra: Record<string, unknown> | undefined;
}

export async function loadCheckpoint(dir: string, opts: TransformerPolicyOptions = {}): Promise<LoadedCheckpoint> {
  const metaFile = path.join(dir, CHECKPOINT_FILES.meta);
  if (!fs.existsSync(metaFile)) throw new Error(`${metaFile}: not found (is ${dir} a policy checkpoint?)`);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(metaFile, 'utf8'));
  } catch (e) {
    throw new Error(`${metaFile}: not valid JSON: ${(e as Error).message}`);
  }
  const parsed = CheckpointMeta.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${metaFile}: field '${issue.path.join('.') || '(root)'}': ${issue.message}`);
  }
  const meta = parsed.data;
  const config: PolicyConfig = meta.config;
  const sizes = meta.variables.map((v) => v.shape.reduce((a, b) => a * b, 1));
  const weights = splitFloat32(readExact(path.join(dir, CHECKPOINT_FILES.weights), sizes), sizes);
  const moments = splitFloat32(readExact(path.join(dir, CHECKPOINT_FILES.optimizer), [...sizes, ...sizes]), [...sizes, ...sizes]);
  let extra: Record<string, unknown> | undefined;
  const extraFile = path.join(dir, CHECKPOINT_FILES.extra);
  if (fs.existsSync(extraFile)) {
    try {
      extra = JSON.parse(fs.readFileSync(extraFile, 'utf8'));
    } catch (e) {
      throw new Error(`${extraFile}: not valid JSON: ${(e as Error).message}`);
    }
  }
  const { TransformerPolicy } = await import('./transformer-policy');
  const policy = new TransformerPolicy(config, undefined, opts);
  try {
    const expected = policy.specs.map((s) => `${s.name}[${s.shape}]`).join(' ');
    const found = meta.variables.map((v) => `${v.name}[${v.shape}]`).join(' ');
    if (expected !== found) throw new Error(`${metaFile}: variables do not match the model the config describes`);
    policy.setWeights(weights);
    policy.setOptimizerState({ step: meta.optimizer.step, m: moments.slice(0, sizes.length), v: moments.slice(sizes.length) });
  } catch (e) {
    policy.dispose();
    throw e;
  }
  return { policy, extra };
}

/** The extra.json of a checkpoint without loading the model (e.g. to rebuild the tokenizer first). */
export function readCheckpointExtra(dir: string): Record<string, unknown> | undefined {
  const file = path.join(dir, CHECKPOINT_FILES.extra);
  if (!fs.existsSync(file)) return undefined;
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file}: not valid JSON: ${(e as Error).message}`);
  }
}

/** True for a folder that holds a complete checkpoint (temp folders of an interrupted save are not). */
export function isCheckpoint(dir: string): boolean {
  return !/\.(tmp|old)-/.test(path.basename(dir)) && fs.existsSync(path.join(dir, CHECKPOINT_FILES.meta));
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

function readExact(file: string, sizes: number[]): Buffer {
  if (!fs.existsSync(file)) throw new Error(`${file}: not found (the checkpoint is incomplete)`);
  const buf = fs.readFileSync(file);
  const expected = sizes.reduce((a, b) => a + b, 0) * 4;
  if (buf.length !== expected) throw new Error(`${file}: ${buf.length} bytes, expected ${expected} for the variables in policy.json`);
  return buf;
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
