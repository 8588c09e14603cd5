// One Adam step per variable in native code (native/blas_addon.c adamUpdate): the moments and the
// weight are updated in one pass with no tfjs temporaries. With tfjs ops an update allocates about
// ten variable-sized tensors, which at 0.5B parameters is 20 GB. The new values go to fresh arrays
// that are then assigned: the cpu backend stores the very Float32Array a tensor was made from, so
// writing into a variable's storage could change an array a caller still holds.
import type * as TF from '@tensorflow/tfjs';
import { activeBlasAddon } from './fastPath';
import { storageOf, type BlasBackendName } from './tensorStorage';

export interface AdamHyper {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** 1-based step count (bias correction). */
  step: number;
}

/**
 * m, v and param updated by Adam with gradient `grad · gradScale`; false (and nothing changed) when
 * the native path is not active, so the caller runs its tfjs version.
 */
export function nativeAdamStep(tf: typeof TF, param: TF.Variable, m: TF.Variable, v: TF.Variable, grad: Float32Array, gradScale: number, h: AdamHyper): boolean {
  const addon = activeBlasAddon();
  const backendName = tf.getBackend();
  if (!addon || (backendName !== 'wasm' && backendName !== 'cpu')) return false;
  const storage = storageOf(backendName as BlasBackendName);
  const backend = tf.backend();
  const read = (x: TF.Variable): Float32Array | null => storage.view(backend, x as unknown as { dataId: object; shape: number[]; dtype: string });
  const p0 = read(param), m0 = read(m), v0 = read(v);
  if (!p0 || !m0 || !v0 || grad.length !== p0.length) return false;
  const p1 = p0.slice(), m1 = m0.slice(), v1 = v0.slice();
  addon.adamUpdate(p1, m1, v1, grad, gradScale, h.learningRate, h.beta1, h.beta2, h.epsilon, h.step);
  tf.tidy(() => {
    param.assign(tf.tensor(p1, param.shape));
    m.assign(tf.tensor(m1, m.shape));
    v.assign(tf.tensor(v1, v.shape));
  });
  return true;
}
