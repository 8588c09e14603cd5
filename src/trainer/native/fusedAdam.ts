// One Adam step per variable in native code (native/blas_addon.c adamUpdate): the moments and the
// weight are updated in one pass with no tfjs temporaries. With tfjs ops an update allocates about
// ten variable-sized tensors, which at 0.5B parameters is 20 GB.
// In place when that is safe: the cpu backend stores the very Float32Array a tensor was made from, so
// a variable's storage may be an array a caller still holds (the weights a policy was built from, a
// restored optimizer state). The first step of a variable therefore writes fresh arrays and assigns
// them; those arrays are ours, and later steps update them in place while no other tensor shares them
// (a fresh copy of the embedding, its moments and the weight would be 1.6 GB per step at Qwen2.5-0.5B,
// left to the garbage collector). Every reader of weights in the trainer copies (getWeights,
// weightAt, parameter), so no caller sees an array change under it.
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
  const hyper = [gradScale, h.learningRate, h.beta1, h.beta2, h.epsilon, h.step] as const;
  if (backendName === 'cpu' && [param, m, v].every((x, i) => ownsStorage(backend, x, [p0, m0, v0][i]))) {
    addon.adamUpdate(p0, m0, v0, grad, ...hyper);
    return true;
  }
  const p1 = p0.slice(), m1 = m0.slice(), v1 = v0.slice();
  addon.adamUpdate(p1, m1, v1, grad, ...hyper);
  tf.tidy(() => {
    param.assign(tf.tensor(p1, param.shape));
    m.assign(tf.tensor(m1, m.shape));
    v.assign(tf.tensor(v1, v.shape));
  });
  if (backendName === 'cpu') for (const a of [p1, m1, v1]) written.add(a);
  return true;
}

/** Arrays this module made and handed to the cpu backend as a variable's storage. */
const written = new WeakSet<Float32Array>();

/** The cpu backend's record of a tensor's storage: the array and how many tensors share it. */
interface CpuData { values: unknown; refCount: number }

/** Whether `values` (x's storage) was written here and no other tensor shares it, so it may change in place. */
function ownsStorage(backend: unknown, x: TF.Variable, values: Float32Array): boolean {
  const data = (backend as { data?: { get(id: object): CpuData | undefined } }).data?.get(x.dataId);
  return written.has(values) && data?.values === values && data.refCount === 1;
}
