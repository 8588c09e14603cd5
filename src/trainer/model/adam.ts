// Adam (Kingma & Ba) with the moments as tensors beside the weights, so its whole state — both
// moments and the step count — can be checkpointed and restored bit-exactly. tf.train.adam keeps the
// step in a hidden accumulator, which is why it is not used here.
import type * as TF from '@tensorflow/tfjs';
import { tf } from '../backend';
import { nativeAdamStep } from '../native/fusedAdam';
import { storageOf, type TensorInfo } from '../native/tensorStorage';

export const ADAM_BETA1 = 0.9;
export const ADAM_BETA2 = 0.999;
export const ADAM_EPSILON = 1e-8;

export interface AdamState {
  step: number;
  m: Float32Array[];
  v: Float32Array[];
}

export class Adam {
  private readonly m: TF.Variable[];
  private readonly v: TF.Variable[];
  private stepCount = 0;

  constructor(private readonly params: TF.Variable[]) {
    const t = tf();
    // The zeros are disposed once the variables hold them: left alive, they would keep a moment-sized
    // pair of buffers after the first update replaces the variables' data.
    this.m = params.map((p) => t.tidy(() => t.variable(t.zerosLike(p), false)));
    this.v = params.map((p) => t.tidy(() => t.variable(t.zerosLike(p), false)));
  }

  get step(): number {
    return this.stepCount;
  }

  /**
   * One update with already clipped gradients: `gradAt(i)` gives param i's gradient values (its shape)
   * and the factor they are scaled by. One parameter at a time, so an update's temporaries (about ten
   * tensors of a parameter's size with tfjs ops) exist for one parameter at a time, not for the whole
   * model; with the native path (cpu backend) there are none: the step runs in place.
   */
  apply(gradAt: (i: number) => { values: Float32Array; scale: number }, learningRate: number): void {
    const t = tf();
    this.stepCount++;
    const c1 = 1 - Math.pow(ADAM_BETA1, this.stepCount);
    const c2 = 1 - Math.pow(ADAM_BETA2, this.stepCount);
    this.params.forEach((p, i) => {
      const { values, scale } = gradAt(i);
      // Off wasm (big models on the cpu backend), the addon's fused step. On wasm, the tfjs ops'
      // arithmetic written in place into the heap (same float32 results, no temporaries), else the ops.
      if (t.getBackend() === 'cpu' && nativeAdamStep(t, p, this.m[i], this.v[i], values, scale, { learningRate, beta1: ADAM_BETA1, beta2: ADAM_BETA2, epsilon: ADAM_EPSILON, step: this.stepCount })) return;
      const heap = t.getBackend() === 'wasm' ? heapViews(t, [p, this.m[i], this.v[i]]) : undefined;
      if (heap) return adamInFloat32(heap[0], heap[1], heap[2], values, scale, learningRate, c1, c2);
      t.tidy(() => {
        const g = t.tensor(values, p.shape).mul(scale);
        const m = this.m[i].mul(ADAM_BETA1).add(g.mul(1 - ADAM_BETA1));
        const v = this.v[i].mul(ADAM_BETA2).add(g.mul(g).mul(1 - ADAM_BETA2));
        this.m[i].assign(m);
        this.v[i].assign(v);
        const update = m.div(c1).div(v.div(c2).sqrt().add(ADAM_EPSILON)).mul(learningRate);
        p.assign(p.sub(update));
      });
    });
  }

  getState(): AdamState {
    return {
      step: this.stepCount,
      m: this.m.map((x) => Float32Array.from(x.dataSync() as Float32Array)),
      v: this.v.map((x) => Float32Array.from(x.dataSync() as Float32Array)),
    };
  }

  /** One moment tensor's values (checkpoints write them one at a time). */
  moment(i: number, which: 'm' | 'v'): Float32Array {
    return Float32Array.from((which === 'm' ? this.m : this.v)[i].dataSync() as Float32Array);
  }

  setState(state: AdamState): void {
    const t = tf();
    if (state.m.length !== this.m.length || state.v.length !== this.v.length) {
      throw new Error(`optimizer state has ${state.m.length}/${state.v.length} moment tensors, the model has ${this.m.length}`);
    }
    t.tidy(() => {
      this.m.forEach((x, i) => x.assign(t.tensor(state.m[i], x.shape)));
      this.v.forEach((x, i) => x.assign(t.tensor(state.v[i], x.shape)));
    });
    this.stepCount = state.step;
  }

  dispose(): void {
    for (const x of [...this.m, ...this.v]) x.dispose();
  }
}

/**
 * The wasm heap's float32 values of each tensor when none shares its storage with another tensor (so
 * writing them changes that tensor only; wasm reads copy out of the heap, so no caller holds them).
 */
function heapViews(t: typeof TF, xs: TF.Tensor[]): Float32Array[] | undefined {
  const backend = t.backend() as unknown as { dataIdMap?: { get(id: object): { refCount: number } | undefined } };
  if (!xs.every((x) => x.dtype === 'float32' && backend.dataIdMap?.get(x.dataId)?.refCount === 1)) return undefined;
  return xs.map((x) => storageOf('wasm').view(backend, x as unknown as TensorInfo)!);
}

/**
 * One Adam step in place with the tfjs update's operations in its order, each rounded to float32
 * (Math.fround; the exact double result of one +, −, ×, ÷ or √ of float32 values rounds to the same
 * float32 as the float32 operation): scalars are float32 as tfjs makes them. A 0.5B-parameter model's
 * tfjs update allocated ~13 temporaries of the largest tensor; this allocates none.
 */
function adamInFloat32(p: Float32Array, m: Float32Array, v: Float32Array, grad: Float32Array, scale: number, learningRate: number, c1: number, c2: number): void {
  const f = Math.fround;
  const s = f(scale), b1 = f(ADAM_BETA1), nb1 = f(1 - ADAM_BETA1), b2 = f(ADAM_BETA2), nb2 = f(1 - ADAM_BETA2);
  const k1 = f(c1), k2 = f(c2), eps = f(ADAM_EPSILON), lr = f(learningRate);
  for (let i = 0; i < p.length; i++) {
    const g = f(grad[i] * s);
    const mi = f(f(m[i] * b1) + f(g * nb1));
    const vi = f(f(v[i] * b2) + f(f(g * g) * nb2));
    m[i] = mi;
    v[i] = vi;
    p[i] = f(p[i] - f(f(f(mi / k1) / f(f(Math.sqrt(f(vi / k2))) + eps)) * lr));
  }
}
