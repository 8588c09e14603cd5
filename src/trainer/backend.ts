// TensorFlow.js backend selection: tfjs-node-gpu → tfjs-node → wasm → cpu, or the one a setting /
// TFJS_BACKEND names. Only one native package is loaded per process. A thrown require or a false
// setBackend (wasm returns false instead of throwing when it cannot start) counts as "unavailable".
// wasm keeps every tensor in one heap of at most 4 GB; a model whose estimated memory does not fit
// (a 0.5B model's weights, gradients and Adam moments are ~8 GB) skips it for cpu, whose tensors are
// ordinary JS arrays. Both wasm and cpu run their matrix products in the native BLAS when present.
//
// The native packages bring their own copy of @tensorflow/tfjs, so model code must use the `tf`
// handle returned here (see `tf()`), never a static import of '@tensorflow/tfjs'.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type * as TF from '@tensorflow/tfjs';
import { BackendName, BackendSetting } from '../core/protocol/trainer';
import { distPath } from '../core/util/paths';
import { enableNativeFastPath } from './native/fastPath';

export type Tf = typeof TF;

export interface BackendChoice {
  tf: Tf;
  name: BackendName;
  /** One human-readable line: what was chosen and why the others were not. */
  note: string;
  /** wasm and cpu: the native BLAS that runs the matrix products ("native BLAS libopenblas.so.0, 1 thread"), or null. */
  fastPath?: string | null;
}

let current: BackendChoice | undefined;

/** The tf namespace of the selected backend. Throws if selectBackend() has not run. */
export function tf(): Tf {
  if (!current) throw new Error('TensorFlow.js backend not initialised: call selectBackend() first');
  return current.tf;
}
export function currentBackend(): BackendChoice | undefined {
  return current;
}

type Loader = () => Promise<Tf | string>;

// A require esbuild does not follow, so the optional native packages stay external and are found
// in the user's node_modules at run time.
const dynamicRequire = createRequire(__filename);

const loaders: Record<BackendName, Loader> = {
  'tensorflow-gpu': async () => loadNative('@tensorflow/tfjs-node-gpu'),
  tensorflow: async () => loadNative('@tensorflow/tfjs-node'),
  wasm: async () => {
    const tfjs: Tf = require('@tensorflow/tfjs');
    const wasm = require('@tensorflow/tfjs-backend-wasm');
    const dir = distPath('wasm');
    if (fs.existsSync(dir) && fs.readdirSync(dir).some((f) => f.endsWith('.wasm'))) wasm.setWasmPaths(dir + '/');
    const ok = await tfjs.setBackend('wasm');
    if (!ok) return 'setBackend("wasm") returned false (the wasm module failed to start)';
    await tfjs.ready();
    return tfjs;
  },
  cpu: async () => {
    const tfjs: Tf = require('@tensorflow/tfjs');
    const ok = await tfjs.setBackend('cpu');
    if (!ok) return 'setBackend("cpu") returned false';
    await tfjs.ready();
    // Its first write prints "install tfjs-node to speed things up" on every run; the log line says what runs instead.
    (tfjs.backend() as unknown as { firstUse?: boolean }).firstUse = false;
    return tfjs;
  },
};

async function loadNative(pkg: string): Promise<Tf | string> {
  let mod: Tf;
  try {
    mod = dynamicRequire(pkg);
  } catch (e) {
    const msg = (e as Error).message.split('\n')[0];
    return /Cannot find module/.test(msg) && msg.includes(pkg) ? `${pkg} is not installed` : `${pkg} failed to load: ${msg}`;
  }
  try {
    const ok = await mod.setBackend('tensorflow');
    if (!ok) return `${pkg} loaded but setBackend("tensorflow") returned false`;
    await mod.ready();
    return mod;
  } catch (e) {
    return `${pkg} loaded but the backend failed: ${(e as Error).message.split('\n')[0]}`;
  }
}

export const AUTO_ORDER: BackendName[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

/** The wasm backend's heap: 32-bit addresses, so 4 GiB whatever the machine has. */
export const WASM_HEAP_BYTES = 4 * 2 ** 30;
/** What a model may need and still go to wasm: the heap less room for XNNPACK's packed copies and fragmentation. */
export const WASM_MODEL_LIMIT_BYTES = 3.5 * 2 ** 30;

export interface SelectOptions {
  /** The work's estimated peak memory (src/core/model/memoryEstimate.ts); above WASM_MODEL_LIMIT_BYTES auto skips wasm. */
  memoryBytes?: number;
}

const gb = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GB`;

function tooBigForWasm(memoryBytes: number | undefined): string | undefined {
  return memoryBytes !== undefined && memoryBytes > WASM_MODEL_LIMIT_BYTES
    ? `the model needs ~${gb(memoryBytes)}, more than the wasm heap holds (${gb(WASM_HEAP_BYTES)})`
    : undefined;
}

/** Resolves the preference: an explicit setting wins, then TFJS_BACKEND, then auto. */
export function resolvePreference(setting: string | undefined, env = process.env): BackendSetting {
  const fromEnv = env.TFJS_BACKEND?.trim();
  const pick = setting && setting !== 'auto' ? setting : fromEnv || 'auto';
  const parsed = BackendSetting.safeParse(pick === 'node' ? 'tensorflow' : pick);
  if (!parsed.success) {
    throw new Error(`unknown TensorFlow.js backend '${pick}' (expected one of ${BackendSetting.options.join(', ')})`);
  }
  return parsed.data;
}

export async function selectBackend(preference: BackendSetting = 'auto', loaderOverrides: Partial<Record<BackendName, Loader>> = {}, opts: SelectOptions = {}): Promise<BackendChoice> {
  const order: BackendName[] = preference === 'auto' ? AUTO_ORDER : [preference];
  const skipped: string[] = [];
  const warnings: string[] = [];
  const wasmProblem = tooBigForWasm(opts.memoryBytes);
  for (const name of order) {
    if (name === 'wasm' && wasmProblem) {
      if (preference === 'auto') {
        skipped.push(`wasm: ${wasmProblem}`);
        continue;
      }
      warnings.push(`warning: ${wasmProblem}; 'cpu' has no such limit`);
    }
    const result = await (loaderOverrides[name] ?? loaders[name])();
    if (typeof result !== 'string') {
      const how = preference === 'auto' ? 'auto' : `requested '${preference}'`;
      current = describeChoice(result, name, how, [...warnings, ...(skipped.length ? [`skipped: ${skipped.join('; ')}`] : [])]);
      return current;
    }
    skipped.push(`${name}: ${result}`);
  }
  throw new Error(`no TensorFlow.js backend could start: ${skipped.join('; ')}`);
}

function describeChoice(tfjs: Tf, name: BackendName, how: string, remarks: string[]): BackendChoice {
  const fast = name === 'wasm' || name === 'cpu' ? enableNativeFastPath(tfjs, name) : undefined;
  const tail = remarks.length ? ` (${remarks.join('; ')})` : '';
  return { tf: tfjs, name, note: `TensorFlow.js backend: ${name} [${how}]${fast ? `; ${fast.note}` : ''}${tail}`, fastPath: fast ? fast.name : undefined };
}

/**
 * Makes sure the selected backend can hold work of `memoryBytes` (the estimate of
 * src/core/model/memoryEstimate.ts): selected automatically on wasm and too big for its heap, it
 * switches to cpu (same tfjs instance; the native BLAS follows). Returns the note when it switched.
 * Call before creating the model's tensors.
 */
export async function ensureBackendFits(memoryBytes: number): Promise<string | undefined> {
  if (!current) {
    await selectBackend(resolvePreference(undefined), {}, { memoryBytes });
    return current!.note;
  }
  const problem = tooBigForWasm(memoryBytes);
  if (current.name !== 'wasm' || !problem || !current.note.includes('[auto]')) return undefined;
  const result = await loaders.cpu();
  if (typeof result === 'string') return `${current.note}; warning: ${problem} and cpu did not start: ${result}`;
  current = describeChoice(result, 'cpu', 'auto', [`switched from wasm: ${problem}`]);
  return current.note;
}
