// acc += op(a) · op(b) straight into a JS accumulator with BLAS (beta = 1): summing a large gradient
// over chunks (the output head's, [V, d] = 545 MB at Qwen2.5-0.5B) then needs no new tensor and no
// extra add pass per chunk.
import type * as TF from '@tensorflow/tfjs';
import { activeBlasAddon } from './fastPath';
import { storageOf, type BlasBackendName, type TensorInfo } from './tensorStorage';

/** Whether accumulateProduct runs on the current backend (native BLAS active on wasm or cpu). */
export function canAccumulateProducts(tf: typeof TF): boolean {
  const name = tf.getBackend();
  return !!activeBlasAddon() && (name === 'wasm' || name === 'cpu');
}

/** False (acc untouched) when the native path is not active; the caller then sums with tfjs ops. */
export function accumulateProduct(tf: typeof TF, acc: Float32Array, a: TF.Tensor2D, b: TF.Tensor2D, transposeA: boolean, transposeB: boolean): boolean {
  const blas = activeBlasAddon();
  const name = tf.getBackend();
  if (!blas || (name !== 'wasm' && name !== 'cpu')) return false;
  const storage = storageOf(name as BlasBackendName);
  const backend = tf.backend();
  const av = storage.view(backend, a as unknown as TensorInfo), bv = storage.view(backend, b as unknown as TensorInfo);
  if (!av || !bv) return false;
  const m = transposeA ? a.shape[1] : a.shape[0], k = transposeA ? a.shape[0] : a.shape[1];
  const n = transposeB ? b.shape[0] : b.shape[1];
  if ((transposeB ? b.shape[1] : b.shape[0]) !== k || acc.length !== m * n) throw new Error(`accumulateProduct: shapes [${a.shape}]${transposeA ? 'ᵀ' : ''} · [${b.shape}]${transposeB ? 'ᵀ' : ''} do not give ${acc.length} values`);
  blas.sgemmBatched(av, bv, acc, 1, 1, m, n, k, transposeA, transposeB, true);
  return true;
}
