// TensorFlow.js backend selection: tfjs-node-gpu → tfjs-node → wasm → cpu, or the one a setting /
// TFJS_BACKEND names. Only one native package is loaded per process. A thrown require or a false
// setBackend (wasm returns false instead of throwing when it cannot start) counts as "unavailable".
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
  /** wasm only: the native BLAS that runs the matrix products ("native BLAS libopenblas.so.0, 1 thread"), or null. */
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

export async function selectBackend(preference: BackendSetting = 'auto', loaderOverrides: Partial<Record<BackendName, Loader>> = {}): Promise<BackendChoice> {
  const order: BackendName[] = preference === 'auto' ? AUTO_ORDER : [preference];
  const skipped: string[] = [];
  for (const name of order) {
    const result = await (loaderOverrides[name] ?? loaders[name])();
    if (typeof result !== 'string') {
      const why = skipped.length ? ` (skipped: ${skipped.join('; ')})` : '';
      const how = preference === 'auto' ? 'auto' : `requested '${preference}'`;
      const fast = name === 'wasm' ? enableNativeFastPath(result) : undefined;
      current = { tf: result, name, note: `TensorFlow.js backend: ${name} [${how}]${fast ? `; ${fast.note}` : ''}${why}`, fastPath: fast ? fast.name : undefined };
      return current;
    }
    skipped.push(`${name}: ${result}`);
  }
  throw new Error(`no TensorFlow.js backend could start: ${skipped.join('; ')}`);
}
