// Adam's update on wasm writes the weights and moments in place (model/adam.ts): the same float32 values,
// bit for bit, as the tfjs ops it replaces (written out here as the reference), with no tfjs kernel run
// and so no parameter-sized temporary; a tensor sharing its storage with another falls back to the ops.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type * as TF from '@tensorflow/tfjs';
import { selectBackend, tf } from '../../../src/trainer/backend';
import { Adam, ADAM_BETA1, ADAM_BETA2, ADAM_EPSILON } from '../../../src/trainer/model/adam';
import { SeededRng } from '../../../src/trainer/model/rng';

/** The update as tfjs ops (the previous implementation of Adam.apply on every backend). */
function referenceStep(t: typeof TF, p: TF.Variable, m: TF.Variable, v: TF.Variable, grad: Float32Array, scale: number, lr: number, step: number): void {
  const c1 = 1 - Math.pow(ADAM_BETA1, step);
  const c2 = 1 - Math.pow(ADAM_BETA2, step);
  t.tidy(() => {
    const g = t.tensor(grad, p.shape).mul(scale);
    const m1 = m.mul(ADAM_BETA1).add(g.mul(1 - ADAM_BETA1));
    const v1 = v.mul(ADAM_BETA2).add(g.mul(g).mul(1 - ADAM_BETA2));
    m.assign(m1);
    v.assign(v1);
    p.assign(p.sub(m1.div(c1).div(v1.div(c2).sqrt().add(ADAM_EPSILON)).mul(lr)));
  });
}

function randomArray(rng: SeededRng, n: number, spread: number): Float32Array {
  // Values over many binades, zeros included: where float32 rounding differences would show.
  return Float32Array.from({ length: n }, (_, i) => (i % 17 === 0 ? 0 : (rng.uniform() - 0.5) * spread * Math.pow(10, Math.floor(rng.uniform() * 6) - 3)));
}

test('wasm: Adam in place equals the tfjs ops bit for bit over three steps, and runs no tfjs kernel', async () => {
  await selectBackend('wasm');
  const t = tf();
  const rng = SeededRng.fromSeed(5);
  const shapes = [[37, 11], [1000], [3, 5, 7]];
  const init = shapes.map((s) => randomArray(rng, s.reduce((a, b) => a * b, 1), 2));
  // Made inside tidy as the policy makes its variables: the initial tensor is disposed, so each variable owns its storage.
  const ours = init.map((w, i) => t.tidy(() => t.variable(t.tensor(w, shapes[i]), true, `adam-in-place-${i}`)));
  const ref = init.map((w, i) => t.variable(t.tensor(w, shapes[i]), true, `adam-reference-${i}`));
  const refM = ref.map((x) => t.variable(t.zerosLike(x), false));
  const refV = ref.map((x) => t.variable(t.zerosLike(x), false));
  const adam = new Adam(ours);
  for (let step = 1; step <= 3; step++) {
    const grads = init.map((w) => randomArray(rng, w.length, 40));
    const scale = 1 / (7 * step), lr = 3e-3 / step;
    const profile = await t.profile(() => adam.apply((i) => ({ values: grads[i], scale }), lr));
    assert.equal(profile.kernels.length, 0, `step ${step}: tfjs kernels ran: ${profile.kernels.map((k) => k.name).join(', ')}`);
    ref.forEach((p, i) => referenceStep(t, p, refM[i], refV[i], grads[i], scale, lr, step));
  }
  const state = adam.getState();
  ours.forEach((p, i) => {
    assert.deepEqual(Array.from(p.dataSync()), Array.from(ref[i].dataSync()), `weights of tensor ${i}`);
    assert.deepEqual(Array.from(state.m[i]), Array.from(refM[i].dataSync()), `first moment of tensor ${i}`);
    assert.deepEqual(Array.from(state.v[i]), Array.from(refV[i].dataSync()), `second moment of tensor ${i}`);
    assert.notDeepEqual(Array.from(p.dataSync()), Array.from(init[i]), 'the weights moved');
  });
  adam.dispose();
  [...ours, ...ref, ...refM, ...refV].forEach((x) => x.dispose());
});

test('wasm: a weight whose storage another tensor shares is updated by the tfjs ops, leaving the other tensor alone', async () => {
  await selectBackend('wasm');
  const t = tf();
  const rng = SeededRng.fromSeed(9);
  const w = randomArray(rng, 64, 2);
  const p = t.variable(t.tensor(w, [8, 8]), true, 'adam-shared');
  const view = p.reshape([64]); // shares p's storage (refCount 2)
  const ref = t.variable(t.tensor(w, [8, 8]), true, 'adam-shared-reference');
  const [rm, rv] = [t.variable(t.zerosLike(ref), false), t.variable(t.zerosLike(ref), false)];
  const adam = new Adam([p]);
  const g = randomArray(rng, 64, 5);
  const profile = await t.profile(() => adam.apply(() => ({ values: g, scale: 0.5 }), 1e-2));
  assert.ok(profile.kernels.length > 0, 'the tfjs ops ran');
  referenceStep(t, ref, rm, rv, g, 0.5, 1e-2, 1);
  assert.deepEqual(Array.from(p.dataSync()), Array.from(ref.dataSync()));
  assert.deepEqual(Array.from(view.dataSync()), Array.from(w), 'the tensor that shared the old storage is unchanged');
  adam.dispose();
  [p, view, ref, rm, rv].forEach((x) => x.dispose());
});
