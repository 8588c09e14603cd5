// Finds and loads the optional native BLAS addon (dist/native/<platform>-<arch>/acereason_blas.node,
// built by scripts/build-native.mjs). Absent addon, absent BLAS library or ACEREASON_NATIVE=0: the
// caller gets a reason string and keeps the wasm kernels.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { distPath } from '../../core/util/paths';

export interface BlasAddon {
  /** out[i] = op(a[i]) · op(b[i]) (or += with `accumulate`) for i < max(batchA, batchB); a batch of 1 broadcasts. Row-major. */
  sgemmBatched(a: Float32Array, b: Float32Array, out: Float32Array, batchA: number, batchB: number,
    m: number, n: number, k: number, transposeA: boolean, transposeB: boolean, accumulate?: boolean): void;
  /** Adam in place: g = grad·gradScale, m/v updated, param -= lr·m̂/(√v̂ + ε) (bias-corrected at `step`). */
  adamUpdate(param: Float32Array, m: Float32Array, v: Float32Array, grad: Float32Array, gradScale: number,
    learningRate: number, beta1: number, beta2: number, epsilon: number, step: number): void;
  /**
   * Per row of logits [rows, vocab]: lse = log Σ exp, picked = logits[target] − lse; with grad and
   * dLogits also dLogits = grad · (onehot(target) − softmax).
   */
  logSoftmaxRows(logits: Float32Array, vocab: number, targets: Int32Array, picked: Float32Array, lse: Float32Array, grad?: Float32Array, dLogits?: Float32Array): void;
  /** out = 1 / (1 + e^−x) element-wise (AVX2 where the CPU has it). Absent from addons built before it. */
  sigmoid?(x: Float32Array, out: Float32Array): void;
  /** Each of `batch` row-major [rows, cols] matrices of x into [cols, rows] in out. Absent from addons built before it. */
  transpose?(x: Float32Array, batch: number, rows: number, cols: number, out: Float32Array): void;
  /** Sets the BLAS library's thread count; false when the library has no such call. */
  setThreads(n: number): boolean;
  describe(): { library: string; loadErrors: string; threads: number };
}

// A require esbuild does not follow: the .node file is found next to the bundles at run time.
const dynamicRequire = createRequire(__filename);

export function addonPath(): string {
  return distPath('native', `${process.platform}-${process.arch}`, 'acereason_blas.node');
}

/** The loaded addon with a working BLAS, or a one-line reason why not. */
export function loadBlasAddon(): BlasAddon | string {
  if (process.env.ACEREASON_NATIVE === '0') return 'native BLAS disabled (ACEREASON_NATIVE=0)';
  const file = addonPath();
  if (!fs.existsSync(file)) return `no native BLAS addon for ${process.platform}-${process.arch} (${file} absent)`;
  let addon: BlasAddon;
  try {
    addon = dynamicRequire(file) as BlasAddon;
  } catch (e) {
    return `native BLAS addon failed to load: ${(e as Error).message.split('\n')[0]}`;
  }
  const info = addon.describe();
  if (!info.library) return `no BLAS library found (install OpenBLAS, e.g. Debian's libopenblas0${info.loadErrors ? `; ${info.loadErrors.slice(0, 300)}` : ''})`;
  return addon;
}
