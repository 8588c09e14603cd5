// Our decoder families against an independent torch implementation (test/reference/hf_reference.py):
// per-token log-probs within 1e-4 on sequences of 5-200 tokens, identical greedy continuations
// (ours through the KV cache, batched; the reference recomputes the whole prefix).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { before, test } from 'node:test';
import { selectBackend, tf } from '../../../src/trainer/backend';
import { decoderParams, transpose2d } from '../../../src/trainer/hf/decoderParams';
import { readDecoderConfig } from '../../../src/trainer/hf/modelFolder';
import { loadPretrainedPolicy } from '../../../src/trainer/hf/pretrainedPolicy';
import { referenceGradients, referenceScores, tinyConfig, writeCheckpoint, type CheckpointSpec } from './torchReference';

before(async () => {
  await selectBackend('wasm');
});

function ids(n: number, seed: number, vocab = 512): number[] {
  let x = seed * 7919 + 13;
  return Array.from({ length: n }, () => (x = (x * 1103515245 + 12345) % 2147483648) % vocab);
}

const CASES: { name: string; spec: CheckpointSpec }[] = [
  { name: 'Llama, F32, untied, GQA 2', spec: { architecture: 'LlamaForCausalLM', dtype: 'F32', config: tinyConfig() } },
  {
    name: 'Llama 3 rope_scaling + attention_bias, BF16, tied, GQA 4',
    spec: {
      architecture: 'LlamaForCausalLM', dtype: 'BF16',
      config: tinyConfig({ num_attention_heads: 4, num_key_value_heads: 1, tie_word_embeddings: true, attention_bias: true, rope_theta: 500000,
        rope_scaling: { rope_type: 'llama3', factor: 8, low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 64 } }),
    },
  },
  { name: 'Qwen2 (q/k/v biases), BF16, tied, GQA 1, 3 shards', spec: { architecture: 'Qwen2ForCausalLM', dtype: 'BF16', shards: 3, config: tinyConfig({ num_key_value_heads: 4, tie_word_embeddings: true, rope_theta: 1000000 }) } },
  { name: 'Qwen3 (q/k norm, head_dim 24 ≠ 64/4), F16, untied, GQA 2', spec: { architecture: 'Qwen3ForCausalLM', dtype: 'F16', config: tinyConfig({ head_dim: 24, rope_theta: 1000000 }) } },
  { name: 'Mistral (no sliding window), F32, untied, GQA 4, 2 shards', spec: { architecture: 'MistralForCausalLM', dtype: 'F32', shards: 2, config: tinyConfig({ num_attention_heads: 8, num_key_value_heads: 2, sliding_window: null }) } },
];

for (const { name, spec } of CASES) {
  test(`${name}: log-probs within 1e-4 of the torch reference, identical greedy continuations`, async () => {
    const dir = writeCheckpoint({ ...spec, std: 0.08, seed: name.length });
    try {
      const sequences = [ids(5, 1), ids(37, 2), ids(200, 3)];
      const prompts = [ids(3, 4), ids(9, 5), ids(6, 6)];
      const maxNew = 12;
      const ref = referenceScores(dir, { sequences, prompts, max_new_tokens: maxNew });
      const { policy } = await loadPretrainedPolicy(dir);
      try {
        const ours = await policy.logProbs(sequences.map((tokens) => ({ tokens, promptLength: 1, weight: 0 })));
        let worst = 0;
        sequences.forEach((s, i) => {
          assert.equal(ours[i].length, s.length - 1);
          ours[i].forEach((lp, j) => { worst = Math.max(worst, Math.abs(lp - (ref.logprobs[i][j + 1] as number))); });
        });
        assert.ok(worst < 1e-4, `largest log-prob difference ${worst}`);
        const greedy = await policy.sample(prompts, { maxNewTokens: maxNew, temperature: 0, topP: 1, stopTokens: [], seed: 0 });
        assert.deepEqual(greedy.responses, ref.greedy);
      } finally {
        policy.dispose();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('policy-gradient sums on a decoder family equal torch autograd (tied embedding, biases, q/k norm)', async () => {
  const dir = writeCheckpoint({ architecture: 'Qwen3ForCausalLM', dtype: 'F32', std: 0.08, seed: 9, config: tinyConfig({ tie_word_embeddings: true, attention_bias: true, head_dim: 24 }) });
  try {
    const batch = [
      { tokens: ids(12, 7), promptLength: 4, weight: 1.5 },
      { tokens: ids(30, 8), promptLength: 10, weight: -0.7 },
    ];
    const names = ['model.embed_tokens.weight', 'model.layers.0.self_attn.q_proj.weight', 'model.layers.0.self_attn.k_proj.bias', 'model.layers.1.self_attn.q_norm.weight', 'model.layers.1.mlp.down_proj.weight', 'model.norm.weight'];
    const ref = referenceGradients(dir, batch, names);
    const { policy } = await loadPretrainedPolicy(dir, { gradientTokenBudget: 16 });
    try {
      const tensorsBefore = tf().memory().numTensors;
      const g = await policy.computeGradients(batch);
      await policy.logProbs(batch);
      await policy.sample([batch[0].tokens.slice(0, 5)], { maxNewTokens: 4, temperature: 1, topP: 0.9, stopTokens: [], seed: 1 });
      assert.equal(tf().memory().numTensors, tensorsBefore, 'no tensor leaks from gradients, scoring or sampling');
      assert.ok(Math.abs(g.lossSum - ref.loss) < 1e-4 * Math.abs(ref.loss), `${g.lossSum} vs ${ref.loss}`);
      const specs = decoderParams(readDecoderConfig(`${dir}/config.json`));
      for (const name of names) {
        const i = specs.findIndex((p) => p.name === name);
        const p = specs[i];
        // Ours are stored transposed for linear layers and the tied [d, V] table.
        const ours = p.transposed ? transpose2d(g.grads[i], p.fileShape[1], p.fileShape[0]) : g.grads[i];
        const theirs = ref.grads[name];
        let num = 0;
        let den = 0;
        theirs.forEach((v, j) => { num = Math.max(num, Math.abs(ours[j] - v)); den = Math.max(den, Math.abs(v)); });
        assert.ok(den > 0 && num / den < 1e-3, `${name}: relative difference ${num / den}`);
      }
    } finally {
      policy.dispose();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
