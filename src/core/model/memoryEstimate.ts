// Peak memory of a training run on a pretrained model, before anything is allocated, so a run that
// cannot fit is refused with what to change. Everything is fp32 (the trainer computes in fp32 even
// when the checkpoint is BF16). The model is described by config.json's numbers; the trainer's
// DecoderConfig extends `ModelShape`, so a loaded config can be passed as it is.
//
// Every term counts what the trainer's code keeps alive (src/trainer/hf/decoder.ts, model/
// transformerPolicy.ts, model/adam.ts, model/tokenLogprobs.ts), in steady state (after the first
// update, so Adam's moments always exist):
//   Peak = runtime + weights + Adam state + max(training, update, rollout) + gradients as JS arrays, where
//   training = one micro-batch's backward. The decoder checkpoints its layers (the training forward
//              keeps each layer's input; the backward recomputes one layer at a time under its own
//              tape), so the moment is the larger of the head's backward (chunked log-prob buffers)
//              and a layer's backward (the outer tape + that layer's tape and intermediate gradients +
//              the gradient of every layer's output + the parameter gradients so far);
//   update   = Adam's per-parameter temporaries (none in place on wasm; the first step's copies of the
//              native step on cpu; ~13 with tfjs ops);
//   rollout  = the KV cache (three cache-sized buffers during a decoding step) + logits;
// and the step's gradients, handed over as JS arrays (earlier micro-batches' are summed into them),
// add to the largest of those: the wasm heap never returns memory, so its high-water mark and the
// arrays are resident together.
// The tape matters most: tfjs keeps a COPY of every tensor a gradient needs (on wasm its Identity
// kernel copies), so a value used by three ops is kept three times. The counts below were derived
// op by op from the decoder's forward pass and tfjs's gradient configs, and checked against the
// tape of a real pass (test/unit/pretrained/memoryMeasured.test.ts measures the whole).
// The cpu and tfjs-node backends share a saved tensor's memory instead of copying it, so there the
// activation and weight-copy terms over-estimate (the refusal errs on the safe side).

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

export type AdamUpdate = 'in-place' | 'native' | 'ops';

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
  /**
   * How Adam's update runs (model/adam.ts): 'in-place' (the default; wasm, where every model that fits its
   * heap runs) writes the weights and moments in place and allocates nothing; 'native' (the cpu backend's
   * fused step, where bigger models run) copies the three tensors of a parameter once, at its first step;
   * 'ops' (the cpu backend without the native path) runs tfjs ops, ~13 temporaries of the largest parameter.
   */
  adamUpdate?: AdamUpdate;
  /** Micro-batches per optimizer step. Does not change the peak: earlier micro-batches' gradients are summed into the step's JS arrays (gradientArrays), not held as tensors. */
  microBatchesPerStep?: number;
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
 * Floats the autograd tape keeps per token and layer (each a separate copy, see the top of the file):
 * - each RMSNorm keeps x (square), x² (mean), x (·rsqrt) and x·rsqrt (·weight): 4h, two norms 8h;
 * - each projection with a trainable matrix keeps its input (full fine-tuning: q, k, v, gate, up take
 *   h, o takes H·d, down takes I; with LoRA only the adapted ones, through A);
 * - q: the projection output (reshape), the rotate-half halves (concat), x and the rotated x (two
 *   products), both products (add), the rotated q (reshape) and its reshape (matmul): 7·H·d; k the same
 *   7·KV·d; v: output, transposed, matmul input 3·KV·d;
 * - scores: raw (·scale), scaled (reshape and + mask), probabilities (softmax, reshape, matmul): 6·H·S;
 * - attention output before and after its transpose (two reshapes): 2·H·d;
 * - the two residual additions keep both operands: 4h;
 * - MLP: sigmoid(gate), gate and sigmoid (product), silu and up (product): 5·I;
 * - q/k/v biases keep the projection outputs (add): H·d + 2·KV·d; an o bias h;
 *   Qwen3's per-head q/k norms four copies each: 4·(H·d + KV·d);
 * - LoRA per adapted projection [in → out]: A·x (r), B·A·x (·scale), and both addends: r + 3·out.
 */
export function activationFloatsPerTokenLayer(m: ModelShape, sequenceLength: number, tuning: Tuning): number {
  const h = m.hiddenSize;
  const q = m.heads * m.headDim;
  const kv = m.kvHeads * m.headDim;
  const I = m.intermediateSize;
  const f = projectionFeatures(m);
  const trained: readonly Projection[] = tuning.kind === 'lora' ? tuning.targets : PROJECTIONS;
  const projectionInputs = trained.reduce((a, p) => a + f[p][0], 0);
  const norms = 2 * 4 * h;
  const attention = 7 * q + 7 * kv + 3 * kv + 6 * m.heads * sequenceLength + 2 * q;
  const residuals = 4 * h;
  const mlp = 5 * I;
  const biases = (m.qkvBias ? q + 2 * kv : 0) + (m.oBias ? h : 0);
  const qkNorm = m.qkNorm ? 4 * (q + kv) : 0;
  const lora = tuning.kind === 'lora' ? tuning.targets.reduce((a, p) => a + tuning.rank + 3 * f[p][1], 0) : 0;
  return norms + projectionInputs + attention + residuals + mlp + biases + qkNorm + lora;
}

/**
 * Floats of intermediate gradients per token and layer at the end of a backward pass. tfjs's
 * backpropagation keeps the gradient of every tensor on the path from the trainable parameters to the
 * loss in one map that is freed only when the whole backward ends, so by then there is one gradient per
 * forward value that owns memory (reshapes are views, and so are their gradients):
 * - each RMSNorm: x², x·rsqrt and the output: 3h, two norms 6h;
 * - q: projection output, transpose, the rotate-half halves and negation (1.5·H·d), their concatenation,
 *   two products and their sum: 7.5·H·d; k the same 7.5·KV·d; v: output and transpose 2·KV·d;
 * - scores: raw, scaled, masked, probabilities: 4·H·S; attention output and its transpose 2·H·d;
 * - o output, two residual sums, down output: 4h; MLP gate, sigmoid, silu, up, product: 5·I;
 * - q/k/v biases: the sums H·d + 2·KV·d; an o bias h; Qwen3's q/k norms 3·(H·d + KV·d);
 * - LoRA per adapted projection [in → out]: A·x (r), B·A·x, it scaled, the sum: r + 3·out.
 */
export function gradientFloatsPerTokenLayer(m: ModelShape, sequenceLength: number, tuning: Tuning): number {
  const h = m.hiddenSize;
  const q = m.heads * m.headDim;
  const kv = m.kvHeads * m.headDim;
  const f = projectionFeatures(m);
  const attention = 7.5 * q + 7.5 * kv + 2 * kv + 4 * m.heads * sequenceLength + 2 * q;
  const biases = (m.qkvBias ? q + 2 * kv : 0) + (m.oBias ? h : 0);
  const qkNorm = m.qkNorm ? 3 * (q + kv) : 0;
  const lora = tuning.kind === 'lora' ? tuning.targets.reduce((a, p) => a + tuning.rank + 3 * f[p][1], 0) : 0;
  return 6 * h + attention + 4 * h + 5 * m.intermediateSize + biases + qkNorm + lora;
}

/** Floats the tape keeps per layer and micro-batch whatever its rows: RoPE's cos/sin tables (two rotations × two tables × S·d) and the causal mask (S²). */
export function activationFloatsPerLayerSequence(m: ModelShape, sequenceLength: number): number {
  return 4 * sequenceLength * m.headDim + sequenceLength * sequenceLength;
}

export interface MemoryBreakdown {
  weights: number;
  /** One set of gradients of the trainable parameters. */
  gradients: number;
  /** Adam's first and second moments. */
  optimizer: number;
  /** The training forward's tape: each layer's input (its checkpoint), the final norm's values and the head's input. */
  activations: number;
  /** One layer's tape while its backward recomputes it (activations of that layer, RoPE tables, mask). */
  recomputedLayer: number;
  /** The tape's copies of weights: the log-prob head's matrix, the final norm's weight, a frozen (LoRA) embedding lookup's table, and the recomputed layer's own weights (each trainable projection saves its matrix, RMSNorm its weight). */
  tapeWeights: number;
  /** Gradients of the recomputed layer's intermediate values (held until its backward ends) and of every layer's output (held until the whole backward ends). */
  backwardValues: number;
  /** The head's backward: a copy of the head, its gradient and each chunk's gradient (vocabulary × hidden each). */
  headGradient: number;
  /** Vocabulary-sized buffers of one log-prob chunk in the backward (logits, their softmax, one-hot, its difference, …). */
  logprobChunk: number;
  /** The step's gradients as JS arrays (computeGradients hands them over that way and sums later micro-batches into them): they sit on top of the wasm heap, which never gives memory back. */
  gradientArrays: number;
  /** Adam's temporaries for the largest parameter (the update runs one parameter at a time). */
  update: number;
  /**
   * KV cache of the rollout batch at its longest, three times: a decoding step (one tidy over all
   * layers) holds the old cache, the grown copy it concatenates, and a cache-sized temporary of the
   * attention products over it (measured: tfjs's batched matMul over the cached keys/values).
   */
  kvCache: number;
  rolloutLogits: number;
  runtime: number;
}

export interface MemoryEstimate {
  totalParameters: number;
  trainableParameters: number;
  bytes: MemoryBreakdown;
  /** The larger moment of a micro-batch's backward: the head's or a layer's. */
  trainingBytes: number;
  /** update */
  updateBytes: number;
  /** kvCache + rolloutLogits */
  rolloutBytes: number;
  peakBytes: number;
  /** Set when a free-memory figure was given. */
  freeBytes?: number;
  fits: boolean;
  /** What to change when it does not fit, most effective first. Empty when it fits. */
  advice: string[];
}

/** Vocabulary-sized buffers one log-prob chunk holds at once in the backward: logits, the softmax's difference and exponent, the one-hot (int32 and float), its difference, that times dy, its transpose. */
const LOGPROB_CHUNK_BUFFERS = 8;
/**
 * Temporaries of the largest parameter's update. tfjs ops (adam.ts, one tidy per parameter): the gradient
 * and it scaled, three for m, four for v, six for the step, the new weight; the new m and v stay as state.
 * The native step's first update of a tensor writes the weight and both moments to fresh arrays
 * (native/fusedAdam.ts), later ones none; the in-place update none.
 */
const ADAM_TEMPORARIES: Record<AdamUpdate, number> = { 'in-place': 0, native: 3, ops: 13 };

export function estimateRunMemory(m: ModelShape, tuning: Tuning, run: RunShape, freeBytes?: number, runtimeBytes = DEFAULT_RUNTIME_BYTES): MemoryEstimate {
  const counts = parameterCount(m);
  const base = counts.total;
  const lora = tuning.kind === 'lora';
  const adapter = lora ? loraParameterCount(m, tuning.rank, tuning.targets) : 0;
  const trainable = lora ? adapter : base;
  const f = projectionFeatures(m);
  const headMatrix = m.vocabSize * m.hiddenSize;
  const layerMatrices = PROJECTIONS.reduce((a, p) => a + f[p][0] * f[p][1], 0);
  // The outer tape per token: each layer's input, the final norm (4h) and the head's input (h).
  const perToken = m.layers * m.hiddenSize + 5 * m.hiddenSize;
  // One layer's weight copies in its recomputation's tape: all of them, or (LoRA) its adapters, norms and biases.
  const layerWeights = lora ? adapter / m.layers + counts.perLayer - layerMatrices : counts.perLayer;
  const tapeWeights = layerWeights + m.hiddenSize + headMatrix + (lora ? headMatrix : 0);
  const chunks = Math.ceil(run.microBatchTokens / Math.max(1, run.logprobChunkTokens));
  const largest = lora ? Math.max(...tuning.targets.map((p) => tuning.rank * Math.max(f[p][0], f[p][1]))) : Math.max(headMatrix, ...PROJECTIONS.map((p) => f[p][0] * f[p][1]));
  const bytes: MemoryBreakdown = {
    weights: (base + adapter) * FLOAT,
    gradients: trainable * FLOAT,
    optimizer: 2 * trainable * FLOAT,
    activations: run.microBatchTokens * perToken * FLOAT,
    recomputedLayer: (run.microBatchTokens * activationFloatsPerTokenLayer(m, run.sequenceLength, tuning) + activationFloatsPerLayerSequence(m, run.sequenceLength)) * FLOAT,
    tapeWeights: tapeWeights * FLOAT,
    // One layer's intermediate gradients + every layer output's gradient + the final norm's three values (and, full fine-tuning, the embedding rows) per token.
    backwardValues: run.microBatchTokens * (gradientFloatsPerTokenLayer(m, run.sequenceLength, tuning) + m.layers * m.hiddenSize + (lora ? 3 : 4) * m.hiddenSize) * FLOAT,
    // A frozen (LoRA) head's gradient is never computed: its backward holds no head-sized buffer but the copy.
    headGradient: (lora ? 1 : chunks > 1 ? 3 : 2) * headMatrix * FLOAT,
    logprobChunk: LOGPROB_CHUNK_BUFFERS * Math.min(run.logprobChunkTokens, run.microBatchTokens) * m.vocabSize * FLOAT,
    gradientArrays: trainable * FLOAT,
    update: ADAM_TEMPORARIES[run.adamUpdate ?? 'in-place'] * largest * FLOAT,
    kvCache: 3 * run.rolloutBatch * run.rolloutSequenceLength * m.layers * 2 * m.kvHeads * m.headDim * FLOAT,
    rolloutLogits: 3 * run.rolloutBatch * m.vocabSize * FLOAT, // logits, their softmax, its copy read into JS
    runtime: runtimeBytes,
  };
  const b = bytes;
  const tape = b.activations + b.tapeWeights;
  const trainingBytes = Math.max(
    tape + b.headGradient + b.logprobChunk, // the head's backward runs first
    // The first layer's backward (the last one run): its tape and values, and every trainable gradient.
    tape + b.recomputedLayer + b.backwardValues + b.gradients,
  );
  const updateBytes = b.update;
  const rolloutBytes = b.kvCache + b.rolloutLogits;
  const peakBytes = b.runtime + b.weights + b.optimizer + Math.max(trainingBytes, updateBytes, rolloutBytes) + b.gradientArrays;
  const fits = freeBytes === undefined || peakBytes <= freeBytes;
  const estimate: MemoryEstimate = { totalParameters: base + adapter, trainableParameters: trainable, bytes, trainingBytes, updateBytes, rolloutBytes, peakBytes, freeBytes, fits, advice: [] };
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
  if (e.trainingBytes >= Math.max(e.rolloutBytes, e.updateBytes) && run.microBatchTokens > run.sequenceLength) {
    let tokens = run.microBatchTokens;
    let peak = e.peakBytes;
    // A micro-batch holds whole sequences: at least one.
    while (tokens > run.sequenceLength && peak > free) {
      tokens = Math.max(run.sequenceLength, Math.floor(tokens / 2));
      peak = estimateRunMemory(m, tuning, { ...run, microBatchTokens: tokens, logprobChunkTokens: Math.min(run.logprobChunkTokens, tokens) }, undefined, runtime).peakBytes;
    }
    // Only worth saying when some micro-batch size actually fits.
    if (peak <= free) advice.push(`smaller micro-batch: activations of ${run.microBatchTokens} tokens need ${formatGiB(e.bytes.activations + e.bytes.recomputedLayer + e.bytes.backwardValues)}; ${tokens} tokens per micro-batch gives a peak of ${formatGiB(peak)}`);
  }
  if (e.rolloutBytes > Math.max(e.trainingBytes, e.updateBytes)) {
    advice.push(`fewer sequences per rollout batch or shorter responses: the KV cache of ${run.rolloutBatch} × ${run.rolloutSequenceLength} tokens needs ${formatGiB(e.bytes.kvCache)}`);
  }
  return advice;
}

/** One line for logs and the refusal message. */
export function describeEstimate(e: MemoryEstimate): string {
  const b = e.bytes;
  const parts = [`weights ${formatGiB(b.weights)}`, `gradients ${formatGiB(b.gradients)}`, `Adam ${formatGiB(b.optimizer)}`, `activations ${formatGiB(b.activations + b.recomputedLayer)}`, `weight copies in the tape ${formatGiB(b.tapeWeights)}`, `backward values ${formatGiB(b.backwardValues)}`, `head backward ${formatGiB(b.headGradient + b.logprobChunk)}`, `update ${formatGiB(b.update + b.gradientArrays)}`, `KV cache ${formatGiB(b.kvCache)}`, `runtime ${formatGiB(b.runtime)}`];
  const head = `estimated peak ${formatGiB(e.peakBytes)}${e.freeBytes === undefined ? '' : ` of ${formatGiB(e.freeBytes)} free`}`;
  return `${head} (${parts.join(', ')}); ${e.trainableParameters.toLocaleString('en-US')} of ${e.totalParameters.toLocaleString('en-US')} parameters trained`;
}
