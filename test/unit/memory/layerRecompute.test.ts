// Gradient checkpointing of the decoder's training forward (hf/decoder.ts checkpointedBlock) against the
// plain tape on tiny random decoders of each family shape: full fine-tuning and LoRA, on wasm and on
// cpu (+ the native path when it is built). The gradients of a GRPO-style weighted log-prob sum must be
// the same (1e-5 relative) and the checkpointed backward must hold less memory at its peak.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import type * as TF from '@tensorflow/tfjs';
import { PROJECTIONS } from '../../../src/core/model/projections';
import { selectBackend, tf } from '../../../src/trainer/backend';
import type { Decoder } from '../../../src/trainer/hf/decoder';
import { decoderNetwork } from '../../../src/trainer/hf/decoderNetwork';
import { withLora } from '../../../src/trainer/hf/lora';
import { readDecoderConfig } from '../../../src/trainer/hf/modelFolder';
import { SeededRng } from '../../../src/trainer/model/rng';
import { tokenLogProbs } from '../../../src/trainer/model/tokenLogprobs';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'layer-recompute-'));
after(() => fs.rmSync(work, { recursive: true, force: true }));

const BASE = {
  vocab_size: 300, hidden_size: 64, intermediate_size: 128, num_hidden_layers: 3, num_attention_heads: 4, num_key_value_heads: 2,
  rms_norm_eps: 1e-6, rope_theta: 10000, max_position_embeddings: 256, tie_word_embeddings: false, bos_token_id: 1, eos_token_id: 2,
};
const FAMILIES: { name: string; architecture: string; over: Record<string, unknown> }[] = [
  { name: 'llama (untied)', architecture: 'LlamaForCausalLM', over: {} },
  { name: 'qwen2 (q/k/v biases, tied)', architecture: 'Qwen2ForCausalLM', over: { tie_word_embeddings: true } },
  { name: 'qwen3 (q/k norms)', architecture: 'Qwen3ForCausalLM', over: { head_dim: 24 } },
  { name: 'mistral (GQA 4)', architecture: 'MistralForCausalLM', over: { num_attention_heads: 8, num_key_value_heads: 2, sliding_window: null } },
];

function configOf(architecture: string, over: Record<string, unknown>) {
  const dir = fs.mkdtempSync(path.join(work, 'cfg-'));
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ architectures: [architecture], ...BASE, ...over }));
  return readDecoderConfig(path.join(dir, 'config.json'));
}

/** Gradients of Σ w·log p(target) for every trainable parameter with the decoder's recomputation on or off, and the pass's peak tensor bytes. */
async function gradients(architecture: string, over: Record<string, unknown>, lora: boolean, recompute: boolean): Promise<{ grads: Map<string, Float32Array>; value: number; peakBytes: number }> {
  const t = tf();
  const config = configOf(architecture, over);
  const base = decoderNetwork(config, 64);
  const network = lora ? withLora(base, { rank: 4, alpha: 8, dropout: 0, targets: [...PROJECTIONS] }, 3) : base;
  const rng = SeededRng.fromSeed(11);
  const params = network.specs.map((s, i) => {
    const w = new Float32Array(s.shape.reduce((a, b) => a * b, 1));
    // Norm weights near 1, everything else (LoRA's B included, which PEFT starts at 0) small and nonzero.
    for (let j = 0; j < w.length; j++) w[j] = s.init === 'ones' ? 1 + (rng.uniform() - 0.5) * 0.2 : (rng.uniform() - 0.5) * 0.2;
    return s.trainable ? t.variable(t.tensor(w, s.shape), true, `recompute-${++counter}-${i}`) : t.tensor(w, s.shape);
  });
  const model = network.build(params) as Decoder;
  model.recomputeLayers = recompute;
  const vars = params.filter((_, i) => network.specs[i].trainable) as TF.Variable[];
  const [B, T] = [3, 17];
  const ids = new Int32Array(B * T), targets = new Int32Array(B * T), weights = new Float32Array(B * T);
  for (let i = 0; i < B * T; i++) {
    ids[i] = Math.floor(rng.uniform() * config.vocabSize);
    targets[i] = Math.floor(rng.uniform() * config.vocabSize);
    weights[i] = i % 5 === 0 ? 0 : rng.uniform() * 2 - 1;
  }
  const w = t.tensor1d(weights);
  const input = t.tensor2d(ids, [B, T], 'int32');
  const before = t.memory().numTensors;
  let result: { value: TF.Scalar; grads: TF.NamedTensorMap } | undefined;
  const profile = await t.profile(() => {
    result = t.variableGrads(() => {
      const { hidden } = model.hidden(input);
      return tokenLogProbs(hidden, model.headWeight, targets, model.headVocabMajor).mul(w).sum() as TF.Scalar;
    }, vars);
  });
  const { value, grads } = result!;
  // Nothing but the value and one gradient per variable survives the pass (the recomputation's own tape is freed).
  assert.equal(t.memory().numTensors - before, 1 + vars.length, 'tensors left after the backward');
  const out = new Map(network.specs.filter((s) => s.trainable).map((s, i) => [s.name, Float32Array.from(grads[vars[i].name].dataSync() as Float32Array)]));
  const v = value.dataSync()[0];
  value.dispose();
  Object.values(grads).forEach((g) => g.dispose());
  [w, input, ...params].forEach((x) => x.dispose());
  return { grads: out, value: v, peakBytes: profile.peakBytes };
}
let counter = 0;

/** max |a − b| / max |b| over one tensor: relative to the tensor's scale, so near-zero entries do not dominate. */
function relativeError(a: Float32Array, b: Float32Array): number {
  let diff = 0, scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}

for (const backend of ['wasm', 'cpu'] as const) {
  for (const family of FAMILIES) {
    for (const lora of [false, true]) {
      test(`${backend}: ${family.name}, ${lora ? 'LoRA' : 'full fine-tuning'}: recomputed layers give the plain tape's gradients with a lower peak`, async () => {
        await selectBackend(backend);
        const plain = await gradients(family.architecture, family.over, lora, false);
        const recomputed = await gradients(family.architecture, family.over, lora, true);
        assert.ok(Math.abs(recomputed.value - plain.value) <= 1e-5 * Math.abs(plain.value), `loss ${recomputed.value} vs ${plain.value}`);
        assert.equal(recomputed.grads.size, plain.grads.size);
        for (const [name, g] of plain.grads) {
          const err = relativeError(recomputed.grads.get(name)!, g);
          assert.ok(err <= 1e-5, `${name}: relative error ${err.toExponential(2)}`);
          assert.ok(g.some((x) => x !== 0), `${name}: the gradient is not all zeros`);
        }
        assert.ok(recomputed.peakBytes < plain.peakBytes, `peak bytes ${recomputed.peakBytes} (recomputed) vs ${plain.peakBytes} (plain tape)`);
      });
    }
  }
}
