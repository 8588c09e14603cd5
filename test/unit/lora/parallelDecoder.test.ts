// The two-core ParallelPolicy over Hugging Face decoder policies: the worker replica rebuilds the
// network from its JSON spec (LoRA: the frozen base read from the model folder, the adapters sent),
// and its half of the gradients, log-probs and samples equals what one process computes.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { writeHfModelFolder } from '../../../src/core/model/hfModelFolder';
import { selectBackend } from '../../../src/trainer/backend';
import { decoderNetwork } from '../../../src/trainer/hf/decoderNetwork';
import { hfWeights } from '../../../src/trainer/hf/hfWeights';
import { readDecoderConfig } from '../../../src/trainer/hf/modelFolder';
import { loadPretrainedPolicy, type PretrainedPolicyOptions } from '../../../src/trainer/hf/pretrainedPolicy';
import { TransformerPolicy, type TrainSequence } from '../../../src/trainer/model';
import { ParallelPolicy } from '../../../src/trainer/parallel/parallelPolicy';
import { tinyConfig } from '../hf/torchReference';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'parallel-decoder-'));
let baseDir = '';

before(async () => {
  await selectBackend('wasm');
  const raw = { architectures: ['LlamaForCausalLM'], ...tinyConfig({ vocab_size: 64, hidden_size: 32, intermediate_size: 64, max_position_embeddings: 48 }) };
  fs.writeFileSync(path.join(tmp, 'config.json'), JSON.stringify(raw));
  const network = decoderNetwork(readDecoderConfig(path.join(tmp, 'config.json')));
  const policy = new TransformerPolicy(network.policyConfig, network.initialWeights(3).map((w) => w.map((x) => x * 4)), { network: network.spec });
  baseDir = path.join(tmp, 'model');
  const { specs, source } = hfWeights(policy);
  writeHfModelFolder(baseDir, { config: raw }, specs, source, 'F32');
  policy.dispose();
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const batch: TrainSequence[] = [9, 30, 14, 22, 6, 17].map((n, i) => ({
  tokens: Array.from({ length: n }, (_, j) => (1 + i * 3 + j * 5) % 64),
  promptLength: 3,
  weight: [1, -0.7, 0.3, -1.2, 0.9, 0.1][i],
}));
const prompts = Array.from({ length: 6 }, (_, i) => [1, ...Array.from({ length: 2 + (i % 3) }, (_, j) => (i + j * 3) % 64)]);

function relDiff(a: Float32Array[], b: Float32Array[]): number {
  let num = 0;
  let den = 0;
  a.forEach((x, i) => x.forEach((v, j) => { num = Math.max(num, Math.abs(v - b[i][j])); den = Math.max(den, Math.abs(b[i][j])); }));
  return num / (den || 1);
}

for (const [mode, opts] of [['full fine-tuning', {}], ['LoRA', { lora: { rank: 2, alpha: 4, targets: ['q_proj', 'v_proj', 'up_proj'] }, loraSeed: 9 }]] as [string, PretrainedPolicyOptions][]) {
  test(`${mode}: two-core gradients, log-probs and samples equal one process, across an update`, async () => {
    const single = (await loadPretrainedPolicy(baseDir, opts)).policy;
    const notes: string[] = [];
    const parallel = await ParallelPolicy.create((await loadPretrainedPolicy(baseDir, opts)).policy, { log: (m) => notes.push(m) });
    try {
      assert.equal(parallel.parallel, true, notes.join('; '));
      assert.equal(parallel.trainableParameterCount(), single.trainableParameterCount());
      for (let step = 0; step < 2; step++) {
        const a = await single.computeGradients(batch);
        const b = await parallel.computeGradients(batch);
        assert.equal(b.tokenCount, a.tokenCount);
        assert.ok(relDiff(b.grads, a.grads) < 1e-5, `step ${step}: gradients differ by ${relDiff(b.grads, a.grads)}`);
        const la = await single.logProbs(batch);
        const lb = await parallel.logProbs(batch);
        la.forEach((l, i) => l.forEach((v, j) => assert.ok(Math.abs(lb[i][j] - v) < 1e-5, `logProbs ${i}/${j}`)));
        const sampling = { maxNewTokens: 6, temperature: 1, topP: 0.95, stopTokens: [], seed: 4 + step };
        assert.deepEqual((await parallel.sample(prompts, sampling)).responses, (await single.sample(prompts, sampling)).responses);
        await single.applyGradients(a.grads, a.tokenCount, { learningRate: 1e-2, clipNorm: 1 });
        await parallel.applyGradients(b.grads, b.tokenCount, { learningRate: 1e-2, clipNorm: 1 });
        // Same weights on both sides for the next step, so any difference there is the replica's sync.
        single.setWeights(parallel.getWeights());
      }
      assert.equal(parallel.parallel, true, 'the replica never failed over');
    } finally {
      single.dispose();
      parallel.dispose();
    }
  });
}
