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
  // q = H·d = 4, kv = KV·d = 2, S = 4. Tape per token and layer: norms 2 × 4h = 32; projection inputs
  // q, k, v, gate, up 5 × 4 + o 4 + down 6 = 30; q 7·4 = 28, k 7·2 = 14, v 3·2 = 6, scores 6·H·S = 48,
  // attention output 2·4 = 8; residuals 4h = 16; MLP 5I = 30 → 212. Per token: 2 layers × 212 + final
  // norm and head input 5h 20 = 444; per layer and sequence: RoPE tables 4·S·d 32 + mask S² 16 = 48.
  // activations (8 × 444 + 2 × 48) × 4 B = 14,592.
  // Backward values per token and layer: norms 6h 24, q 7.5·4 = 30, k 7.5·2 = 15, v 2·2 = 4, scores 4·H·S 32,
  // attention output 8, 4h 16, 5I 30 = 159; per token 2 × 159 + final norm 3h and embedding rows h = 334 → 8 × 334 × 4 = 10,688.
  // Tape weight copies: both layers 256 + final norm 4 + head 40 = 300 floats → 1,200.
  // Head backward: 3 chunks of 3 rows → copy, gradient and chunk gradient 3 × V·h 40 × 4 = 480; chunk buffers 8 × 3 × 10 × 4 = 960.
  // Update: 13 × largest parameter (the 10 × 4 embedding) × 4 = 2,080. KV cache: 3 × 2 seqs × 5 tokens × 2 layers × (k, v) × 1 head × d 2 × 4 B = 960.
  assert.deepEqual(full.bytes, {
    weights: 1360, gradients: 1360, optimizer: 2720, activations: 14_592, tapeWeights: 1200, backwardValues: 10_688,
    accumulated: 1360, headGradient: 480, logprobChunk: 960, gradientArrays: 1360, update: 2080, kvCache: 960, rolloutLogits: 240, runtime: 0,
  });
  // Training: the end of the backward (tape 14,592 + 1,200 + accumulated 1,360, backward values 10,688, gradients 1,360) beats the head's backward (17,152 + 480 + 960).
  assert.equal(full.trainingBytes, 14_592 + 1200 + 1360 + 10_688 + 1360);
  assert.equal(full.rolloutBytes, 960 + 240);
  assert.equal(full.updateBytes, 2080);
  assert.equal(full.peakBytes, 1360 + 2720 + 29_200 + 1360);
  assert.equal(full.trainableParameters, 340);

  const lora = estimateRunMemory(TINY, { kind: 'lora', rank: 2, targets: ['q_proj', 'v_proj'] }, TINY_RUN, undefined, 0);
  // weights: base 340 + adapter 56 = 396 floats; gradients and Adam only for the 56.
  // Tape: only q and v keep their input (4 + 4 instead of 30), and each adapter keeps r + 3·out: q 2 + 12, v 2 + 6 → 32 + 8 + 104 + 16 + 30 + 22 = 212 per token and layer (the same 14,592 in all).
  // Backward values: 159 + 22 = 181 per token and layer; per token 2 × 181 + final norm 3h 12 = 374 → 8 × 374 × 4 = 11,968.
  // Tape weight copies: adapters 56 + each layer's two norm weights 2 × 8 + final norm 4 + the frozen embedding (gather) 40 + head 40 = 156 → 624.
  // Largest trainable tensor: r × 4 = 8 floats → update 13 × 8 × 4 = 416.
  assert.deepEqual(lora.bytes, {
    weights: 1584, gradients: 224, optimizer: 448, activations: 14_592, tapeWeights: 624, backwardValues: 11_968,
    accumulated: 224, headGradient: 480, logprobChunk: 960, gradientArrays: 224, update: 416, kvCache: 960, rolloutLogits: 240, runtime: 0,
  });
  // End of the backward, plus the frozen head's gradient (computed, then dropped when the backward ends): 10 × 4 × 4 = 160.
  assert.equal(lora.trainingBytes, 14_592 + 624 + 224 + 11_968 + 224 + 160);
  assert.equal(lora.peakBytes, 1584 + 448 + 27_792 + 224);
  assert.equal(lora.trainableParameters, 56);
  assert.equal(lora.totalParameters, 396);

  // One micro-batch per step: nothing is accumulated.
  assert.equal(estimateRunMemory(TINY, { kind: 'full' }, { ...TINY_RUN, microBatchesPerStep: 1 }, undefined, 0).peakBytes, 34_640 - 1360);

  // A rollout-bound run: the KV cache term takes over the max.
  const longRollouts = estimateRunMemory(TINY, { kind: 'full' }, { ...TINY_RUN, rolloutBatch: 64, rolloutSequenceLength: 100 }, undefined, 0);
  assert.equal(longRollouts.bytes.kvCache, 3 * 64 * 100 * 2 * 2 * 1 * 2 * 4);
  assert.equal(longRollouts.peakBytes, 1360 + 2720 + 3 * 64 * 100 * 2 * 2 * 2 * 4 + 3 * 64 * 10 * 4 + 1360);
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
  // Tape per token and layer: norms 8·896 = 7,168; projection inputs 5·896 + 896 + 4864 = 10,240; q 7·896 = 6,272, k 7·128 = 896,
  // v 3·128 = 384, scores 6·14·256 = 21,504, attention output 2·896 = 1,792; residuals 4·896 = 3,584; MLP 5·4864 = 24,320;
  // q/k/v biases 896 + 2·128 = 1,152 → 77,312. Per token ×24 + 5·896; per layer and sequence 4·256·64 + 256².
  assert.equal(full.bytes.activations, (1024 * (24 * 77_312 + 5 * 896) + 24 * (4 * 256 * 64 + 256 * 256)) * 4);
  assert.equal(full.bytes.activations, 7_631_011_840);
  // Backward values per token and layer: 6·896 + 7.5·896 + 7.5·128 + 2·128 + 4·14·256 + 2·896 + 4·896 + 5·4864 + 1,152 = 58,496; + 4·896 per token.
  assert.equal(full.bytes.backwardValues, 1024 * (24 * 58_496 + 4 * 896) * 4);
  assert.equal(full.bytes.weights, 494_032_768 * 4);
  assert.equal(full.bytes.optimizer, 2 * 494_032_768 * 4);
  // The tape copies every layer's weights, the final norm and the (tied) head: all 494,032,768 parameters.
  assert.equal(full.bytes.tapeWeights, 494_032_768 * 4);
  assert.equal(full.bytes.headGradient, 3 * 136_134_656 * 4); // 8 chunks of 128 rows
  assert.equal(full.bytes.logprobChunk, 8 * 128 * 151_936 * 4);
  assert.equal(full.bytes.update, 13 * 136_134_656 * 4); // the embedding is the largest parameter
  assert.equal(full.bytes.kvCache, 3 * 8 * 320 * 24 * 2 * 2 * 64 * 4);
  // Peak: weights + Adam (3 × 1.976 GB) + the end of the backward (tape 7.631 + 1.976 + accumulated 1.976,
  // backward values 5.765, gradients 1.976 GB) + the gradients as JS arrays 1.976 GB = 27.23 GB.
  assert.equal(full.trainingBytes, 7_631_011_840 + 3 * 494_032_768 * 4 + 5_765_070_848);
  assert.equal(full.peakBytes, 3 * 494_032_768 * 4 + full.trainingBytes + 494_032_768 * 4);
  assert.equal(full.peakBytes, 27_229_000_192);

  // 8 GB free: refused with what to change.
  const refused = estimateRunMemory(QWEN05, { kind: 'full' }, run, 8e9);
  assert.equal(refused.fits, false);
  // gradients and Adam 3 × 1.976 GB = 5.5 GiB; LoRA's peak (below) 25.01 GB = 23.3 GiB.
  assert.match(refused.advice[0], /^use "lora" \(model\.lora, .*\): gradients and Adam state for 494,032,768 parameters need 5\.5 GiB; with LoRA the peak is 23\.3 GiB$/);
  assert.equal(refused.advice.length, 1, 'no micro-batch size fits full fine-tuning in 8 GB, so none is suggested');
  assert.match(describeEstimate(refused), /^estimated peak 25\.6 GiB of 7\.5 GiB free \(weights 1\.8 GiB, gradients 1\.8 GiB, Adam 3\.7 GiB, activations 7\.1 GiB/);

  const lora = estimateRunMemory(QWEN05, { kind: 'lora', rank: 16, targets: PROJECTIONS }, run, undefined);
  // LoRA r 16 on all projections adds 3·(896 + 128 + 128 + 896 + 4864 + 4864 + 896) + 7·16 = 38,128 tape floats per token and layer.
  assert.equal(lora.bytes.activations, (1024 * (24 * (77_312 + 38_128) + 5 * 896) + 24 * (4 * 256 * 64 + 256 * 256)) * 4);
  // Tape weights: adapters, the layers' norm weights and biases (14,912,384 − 14,909,440 matrices = 2,944 each), final norm, frozen embedding (gather) and head.
  assert.equal(lora.bytes.tapeWeights, (8_798_208 + 24 * 2_944 + 896 + 2 * 136_134_656) * 4);
  // End of the backward: tape + accumulated 35.19 MB + backward values (24·(58,496 + 38,128) + 3·896 per token) + gradients + the frozen head's gradient.
  const loraTape = lora.bytes.activations + lora.bytes.tapeWeights + 8_798_208 * 4;
  assert.equal(lora.trainingBytes, loraTape + 1024 * (24 * (58_496 + 38_128) + 3 * 896) * 4 + 8_798_208 * 4 + 136_134_656 * 4);
  assert.equal(lora.peakBytes, (494_032_768 + 8_798_208) * 4 + 2 * 8_798_208 * 4 + lora.trainingBytes + 8_798_208 * 4 + 256 * 1024 ** 2);
  assert.equal(lora.peakBytes, 25_013_500_928);
  assert.equal(lora.trainableParameters, 8_798_208);
  assert.equal(lora.bytes.optimizer, 2 * 8_798_208 * 4);

  // LoRA with 16 GB free: the micro-batch is what to shrink, to the largest halving (of whole sequences) that fits.
  const tight = estimateRunMemory(QWEN05, { kind: 'lora', rank: 16, targets: PROJECTIONS }, run, 16e9);
  assert.equal(tight.fits, false);
  assert.equal(tight.advice.length, 1);
  assert.match(tight.advice[0], /^smaller micro-batch: activations of 1024 tokens need 11\.2 GiB; 512 tokens per micro-batch gives a peak of 13\.6 GiB$/);
  assert.ok(estimateRunMemory(QWEN05, { kind: 'lora', rank: 16, targets: PROJECTIONS }, { ...run, microBatchTokens: 512 }, 16e9).fits);
  // At 8 GB not even one 256-token sequence per micro-batch fits LoRA: no micro-batch advice.
  assert.deepEqual(estimateRunMemory(QWEN05, { kind: 'lora', rank: 16, targets: PROJECTIONS }, run, 8e9).advice, []);

  // A machine that cannot even hold the weights is told so first.
  assert.match(estimateRunMemory(QWEN05, { kind: 'lora', rank: 16, targets: PROJECTIONS }, run, 1e9).advice[0], /the fp32 weights alone need 2\.1 GiB of the 0\.93 GiB free: use a smaller model/);
});
