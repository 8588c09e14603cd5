import assert from 'node:assert/strict';
import { test } from 'node:test';
import { selectBackend } from '../../../src/trainer/backend';
import { createPolicy, type PolicyConfig, type TrainSequence } from '../../../src/trainer/model';
import { modelOps } from '../../../src/trainer/model/ops';

const config: PolicyConfig = { vocabSize: 20, contextLength: 24, layers: 2, heads: 2, width: 16, mlpRatio: 2, seed: 9 };
const batch: TrainSequence[] = [
  { tokens: [1, 4, 7, 10, 13, 16, 19, 2], promptLength: 3, weight: 1 },
  { tokens: [1, 5, 9, 13, 17], promptLength: 2, weight: -0.5 },
];

function relDiff(a: Float32Array[], b: Float32Array[]): number {
  let num = 0;
  let den = 0;
  a.forEach((x, i) => x.forEach((v, j) => { num = Math.max(num, Math.abs(v - b[i][j])); den = Math.max(den, Math.abs(b[i][j])); }));
  return num / (den || 1);
}

test('wasm (wasm-fast ops, and wasm-blas ops with the native path) and cpu (plain ops: gather, tanh, transpose flags) agree on logits and gradients', async () => {
  const choice = await selectBackend('wasm');
  const onWasm = await createPolicy(config, { ops: modelOps('wasm-fast') });
  assert.equal(onWasm.opsFlavour, 'wasm-fast');
  const wasmLogits = onWasm.logitsOf(batch[0].tokens);
  const wasmGrads = await onWasm.computeGradients(batch);
  onWasm.dispose();
  // The default ops follow the fast path the backend reports.
  const onDefault = await createPolicy(config);
  assert.equal(onDefault.opsFlavour, choice.fastPath ? 'wasm-blas' : 'wasm-fast');
  const defaultLogits = onDefault.logitsOf(batch[0].tokens);
  const defaultGrads = await onDefault.computeGradients(batch);
  onDefault.dispose();
  assert.ok(relDiff([defaultLogits], [wasmLogits]) < 1e-5, `default vs wasm-fast logits differ by ${relDiff([defaultLogits], [wasmLogits])}`);
  assert.ok(relDiff(defaultGrads.grads, wasmGrads.grads) < 1e-4, `default vs wasm-fast gradients differ by ${relDiff(defaultGrads.grads, wasmGrads.grads)}`);

  await selectBackend('cpu');
  const onCpu = await createPolicy(config);
  assert.equal(onCpu.opsFlavour, 'plain');
  const cpuLogits = onCpu.logitsOf(batch[0].tokens);
  const cpuGrads = await onCpu.computeGradients(batch);
  onCpu.dispose();

  assert.ok(relDiff([wasmLogits], [cpuLogits]) < 1e-5, `logits differ by ${relDiff([wasmLogits], [cpuLogits])}`);
  assert.ok(relDiff(wasmGrads.grads, cpuGrads.grads) < 1e-4, `gradients differ by ${relDiff(wasmGrads.grads, cpuGrads.grads)}`);
  assert.equal(wasmGrads.tokenCount, cpuGrads.tokenCount);
  assert.ok(Math.abs(wasmGrads.lossSum - cpuGrads.lossSum) < 1e-4 * Math.abs(cpuGrads.lossSum));
});
