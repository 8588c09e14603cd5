// Peak memory of a training run on a pretrained model, before anything is allocated, so a run that
// cannot fit is refused with what to change. Everything is fp32 (the trainer computes in fp32 even
// when the checkpoint is BF16). The model is described by config.json's numbers; the trainer's
// DecoderConfig extends `ModelShape`, so a loaded config can be passed as it is.
//
// Peak = weights + optimizer state + max(training, rollout) + runtime, where
//   training = gradients + activations of one micro-batch + one chunk of vocabulary-sized log-prob buffers,
//   rollout  = KV cache of the rollout batch + one decoding step's logits.
// (Gradients live only between a step's first backward and its optimizer update; rollouts happen outside it.)

import { PROJECTIONS, type Projection } from './projections';

export { PROJECTIONS, type Projection };

export interface ModelShape {
  vocabSize: number;
  hiddenSize: number;
  intermediateSize: number;
  layers: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  tieWordEmbeddings: boolean;
  /** Biases on q/k/v (Qwen2 always; Llama with attention_bias). */
  qkvBias: boolean;
  /** Bias on o_proj (Llama with attention_bias). */
  oBias?: boolean;
  /** Per-head RMSNorm of q and k (Qwen3). */
  qkNorm: boolean;
}

export type Tuning = { kind: 'full' } | { kind: 'lora'; rank: number; targets: readonly Projection[] };

export interface RunShape {
  /** Tokens (prompt + response) in one micro-batch of the backward pass. */
  microBatchTokens: number;
  /** Longest sequence in a micro-batch: attention keeps a [heads × tokens × sequenceLength] score and probability matrix. */
  sequenceLength: number;
  /** Tokens whose vocabulary-sized logits exist at once while log-probs are computed in chunks. */
  logprobChunkTokens: number;
  /** Sequences decoded together during rollouts (prompts × G of a step, or the rollout batch size). */
  rolloutBatch: number;
  /** Prompt + maximum response length of a rollout. */
  rolloutSequenceLength: number;
}

const FLOAT = 4;
const GIB = 1024 ** 3;
/** Node, V8 heaps, the wasm/native backend and the tokenizer: measured RSS of the trainer before it loads a model. */
export const DEFAULT_RUNTIME_BYTES = 256 * 1024 ** 2;

/** [in, out] features of each projection of one block. */
export function projectionFeatures(m: ModelShape): Record<Projection, [number, number]> {
  const q = m.heads * m.headDim;
  const kv = m.kvHeads * m.headDim;
  const h = m.hiddenSize;
  const i = m.intermediateSize;
  return { q_proj: [h, q], k_proj: [h, kv], v_proj: [h, kv], o_proj: [q, h], gate_proj: [h, i], up_proj: [h, i], down_proj: [i, h] };
}

export interface ParameterCount {
  embedding: number;
  perLayer: number;
  /** Final norm, plus the LM head when it is not tied to the embedding. */
  head: number;
  total: number;
}

export function parameterCount(m: ModelShape): ParameterCount {
  const f = projectionFeatures(m);
  const linear = PROJECTIONS.reduce((a, p) => a + f[p][0] * f[p][1], 0);
  const biases = (m.qkvBias ? f.q_proj[1] + f.k_proj[1] + f.v_proj[1] : 0) + (m.oBias ? m.hiddenSize : 0);
  const norms = 2 * m.hiddenSize + (m.qkNorm ? 2 * m.headDim : 0);
  const perLayer = linear + biases + norms;
  const embedding = m.vocabSize * m.hiddenSize;
  const head = m.hiddenSize + (m.tieWordEmbeddings ? 0 : m.vocabSize * m.hiddenSize);
  return { embedding, perLayer, head, total: embedding + m.layers * perLayer + head };
}

/** A [rank, in] and B [out, rank] per targeted projection per layer. */
export function loraParameterCount(m: ModelShape, rank: number, targets: readonly Projection[]): number {
  const f = projectionFeatures(m);
  return m.layers * targets.reduce((a, t) => a + rank * (f[t][0] + f[t][1]), 0);
}

/**
 * Floats one token keeps per layer for the backward pass:
 * attention: norm input and output (2h), q, k, v (Hd + 2·KVd), rotated q and k (Hd + KVd),
 *   scores and probabilities (2·H·S), the attention context (Hd); with q/k norms, normalised q and k (Hd + KVd);
 * MLP: norm input and output (2h), gate, up, silu(gate) and their product (4·I);
 * LoRA: the rank-r product A·x of every adapted projection.
 */
export function activationFloatsPerTokenLayer(m: ModelShape, sequenceLength: number, tuning: Tuning): number {
  const q = m.heads * m.headDim;
  const kv = m.kvHeads * m.headDim;
  const attention = 2 * m.hiddenSize + 3 * q + 3 * kv + 2 * m.heads * sequenceLength + (m.qkNorm ? q + kv : 0);
  const mlp = 2 * m.hiddenSize + 4 * m.intermediateSize;
  const lora = tuning.kind === 'lora' ? tuning.rank * tuning.targets.length : 0;
  return attention + mlp + lora;
}

export interface MemoryBreakdown {
  weights: number;
  gradients: number;
  optimizer: number;
  activations: number;
  logprobChunk: number;
  kvCache: number;
  rolloutLogits: number;
  runtime: number;
}

export interface MemoryEstimate {
  totalParameters: number;
  trainableParameters: number;
  bytes: MemoryBreakdown;
  /** gradients + activations + logprobChunk */
  trainingBytes: number;
  /** kvCache + rolloutLogits */
  rolloutBytes: number;
  peakBytes: number;
  /** Set when a free-memory figure was given. */
  freeBytes?: number;
  fits: boolean;
  /** What to change when it does not fit, most effective first. Empty when it fits. */
  advice: string[];
}

export function estimateRunMemory(m: ModelShape, tuning: Tuning, run: RunShape, freeBytes?: number, runtimeBytes = DEFAULT_RUNTIME_BYTES): MemoryEstimate {
  const base = parameterCount(m).total;
  const adapter = tuning.kind === 'lora' ? loraParameterCount(m, tuning.rank, tuning.targets) : 0;
  const trainable = tuning.kind === 'lora' ? adapter : base;
  const perToken = m.layers * activationFloatsPerTokenLayer(m, run.sequenceLength, tuning) + 2 * m.hiddenSize; // + final norm in/out
  const bytes: MemoryBreakdown = {
    weights: (base + adapter) * FLOAT,
    gradients: trainable * FLOAT,
    optimizer: 2 * trainable * FLOAT, // Adam's first and second moments
    activations: run.microBatchTokens * perToken * FLOAT,
    logprobChunk: 2 * run.logprobChunkTokens * m.vocabSize * FLOAT, // the chunk's logits and their gradient
    kvCache: run.rolloutBatch * run.rolloutSequenceLength * m.layers * 2 * m.kvHeads * m.headDim * FLOAT,
    rolloutLogits: run.rolloutBatch * m.vocabSize * FLOAT,
    runtime: runtimeBytes,
  };
  const trainingBytes = bytes.gradients + bytes.activations + bytes.logprobChunk;
  const rolloutBytes = bytes.kvCache + bytes.rolloutLogits;
  const peakBytes = bytes.weights + bytes.optimizer + Math.max(trainingBytes, rolloutBytes) + bytes.runtime;
  const fits = freeBytes === undefined || peakBytes <= freeBytes;
  const estimate: MemoryEstimate = { totalParameters: base + adapter, trainableParameters: trainable, bytes, trainingBytes, rolloutBytes, peakBytes, freeBytes, fits, advice: [] };
  if (!fits) estimate.advice = advise(m, tuning, run, estimate, freeBytes!, runtimeBytes);
  return estimate;
}

export function formatGiB(bytes: number): string {
  return `${(bytes / GIB).toFixed(bytes < GIB ? 2 : 1)} GiB`;
}

function advise(m: ModelShape, tuning: Tuning, run: RunShape, e: MemoryEstimate, free: number, runtime: number): string[] {
  const advice: string[] = [];
  const frozen = parameterCount(m).total * FLOAT + runtime;
  if (frozen > free) advice.push(`the fp32 weights alone need ${formatGiB(frozen)} of the ${formatGiB(free)} free: use a smaller model`);
  if (tuning.kind === 'full') {
    const lora = estimateRunMemory(m, { kind: 'lora', rank: 16, targets: PROJECTIONS }, run, undefined, runtime);
    advice.push(`use "lora" (model.lora, e.g. {"rank": 16, "alpha": 32, "targets": all 7 projections}): gradients and Adam state for ${e.trainableParameters.toLocaleString('en-US')} parameters need ${formatGiB(e.bytes.gradients + e.bytes.optimizer)}; with LoRA the peak is ${formatGiB(lora.peakBytes)}`);
  }
  if (e.trainingBytes >= e.rolloutBytes && run.microBatchTokens > 1) {
    let tokens = run.microBatchTokens;
    let peak = e.peakBytes;
    while (tokens > 1 && peak > free) {
      tokens = Math.floor(tokens / 2);
      peak = estimateRunMemory(m, tuning, { ...run, microBatchTokens: tokens, logprobChunkTokens: Math.min(run.logprobChunkTokens, tokens) }, undefined, runtime).peakBytes;
    }
    // Only worth saying when some micro-batch size actually fits.
    if (peak <= free) advice.push(`smaller micro-batch: activations of ${run.microBatchTokens} tokens need ${formatGiB(e.bytes.activations + e.bytes.logprobChunk)}; ${tokens} tokens per micro-batch gives a peak of ${formatGiB(peak)}`);
  }
  if (e.rolloutBytes > e.trainingBytes) {
    advice.push(`fewer sequences per rollout batch or shorter responses: the KV cache of ${run.rolloutBatch} × ${run.rolloutSequenceLength} tokens needs ${formatGiB(e.bytes.kvCache)}`);
  }
  return advice;
}

/** One line for logs and the refusal message. */
export function describeEstimate(e: MemoryEstimate): string {
  const b = e.bytes;
  const parts = [`weights ${formatGiB(b.weights)}`, `gradients ${formatGiB(b.gradients)}`, `Adam ${formatGiB(b.optimizer)}`, `activations ${formatGiB(b.activations)}`, `log-prob chunk ${formatGiB(b.logprobChunk)}`, `KV cache ${formatGiB(b.kvCache)}`, `runtime ${formatGiB(b.runtime)}`];
  const head = `estimated peak ${formatGiB(e.peakBytes)}${e.freeBytes === undefined ? '' : ` of ${formatGiB(e.freeBytes)} free`}`;
  return `${head} (${parts.join(', ')}); ${e.trainableParameters.toLocaleString('en-US')} of ${e.totalParameters.toLocaleString('en-US')} parameters trained`;
}
