// The contract between the policy model (src/trainer/model/) and the RL/SFT loops (src/trainer/rl/,
// src/trainer/sft/). Implementations live beside this file; loops depend only on these types.
// Token ids are plain numbers; all tensors stay inside the model.
//
// 2026-11-22 (policy engineer): save() takes an optional `extra` JSON object (tokenizer, RNG state,
// trainer position) stored in the same atomically published folder; read it back with
// loadCheckpoint(dir, create).extra or readCheckpoint(dir).extra from ./index. Backward compatible.
// Two cores: `await ParallelPolicy.create(await createPolicy(config), { log })` from
// ../parallel/parallelPolicy is a Policy too (half the prompts / tokens run in a worker thread).
// 2026-12-01: trainable subsets. Gradients, getWeights/setWeights, Adam state and checkpoints cover the
// trainable parameters only (a LoRA policy: its adapters); parameterCount() counts every parameter,
// trainableParameterCount() the trainable ones.

export interface PolicyConfig {
  vocabSize: number;
  /** Maximum sequence length (prompt + response) the model attends over. */
  contextLength: number;
  layers: number;
  heads: number;
  width: number;
  /** MLP hidden size = mlpRatio * width. */
  mlpRatio: number;
  seed: number;
}

export interface SampleOptions {
  maxNewTokens: number;
  temperature: number;
  topP: number;
  /** Generation of a sequence ends after emitting any of these ids (the stop token is kept). */
  stopTokens: number[];
  /** Deterministic sampling: the same seed + weights + prompts give the same tokens. */
  seed: number;
  /** Use the KV cache (default true); false recomputes the whole prefix each step (benchmarks). */
  kvCache?: boolean;
}

export interface SampleResult {
  /** Generated response token ids per prompt (prompt not included). */
  responses: number[][];
  /** True where the response hit maxNewTokens (or the context) without a stop token. */
  truncated: boolean[];
  /** Mean per-token entropy of the sampling distribution, per response. */
  entropy: number[];
}

/** One sequence of a policy-gradient / SFT batch. */
export interface TrainSequence {
  /** prompt + response token ids (length <= contextLength). */
  tokens: number[];
  /** Index in `tokens` of the first response token; loss covers positions >= promptLength. */
  promptLength: number;
  /** Per-sequence weight of every response token: the GRPO advantage (or 1 for SFT). */
  weight: number;
  /**
   * One weight per response token (length tokens.length - promptLength); when present it replaces
   * `weight` token by token (PPO-style clipped objectives, per-token advantages).
   */
  tokenWeights?: number[];
}

export interface GradientResult {
  /** One flat Float32Array per trainable variable, in `variableNames()` order. */
  grads: Float32Array[];
  /** Sum over counted tokens of -weight * log p(token); divide by the global token count to get the loss. */
  lossSum: number;
  /** Number of response tokens counted. */
  tokenCount: number;
}

export interface Policy {
  readonly config: PolicyConfig;
  /** The trainable parameters' names: the order of gradients, getWeights/setWeights and Adam state. */
  variableNames(): string[];
  /** Every parameter, frozen ones included. */
  parameterCount(): number;
  /** The parameters that train: all (full fine-tuning) or the LoRA adapters. */
  trainableParameterCount(): number;
  sample(prompts: number[][], opts: SampleOptions): Promise<SampleResult>;
  /**
   * Gradients of sum_seq sum_t (-weight * log p) over response tokens, NOT yet divided by the token
   * count, so gradients from several workers add up exactly: the token-level loss of the recipe is
   * (sum of the parts) / (sum of the token counts).
   */
  computeGradients(batch: TrainSequence[]): Promise<GradientResult>;
  /**
   * log p(token | tokens before it) of every response token, per sequence (length
   * tokens.length - promptLength), under the current weights, without gradients. `weight` and
   * `tokenWeights` are ignored.
   */
  logProbs(batch: TrainSequence[]): Promise<number[][]>;
  /** Scales grads by 1/tokenCount, clips by global norm, takes one Adam step. Returns the pre-clip norm. */
  applyGradients(grads: Float32Array[], tokenCount: number, opts: { learningRate: number; clipNorm: number }): Promise<{ gradNorm: number }>;
  /** The trainable weights, variableNames() order (a LoRA policy: its adapters; the frozen base never changes). */
  getWeights(): Float32Array[];
  setWeights(weights: Float32Array[]): void;
  /**
   * Checkpoint: weights, optimizer state, config, plus the caller's `extra` JSON (tokenizer, RNG
   * state, trainer state), all in one folder written to a temp name and renamed. `dir` is replaced
   * wholesale: write other files into it after save() returns.
   */
  save(dir: string, extra?: Record<string, unknown>): Promise<void>;
  dispose(): void;
}
