// core's memory estimate (src/core/model/memoryEstimate.ts) term by term, by hand, for the trainer as it
// now runs: checkpointed decoder layers (the forward keeps each layer's input; the backward recomputes
// one layer at a time), gradients summed into JS arrays, Adam in place on the native path.
// (Supersedes test/unit/pretrained/memoryEstimate.test.ts, written for the tape that kept every layer.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEstimate, estimateRunMemory, loraParameterCount, parameterCount, PROJECTIONS, type ModelShape } from '../../../src/core/model/memoryEstimate';
import type { DecoderConfig } from '../../../src/trainer/hf/decoderConfig';

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
  // Outer tape per token: each layer's input 2 × h 4 + final norm 4h 16 + head input h 4 = 28 → 8 tokens × 28 × 4 B = 896.
  // The recomputed layer's tape per token: norms 2 × 4h = 32; projection inputs q, k, v, gate, up 5 × 4 + o 4 + down 6 = 30;
  // q 7·4 = 28, k 7·2 = 14, v 3·2 = 6, scores 6·H·S = 48, attention output 2·4 = 8; residuals 4h = 16; MLP 5I = 30 → 212;
  // per layer and sequence RoPE tables 4·S·d 32 + mask S² 16 = 48 → (8 × 212 + 48) × 4 = 6,976.
  // Weight copies: one layer 128 + final norm 4 + head 40 = 172 → 688.
  // Backward values per token: one layer's norms 6h 24, q 7.5·4 = 30, k 7.5·2 = 15, v 2·2 = 4, scores 4·H·S 32, attention
  // output 8, 4h 16, 5I 30 = 159; every layer output's gradient 2 × 4 = 8; final norm 3h + embedding rows h = 16 → 183 × 8 × 4 = 5,856.
  // Head backward: 3 chunks of 3 rows → copy, gradient and chunk gradient 3 × V·h 40 × 4 = 480; chunk buffers 8 × 3 × 10 × 4 = 960.
  // Update: in place (wasm), nothing. KV cache: 3 × 2 seqs × 5 tokens × 2 layers × (k, v) × 1 head × d 2 × 4 B = 960.
  assert.deepEqual(full.bytes, {
    weights: 1360, gradients: 1360, optimizer: 2720, activations: 896, recomputedLayer: 6976, tapeWeights: 688, backwardValues: 5856,
    headGradient: 480, logprobChunk: 960, gradientArrays: 1360, update: 0, kvCache: 960, rolloutLogits: 240, runtime: 0,
  });
  // Training: the first layer's backward (tape 896 + 688, its recomputation 6,976, backward values 5,856, gradients 1,360) beats the head's (1,584 + 480 + 960).
  assert.equal(full.trainingBytes, 896 + 688 + 6976 + 5856 + 1360);
  assert.equal(full.rolloutBytes, 960 + 240);
  assert.equal(full.updateBytes, 0);
  assert.equal(full.peakBytes, 1360 + 2720 + 15_776 + 1360);
  assert.equal(full.trainableParameters, 340);
  // Micro-batches do not add: earlier ones' gradients are summed into the JS arrays already counted.
  assert.equal(estimateRunMemory(TINY, { kind: 'full' }, { ...TINY_RUN, microBatchesPerStep: 4 }, undefined, 0).peakBytes, full.peakBytes);
  // The cpu backend's native step copies the largest parameter's three tensors once: 3 × 40 × 4 = 480; tfjs ops
  // make 13 temporaries of it: 13 × 40 × 4 = 2,080. Training still decides the peak.
  assert.equal(estimateRunMemory(TINY, { kind: 'full' }, { ...TINY_RUN, adamUpdate: 'native' }, undefined, 0).bytes.update, 480);
  const ops = estimateRunMemory(TINY, { kind: 'full' }, { ...TINY_RUN, adamUpdate: 'ops' }, undefined, 0);
  assert.equal(ops.bytes.update, 2080);
  assert.equal(ops.peakBytes, full.peakBytes);

  const lora = estimateRunMemory(TINY, { kind: 'lora', rank: 2, targets: ['q_proj', 'v_proj'] }, TINY_RUN, undefined, 0);
  // weights: base 340 + adapter 56 = 396 floats; gradients and Adam only for the 56.
  // Recomputed layer: only q and v keep their input (4 + 4 instead of 30), and each adapter keeps r + 3·out: q 2 + 12, v 2 + 6 → 32 + 8 + 104 + 16 + 30 + 22 = 212 per token (6,976 as above).
  // Backward values: one layer 159 + 22 = 181, layer outputs 8, final norm 3h 12 → 201 × 8 × 4 = 6,432.
  // Weight copies: one layer's adapters 28 + its two norm weights 8 + final norm 4 + the frozen embedding (gather) 40 + head 40 = 120 → 480.
  // Head backward: the frozen head is captured, so only its copy: 40 × 4 = 160. Update in place: nothing.
  assert.deepEqual(lora.bytes, {
    weights: 1584, gradients: 224, optimizer: 448, activations: 896, recomputedLayer: 6976, tapeWeights: 480, backwardValues: 6432,
    headGradient: 160, logprobChunk: 960, gradientArrays: 224, update: 0, kvCache: 960, rolloutLogits: 240, runtime: 0,
  });
  assert.equal(lora.trainingBytes, 896 + 480 + 6976 + 6432 + 224);
  assert.equal(lora.peakBytes, 1584 + 448 + 15_008 + 224);
  assert.equal(lora.trainableParameters, 56);
  assert.equal(lora.totalParameters, 396);

  // A rollout-bound run: the KV cache term takes over the max.
  const longRollouts = estimateRunMemory(TINY, { kind: 'full' }, { ...TINY_RUN, rolloutBatch: 64, rolloutSequenceLength: 100 }, undefined, 0);
  assert.equal(longRollouts.bytes.kvCache, 3 * 64 * 100 * 2 * 2 * 1 * 2 * 4);
  assert.equal(longRollouts.peakBytes, 1360 + 2720 + 3 * 64 * 100 * 2 * 2 * 2 * 4 + 3 * 64 * 10 * 4 + 1360);
  assert.match(estimateRunMemory(TINY, { kind: 'full' }, { ...TINY_RUN, rolloutBatch: 64, rolloutSequenceLength: 100 }, 10_000, 0).advice.join('\n'), /fewer sequences per rollout batch or shorter responses: the KV cache of 64 × 100 tokens/);
});

// Qwen2.5-0.5B's config.json: hidden 896, 24 layers, 14 heads / 2 KV heads (head_dim 64), MLP 4864, vocab 151,936, tied, q/k/v biases.
const QWEN05: ModelShape = { vocabSize: 151936, hiddenSize: 896, intermediateSize: 4864, layers: 24, heads: 14, kvHeads: 2, headDim: 64, tieWordEmbeddings: true, qkvBias: true, qkNorm: false };
const HEAD = 136_134_656; // 151,936 × 896
const PARAMS = 494_032_768;

test("Qwen2.5-0.5B's shapes: 494,032,768 parameters, 8,798,208 for LoRA rank 16 on all projections, and the issue's batch", () => {
  // embedding 151936·896 = 136,134,656; per layer q 896·896+896, k and v 896·128+128, o 896·896, MLP 3·896·4864, norms 2·896.
  const p = parameterCount(QWEN05);
  assert.equal(p.embedding, HEAD);
  assert.equal(p.perLayer, 803_712 + 114_816 + 114_816 + 802_816 + 13_074_432 + 1_792);
  assert.equal(p.total, PARAMS);
  // r·(in+out): q 16·1792, k, v 16·1024, o 16·1792, gate, up, down 16·5760 → 366,592 per layer (PEFT prints 8,798,208 trainable).
  assert.equal(loraParameterCount(QWEN05, 16, PROJECTIONS), 8_798_208);

  const run = { microBatchTokens: 4 * 256, sequenceLength: 256, logprobChunkTokens: 128, rolloutBatch: 8, rolloutSequenceLength: 64 + 256 };
  const full = estimateRunMemory(QWEN05, { kind: 'full' }, run, undefined, 0);
  // Outer tape: 1024 tokens × (24 layer inputs + 5) × 896.
  assert.equal(full.bytes.activations, 1024 * 29 * 896 * 4);
  // One layer's tape per token: norms 8·896 = 7,168; projection inputs 5·896 + 896 + 4864 = 10,240; q 7·896 = 6,272, k 7·128 = 896,
  // v 3·128 = 384, scores 6·14·256 = 21,504, attention output 2·896 = 1,792; residuals 4·896 = 3,584; MLP 5·4864 = 24,320;
  // q/k/v biases 896 + 2·128 = 1,152 → 77,312; per sequence 4·256·64 + 256².
  assert.equal(full.bytes.recomputedLayer, (1024 * 77_312 + 4 * 256 * 64 + 256 * 256) * 4);
  // One layer's backward values 6·896 + 7.5·896 + 7.5·128 + 2·128 + 4·14·256 + 2·896 + 4·896 + 5·4864 + 1,152 = 58,496;
  // the 24 layer outputs' gradients and the final norm and embedding rows 4·896 per token.
  assert.equal(full.bytes.backwardValues, 1024 * (58_496 + 24 * 896 + 4 * 896) * 4);
  // Weight copies: one layer (14,912,384), the final norm and the tied head.
  assert.equal(full.bytes.tapeWeights, (14_912_384 + 896 + HEAD) * 4);
  assert.equal(full.bytes.headGradient, 3 * HEAD * 4); // 8 chunks of 128 rows
  assert.equal(full.bytes.logprobChunk, 8 * 128 * 151_936 * 4);
  assert.equal(full.bytes.kvCache, 3 * 8 * 320 * 24 * 2 * 2 * 64 * 4);
  // The first layer's backward: 106.4 MB + 604.2 MB + 317.2 MB + 342.4 MB + gradients 1,976.1 MB = 3.35 GB
  // (the head's backward: 710.6 MB + 1,633.6 MB + 622.3 MB = 2.97 GB).
  assert.equal(full.trainingBytes, 3_346_307_584);
  // Weights + Adam + training + gradient arrays = 11.25 GB, with the update in place or native (its first step's
  // copies of the embedding, 3 × 544.5 MB, are less than training's 3.35 GB).
  assert.equal(full.peakBytes, 4 * PARAMS * 4 + 3_346_307_584);
  assert.equal(full.peakBytes, 11_250_831_872);
  const native = estimateRunMemory(QWEN05, { kind: 'full' }, { ...run, adamUpdate: 'native' }, undefined, 0);
  assert.equal(native.bytes.update, 3 * HEAD * 4);
  assert.equal(native.peakBytes, 11_250_831_872);
  // tfjs ops (cpu without the native path): 13 temporaries of the embedding, 7.08 GB, the largest moment: 14.98 GB.
  const ops = estimateRunMemory(QWEN05, { kind: 'full' }, { ...run, adamUpdate: 'ops' }, undefined, 0);
  assert.equal(ops.bytes.update, 13 * HEAD * 4);
  assert.equal(ops.peakBytes, 4 * PARAMS * 4 + 13 * HEAD * 4);

  // 8 GB free: refused with what to change (LoRA's peak: 4.75 GB = 4.4 GiB with the default runtime).
  const refused = estimateRunMemory(QWEN05, { kind: 'full' }, run, 8e9);
  assert.equal(refused.fits, false);
  assert.match(refused.advice[0], /^use "lora" \(model\.lora, .*\): gradients and Adam state for 494,032,768 parameters need 5\.5 GiB; with LoRA the peak is 4\.4 GiB$/);
  assert.equal(refused.advice.length, 1, 'no micro-batch size fits full fine-tuning in 8 GB, so none is suggested');
  assert.match(describeEstimate(refused), /^estimated peak 10\.7 GiB of 7\.5 GiB free \(weights 1\.8 GiB, gradients 1\.8 GiB, Adam 3\.7 GiB, activations 0\.39 GiB/);

  const lora = estimateRunMemory(QWEN05, { kind: 'lora', rank: 16, targets: PROJECTIONS }, run, undefined);
  // LoRA r 16 on all projections adds 3·(896 + 128 + 128 + 896 + 4864 + 4864 + 896) + 7·16 = 38,128 tape floats per token to the recomputed layer.
  assert.equal(lora.bytes.recomputedLayer, (1024 * (77_312 + 38_128) + 4 * 256 * 64 + 256 * 256) * 4);
  // Weight copies: one layer's adapters (366,592) and norms and biases (2,944), the final norm, the frozen embedding (gather) and head.
  assert.equal(lora.bytes.tapeWeights, (366_592 + 2_944 + 896 + 2 * HEAD) * 4);
  // The frozen head's gradient is never computed: its backward holds only the head's copy.
  assert.equal(lora.bytes.headGradient, HEAD * 4);
  assert.equal(lora.bytes.backwardValues, 1024 * (58_496 + 38_128 + 24 * 896 + 3 * 896) * 4);
  // Here the head's backward is the larger moment: tape 1,197.0 MB + head copy 544.5 MB + 8 chunk buffers 622.3 MB = 2.36 GB
  // (the first layer's: 1,197.0 + 473.4 + 494.9 + 35.2 MB = 2.20 GB).
  assert.equal(lora.trainingBytes, lora.bytes.activations + lora.bytes.tapeWeights + HEAD * 4 + 8 * 128 * 151_936 * 4);
  assert.equal(lora.trainingBytes, 2_363_857_920);
  assert.equal(lora.peakBytes, (PARAMS + 8_798_208) * 4 + 2 * 8_798_208 * 4 + lora.trainingBytes + 8_798_208 * 4 + 256 * 1024 ** 2);
  assert.equal(lora.bytes.optimizer, 2 * 8_798_208 * 4);

  // Long sequences (8 × 1024 tokens) under LoRA: the micro-batch is what to shrink, to the largest halving (of whole sequences) that fits.
  const long = { ...run, microBatchTokens: 8192, sequenceLength: 1024, logprobChunkTokens: 27, rolloutSequenceLength: 1024 };
  const tight = estimateRunMemory(QWEN05, { kind: 'lora', rank: 16, targets: PROJECTIONS }, long, 7e9);
  assert.equal(tight.fits, false);
  assert.equal(tight.advice.length, 1);
  assert.match(tight.advice[0], /^smaller micro-batch: activations of 8192 tokens need 11\.3 GiB; 2048 tokens per micro-batch gives a peak of 6\.1 GiB$/);
  assert.ok(estimateRunMemory(QWEN05, { kind: 'lora', rank: 16, targets: PROJECTIONS }, { ...long, microBatchTokens: 2048 }, 7e9).fits);
  // Below what one sequence per micro-batch needs: no micro-batch advice.
  assert.deepEqual(estimateRunMemory(QWEN05, { kind: 'lora', rank: 16, targets: PROJECTIONS }, long, 4e9).advice, []);

  // A machine that cannot even hold the weights is told so first.
  assert.match(estimateRunMemory(QWEN05, { kind: 'lora', rank: 16, targets: PROJECTIONS }, run, 1e9).advice[0], /the fp32 weights alone need 2\.1 GiB of the 0\.93 GiB free: use a smaller model/);
});
