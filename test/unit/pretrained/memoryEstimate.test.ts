import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DecoderConfig } from '../../../src/trainer/hf/decoderConfig';
import { estimateRunMemory, describeEstimate, loraParameterCount, parameterCount, PROJECTIONS, type ModelShape } from '../../../src/core/model/memoryEstimate';

// The trainer's loaded config.json (DecoderConfig) is a ModelShape as it is: this fails to type-check if the names drift apart.
export const shapeOfLoadedConfig = (c: DecoderConfig): ModelShape => c;

// V 10, h 4, I 6, 2 layers, 2 heads × d 2, 1 KV head, untied, no biases.
const TINY: ModelShape = { vocabSize: 10, hiddenSize: 4, intermediateSize: 6, layers: 2, heads: 2, kvHeads: 1, headDim: 2, tieWordEmbeddings: false, qkvBias: false, qkNorm: false };
const TINY_RUN = { microBatchTokens: 8, sequenceLength: 4, logprobChunkTokens: 3, rolloutBatch: 2, rolloutSequenceLength: 5 };

test('tiny config: parameters and every term of the estimate by hand', () => {
  // embedding 10·4 = 40; per layer q 16 + k 8 + v 8 + o 16 + gate 24 + up 24 + down 24 + two norms 8 = 128;
  // head: final norm 4 + lm_head 40 → 40 + 2·128 + 44 = 340.
  assert.deepEqual(parameterCount(TINY), { embedding: 40, perLayer: 128, head: 44, total: 340 });
  // LoRA r 2 on q (4→4) and v (4→2): 2·(4+4) + 2·(4+2) = 28 per layer, 56 in all.
  assert.equal(loraParameterCount(TINY, 2, ['q_proj', 'v_proj']), 56);

  const full = estimateRunMemory(TINY, { kind: 'full' }, TINY_RUN, undefined, 0);
  // per token and layer: 4h 16 + 3Hd 12 + 3KVd 6 + 2·H·S 16 + 4I 24 = 74; ×2 layers + final norm 2h 8 = 156 floats; ×8 tokens ×4 B.
  assert.deepEqual(full.bytes, { weights: 1360, gradients: 1360, optimizer: 2720, activations: 4992, logprobChunk: 240, kvCache: 320, rolloutLogits: 80, runtime: 0 });
  // kv: 2 seqs × 5 tokens × 2 layers × (k, v) × 1 head × d 2 × 4 B = 320; logits 2 × 10 × 4 = 80.
  assert.equal(full.trainingBytes, 1360 + 4992 + 240);
  assert.equal(full.rolloutBytes, 400);
  assert.equal(full.peakBytes, 1360 + 2720 + 6592);
  assert.equal(full.trainableParameters, 340);

  const lora = estimateRunMemory(TINY, { kind: 'lora', rank: 2, targets: ['q_proj', 'v_proj'] }, TINY_RUN, undefined, 0);
  // weights: base 340 + adapter 56 = 396 floats; gradients and Adam only for the 56; activations +r·targets = 4 per layer → 164 floats per token.
  assert.deepEqual(lora.bytes, { weights: 1584, gradients: 224, optimizer: 448, activations: 5248, logprobChunk: 240, kvCache: 320, rolloutLogits: 80, runtime: 0 });
  assert.equal(lora.peakBytes, 1584 + 448 + (224 + 5248 + 240));
  assert.equal(lora.trainableParameters, 56);
  assert.equal(lora.totalParameters, 396);

  // A rollout-bound run: the KV cache term takes over the max.
  const longRollouts = estimateRunMemory(TINY, { kind: 'full' }, { ...TINY_RUN, rolloutBatch: 64, rolloutSequenceLength: 100 }, undefined, 0);
  assert.equal(longRollouts.bytes.kvCache, 64 * 100 * 2 * 2 * 1 * 2 * 4);
  assert.equal(longRollouts.peakBytes, 1360 + 2720 + 64 * 100 * 2 * 2 * 2 * 4 + 64 * 10 * 4);
  assert.match(estimateRunMemory(TINY, { kind: 'full' }, { ...TINY_RUN, rolloutBatch: 64, rolloutSequenceLength: 100 }, 10_000, 0).advice.join('\n'), /fewer sequences per rollout batch or shorter responses: the KV cache of 64 × 100 tokens/);
});

// Qwen2.5-0.5B's config.json: hidden 896, 24 layers, 14 heads / 2 KV heads (head_dim 64), MLP 4864, vocab 151,936, tied, q/k/v biases.
const QWEN05: ModelShape = { vocabSize: 151936, hiddenSize: 896, intermediateSize: 4864, layers: 24, heads: 14, kvHeads: 2, headDim: 64, tieWordEmbeddings: true, qkvBias: true, qkNorm: false };

test("Qwen2.5-0.5B's shapes: 494,032,768 parameters, 8,798,208 for LoRA rank 16 on all projections, and the issue's batch", () => {
  // embedding 151936·896 = 136,134,656; per layer q 896·896+896, k and v 896·128+128, o 896·896, MLP 3·896·4864, norms 2·896.
  const p = parameterCount(QWEN05);
  assert.equal(p.embedding, 136_134_656);
  assert.equal(p.perLayer, 803_712 + 114_816 + 114_816 + 802_816 + 13_074_432 + 1_792);
  assert.equal(p.total, 494_032_768);
  // r·(in+out): q 16·1792, k, v 16·1024, o 16·1792, gate, up, down 16·5760 → 366,592 per layer (PEFT prints 8,798,208 trainable).
  assert.equal(loraParameterCount(QWEN05, 16, PROJECTIONS), 8_798_208);

  const run = { microBatchTokens: 4 * 256, sequenceLength: 256, logprobChunkTokens: 128, rolloutBatch: 8, rolloutSequenceLength: 64 + 256 };
  const full = estimateRunMemory(QWEN05, { kind: 'full' }, run, undefined, 0);
  // per token and layer: 4·896 + 3·896 + 3·128 + 2·14·256 + 4·4864 = 33,280 floats; ×24 + 2·896 = 800,512 per token.
  assert.equal(full.bytes.activations, 1024 * 800_512 * 4);
  assert.equal(full.bytes.weights, 494_032_768 * 4);
  assert.equal(full.bytes.optimizer, 2 * 494_032_768 * 4);
  assert.equal(full.bytes.logprobChunk, 2 * 128 * 151_936 * 4);
  assert.equal(full.bytes.kvCache, 8 * 320 * 24 * 2 * 2 * 64 * 4);
  // weights, gradients and two Adam moments (4 × 1.976 GB) + activations 3.279 GB + log-prob chunk 0.156 GB = 11.34 GB (the KV cache, 0.13 GB, is smaller).
  assert.equal(full.peakBytes, 4 * 494_032_768 * 4 + 1024 * 800_512 * 4 + 2 * 128 * 151_936 * 4);
  assert.equal(full.peakBytes, 11_339_003_904);

  // 8 GB free: refused with what to change.
  const refused = estimateRunMemory(QWEN05, { kind: 'full' }, run, 8e9);
  assert.equal(refused.fits, false);
  assert.match(refused.advice[0], /^use "lora" \(model\.lora, .*\): gradients and Adam state for 494,032,768 parameters need 5\.5 GiB; with LoRA the peak is 5\.\d GiB$/);
  assert.equal(refused.advice.length, 1, 'no micro-batch size fits full fine-tuning in 8 GB, so none is suggested');
  // LoRA in 5 GB: the micro-batch is what to shrink, to the largest halving that fits.
  const tight = estimateRunMemory(QWEN05, { kind: 'lora', rank: 16, targets: PROJECTIONS }, run, 5e9);
  assert.equal(tight.fits, false);
  assert.equal(tight.advice.length, 1);
  assert.match(tight.advice[0], /^smaller micro-batch: activations of 1024 tokens need 3\.2 GiB; 512 tokens per micro-batch gives a peak of 3\.9 GiB$/); // 2.011 GB weights + 0.106 GB LoRA grads and Adam + 512 · 803,200 floats (1.645 GB) + chunk 0.156 GB + runtime 0.268 GB = 4.19 GB
  assert.ok(estimateRunMemory(QWEN05, { kind: 'lora', rank: 16, targets: PROJECTIONS }, { ...run, microBatchTokens: 512 }, 5e9).fits);
  assert.match(describeEstimate(refused), /^estimated peak 10\.8 GiB of 7\.5 GiB free \(weights 1\.8 GiB, gradients 1\.8 GiB, Adam 3\.7 GiB, activations 3\.1 GiB/);

  const lora = estimateRunMemory(QWEN05, { kind: 'lora', rank: 16, targets: PROJECTIONS }, run, 8e9);
  assert.equal(lora.fits, true);
  assert.deepEqual(lora.advice, []);
  assert.equal(lora.trainableParameters, 8_798_208);
  assert.equal(lora.bytes.optimizer, 2 * 8_798_208 * 4);

  // A machine that cannot even hold the weights is told so first.
  assert.match(estimateRunMemory(QWEN05, { kind: 'lora', rank: 16, targets: PROJECTIONS }, run, 1e9).advice[0], /the fp32 weights alone need 2\.1 GiB of the 0\.93 GiB free: use a smaller model/);
});
