// Adam (Kingma & Ba) with the moments as tensors beside the weights, so its whole state — both
// moments and the step count — can be checkpointed and restored bit-exactly. tf.train.adam keeps the
// step in a hidden accumulator, which is why it is not used here.
import type * as TF from '@tensorflow/tfjs';
import { tf } from '../backend';
import { nativeAdamStep } from '../native/fusedAdam';

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
   * One update with already scaled and clipped gradients: `gradAt(i)` makes param i's gradient (same
   * shape), disposed after use. One tidy per parameter, so an update's temporaries (about ten
   * tensors of a parameter's size) exist for one parameter at a time, not for the whole model.
   */
  apply(gradAt: (i: number) => TF.Tensor, learningRate: number): void {
    const t = tf();
    this.stepCount++;
    const c1 = 1 - Math.pow(ADAM_BETA1, this.stepCount);
    const c2 = 1 - Math.pow(ADAM_BETA2, this.stepCount);
    this.params.forEach((p, i) => {
      t.tidy(() => {
        const g = gradAt(i);
        // Off wasm (big models on the cpu backend), the addon's fused step makes no parameter-sized
        // temporaries; on wasm the tfjs update below stays, so small runs keep their exact numerics.
        if (t.getBackend() === 'cpu' && nativeAdamStep(t, p, this.m[i], this.v[i], g.dataSync() as Float32Array, 1, { learningRate, beta1: ADAM_BETA1, beta2: ADAM_BETA2, epsilon: ADAM_EPSILON, step: this.stepCount })) return;
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
