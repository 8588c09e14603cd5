// The Policy contract (policy.ts) implemented on the transformer: batched sampling with a KV cache,
// token-level policy-gradient sums, Adam with global-norm clipping, weights in and out.
// Trainable parameters (network specs with `trainable`) are tf.Variables; frozen ones (a LoRA base)
// are plain tensors. Gradients, Adam, getWeights/setWeights and checkpoints cover the trainable ones
// only; `parameter(name)` reads any parameter (the Hugging Face exporters in ../hf/ use it).
import type * as TF from '@tensorflow/tfjs';
import { tf } from '../backend';
import { Adam, type AdamState } from './adam';
import { saveCheckpoint } from './checkpoint';
import type { GradientResult, Policy, PolicyConfig, SampleOptions, SampleResult, TrainSequence } from './policy';
import { SeededRng } from './rng';
import { argmaxOf, sampleTopP, softmaxRow } from './sampler';
import { disposeCache, type CausalLM, type LayerCache } from './causalLm';
import { networkOf, type Network, type NetworkParam, type NetworkSpec } from './network';
import { tokenLogProbs } from './tokenLogprobs';
import type { ModelOps } from './ops';

export interface TransformerPolicyOptions {
  /** Most sequences decoded at once; larger batches are split (results do not depend on it). */
  sampleBatchSize?: number;
  /** Most (rows × padded length) tokens per forward/backward pass of computeGradients. */
  gradientTokenBudget?: number;
  /** Force an ops flavour (tests comparing the wasm-fast and plain rewrites). */
  ops?: ModelOps;
  /** The network (default: the built-in GPT of `config`); a Hugging Face decoder for pretrained models. */
  network?: NetworkSpec;
}

/** Internal extension of SampleOptions: the RNG stream of prompt i is (seed, firstStream + i). */
export interface StreamedSampleOptions extends SampleOptions {
  firstStream?: number;
  /** Called with each token as it is drawn (streaming output); `prompt` indexes this call's prompts. Not sent to a replica. */
  onToken?: (prompt: number, token: number) => void;
}

let instanceCounter = 0;

export class TransformerPolicy implements Policy {
  readonly config: PolicyConfig;
  /** The trainable parameters, in the order of variableNames(), gradients, weights and checkpoints. */
  readonly specs: NetworkParam[];
  readonly network: Network;
  /** Every parameter in network.specs order: the trainable ones are `vars`. */
  private readonly tensors: TF.Tensor[];
  private readonly vars: TF.Variable[];
  private readonly model: CausalLM;
  private adamState: Adam | undefined;
  readonly sampleBatchSize: number;
  readonly gradientTokenBudget: number;
  private disposed = false;

  /**
   * `weights` for every parameter of the network (trainable and frozen, network.specs order); an
   * iterable (a generator reading a model folder or checkpoint) is consumed one array at a time, so
   * loading never holds a second copy of the whole model.
   */
  constructor(config: PolicyConfig, weights?: Float32Array[] | Iterable<Float32Array>, opts: TransformerPolicyOptions = {}) {
    this.network = networkOf(config, opts.network);
    this.config = { ...this.network.policyConfig };
    const all = this.network.specs;
    this.specs = all.filter((s) => s.trainable);
    const init = weights ?? this.network.initialWeights(config.seed);
    if (Array.isArray(init)) checkWeights(all, init, 'weights', 'parameter');
    const t = tf();
    // tfjs variable names are global to the engine; the prefix lets several policies coexist.
    const prefix = `policy${++instanceCounter}/`;
    this.tensors = [];
    this.vars = [];
    try {
      for (const w of init) {
        const s = all[this.tensors.length];
        if (!s) throw new Error(`weights: more arrays than the ${all.length} parameters`);
        checkSize(s, w, 'weights');
        if (s.trainable) {
          const v = t.tidy(() => t.variable(t.tensor(w, s.shape), true, prefix + s.name));
          this.vars.push(v);
          this.tensors.push(v);
        } else {
          this.tensors.push(t.tensor(w, s.shape));
        }
      }
      if (this.tensors.length !== all.length) throw new Error(`weights: expected ${all.length} arrays (one per parameter), got ${this.tensors.length}`);
    } catch (e) {
      this.tensors.forEach((v) => v.dispose());
      throw e;
    }
    this.model = this.network.build(this.tensors, opts.ops);
    this.sampleBatchSize = opts.sampleBatchSize ?? 64;
    this.gradientTokenBudget = opts.gradientTokenBudget ?? 2048;
  }

  /** Adam's moments are allocated on the first update (or restore): scoring and sampling need none. */
  private get adam(): Adam {
    this.adamState ??= new Adam(this.vars);
    return this.adamState;
  }

  /** Names of the trainable parameters (gradient and weight order). */
  variableNames(): string[] {
    return this.specs.map((s) => s.name);
  }

  /** Every parameter, frozen ones included (a LoRA policy counts its base model here). */
  parameterCount(): number {
    return this.network.specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
  }

  /** The parameters that get gradients and Adam state: all of them, or only the LoRA adapters. */
  trainableParameterCount(): number {
    return this.specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
  }

  /** A copy of any parameter (trainable or frozen) by its name in network.specs, stored layout. */
  parameter(name: string): Float32Array {
    this.assertLive();
    const i = this.network.specs.findIndex((s) => s.name === name);
    if (i < 0) throw new Error(`parameter: no parameter named '${name}'`);
    return Float32Array.from(this.tensors[i].dataSync() as Float32Array);
  }

  /** Which op rewrites the model runs with (ops.ts): 'wasm-fast' or 'plain'. */
  get opsFlavour(): string {
    return this.model.ops.flavour;
  }

  get optimizerStep(): number {
    return this.adamState?.step ?? 0;
  }

  // ---------------------------------------------------------------- sampling

  async sample(prompts: number[][], opts: StreamedSampleOptions): Promise<SampleResult> {
    this.assertLive();
    validateSampleOptions(opts);
    prompts.forEach((p, i) => this.validatePrompt(p, i));
    const n = prompts.length;
    const result: SampleResult = { responses: new Array(n), truncated: new Array(n), entropy: new Array(n) };
    const first = opts.firstStream ?? 0;
    // Chunks of similar prompt length: rows advance in lockstep from the shortest prompt of a chunk,
    // so mixing lengths costs extra steps. Each prompt keeps its own RNG stream, so the order of
    // work does not change what is drawn.
    const order = prompts.map((_, i) => i).sort((a, b) => prompts[a].length - prompts[b].length || a - b);
    for (let start = 0; start < n; start += this.sampleBatchSize) {
      const rows = order.slice(start, start + this.sampleBatchSize);
      const part = this.sampleChunk(rows.map((i) => prompts[i]), opts, rows.map((i) => first + i));
      rows.forEach((i, k) => {
        result.responses[i] = part.responses[k];
        result.truncated[i] = part.truncated[k];
        result.entropy[i] = part.entropy[k];
      });
      // Let the event loop breathe between chunks (progress events, stop requests).
      await new Promise((r) => setImmediate(r));
    }
    return result;
  }

  /**
   * All rows advance in lockstep over positions t = minPromptLength … : a row still inside its
   * prompt is fed its next prompt token (teacher-forced), a row past it samples. So every row's
   * position t is the same and no padding or per-row position offsets are needed. Finished rows
   * are dropped from the batch (and from the KV cache) as soon as they stop.
   */
  private sampleChunk(prompts: number[][], opts: StreamedSampleOptions, streams: number[]): SampleResult {
    const t = tf();
    const V = this.config.vocabSize;
    const C = this.config.contextLength;
    const n = prompts.length;
    const responses: number[][] = prompts.map(() => []);
    const truncated = new Array<boolean>(n).fill(false);
    const entropySums = new Array<number>(n).fill(0);
    const rngs = streams.map((stream) => SeededRng.derive(opts.seed, stream));
    const stop = new Set(opts.stopTokens);
    const useCache = opts.kvCache !== false;
    const greedy = opts.temperature <= 0;
    const sequences = prompts.map((p) => [...p]);
    const probs = new Float32Array(V);
    if (opts.maxNewTokens <= 0) return { responses, truncated: truncated.fill(true), entropy: entropySums };

    let active = prompts.map((_, i) => i); // original indices of rows still generating
    let pos = Math.min(...prompts.map((p) => p.length)); // the position whose token is chosen next
    let cache: LayerCache[] | undefined;
    let logits: TF.Tensor2D;
    {
      const ids = t.tensor2d(sequences.map((s) => s.slice(0, pos)), [n, pos], 'int32');
      const out = this.lastLogits(ids, useCache);
      ids.dispose();
      logits = out.logits;
      cache = out.cache;
    }
    try {
      for (;;) {
        // Choose the token at `pos` for every active row.
        const sampling = active.some((r) => pos >= prompts[r].length);
        // One read of the logits; each sampling row's distribution is computed in JS into one
        // vocabulary-sized row (sampler.ts), never as a [rows, vocab] probability tensor.
        const raw = sampling ? (logits.dataSync() as Float32Array) : undefined;
        const stillActive: number[] = [];
        const keepRows: number[] = [];
        const fed: number[] = [];
        active.forEach((r, row) => {
          let token: number;
          if (pos < prompts[r].length) {
            token = prompts[r][pos];
          } else {
            const off = row * V;
            entropySums[r] += softmaxRow(raw!, off, V, opts.temperature, probs);
            token = greedy ? argmaxOf(raw!, off, V) : sampleTopP(probs, 0, V, opts.topP, rngs[r]);
            responses[r].push(token);
            sequences[r].push(token);
            opts.onToken?.(streams[r] - (opts.firstStream ?? 0), token);
            if (stop.has(token)) return;
            if (responses[r].length >= opts.maxNewTokens || pos + 1 >= C) {
              truncated[r] = true;
              return;
            }
          }
          stillActive.push(r);
          keepRows.push(row);
          fed.push(token);
        });
        logits.dispose();
        if (stillActive.length === 0) break;
        if (useCache) {
          if (keepRows.length < active.length) {
            const idx = t.tensor1d(keepRows, 'int32');
            const compacted = cache!.map((c) => ({ k: t.gather(c.k, idx, 0), v: t.gather(c.v, idx, 0) }));
            idx.dispose();
            disposeCache(cache);
            cache = compacted;
          }
          const ids = t.tensor1d(fed, 'int32');
          const out = this.model.decode(ids, pos, cache!);
          ids.dispose();
          disposeCache(cache);
          cache = out.cache;
          logits = out.logits;
        } else {
          const ids = t.tensor2d(stillActive.map((r) => sequences[r].slice(0, pos + 1)), [stillActive.length, pos + 1], 'int32');
          logits = this.lastLogits(ids, false).logits;
          ids.dispose();
        }
        active = stillActive;
        pos++;
      }
    } finally {
      disposeCache(cache);
    }
    const entropy = entropySums.map((s, i) => (responses[i].length ? s / responses[i].length : 0));
    return { responses, truncated, entropy };
  }

  private lastLogits(ids: TF.Tensor2D, keepCache: boolean): { logits: TF.Tensor2D; cache?: LayerCache[] } {
    const { hidden, cache } = this.model.hidden(ids, { lastOnly: true, keepCache });
    const logits = this.model.logits(hidden);
    hidden.dispose();
    return { logits, cache };
  }

  /** Next-token logits for every position of one sequence, [T, V] row-major (tests, debugging). */
  logitsOf(tokens: number[]): Float32Array {
    if (tokens.length === 0 || tokens.length > this.config.contextLength) throw new Error(`logitsOf: ${tokens.length} tokens; expected 1..${this.config.contextLength}`);
    this.validateIds(tokens, 'logitsOf');
    const t = tf();
    const ids = t.tensor2d([tokens], [1, tokens.length], 'int32');
    const { hidden } = this.model.hidden(ids);
    const logits = this.model.logits(hidden);
    hidden.dispose();
    ids.dispose();
    const out = Float32Array.from(logits.dataSync() as Float32Array);
    logits.dispose();
    return out;
  }

  // ---------------------------------------------------------------- training

  async computeGradients(batch: TrainSequence[]): Promise<GradientResult> {
    this.assertLive();
    batch.forEach((s, i) => this.validateSequence(s, i, true));
    const t = tf();
    // Sorted by length, so each micro-batch pads to about its own rows' length (the sum is the same).
    const counted = sortedByLength(batch.filter((s) => s.tokens.length > s.promptLength));
    let lossSum = 0;
    let tokenCount = 0;
    let sums: Float32Array[] | undefined;
    for (const micro of microBatches(counted, this.gradientTokenBudget)) {
      const part = this.microBatchGradients(micro);
      lossSum += part.lossSum;
      tokenCount += part.tokenCount;
      // Each gradient leaves the backend as soon as it is read and is summed in place into the step's
      // arrays (a float32 add, as tfjs's): no second set of model-sized tensors ever exists.
      const values = part.grads.map((g) => takeValues(t, g));
      if (!sums) sums = values;
      else values.forEach((v, i) => addInto(sums![i], v));
      await new Promise((r) => setImmediate(r));
    }
    const grads = sums ?? this.specs.map((s) => new Float32Array(s.shape.reduce((a, b) => a * b, 1)));
    return { grads, lossSum, tokenCount };
  }

  private microBatchGradients(seqs: TrainSequence[]): { grads: TF.Tensor[]; lossSum: number; tokenCount: number } {
    const t = tf();
    const { B, T, inputs, targets, weights, tokenCount } = packBatch(seqs);
    const { value, grads } = t.tidy(() => {
      const ids = t.tensor2d(inputs, [B, T], 'int32');
      const w = t.tensor1d(weights);
      return t.variableGrads(() => {
        const { hidden } = this.model.hidden(ids);
        return tokenLogProbs(hidden, this.model.headWeight, targets, this.model.headVocabMajor).mul(w).sum().neg() as TF.Scalar;
      }, this.vars);
    });
    const ordered = this.vars.map((v) => grads[v.name]);
    const lossSum = value.dataSync()[0];
    value.dispose();
    return { grads: ordered, lossSum, tokenCount };
  }

  async logProbs(batch: TrainSequence[]): Promise<number[][]> {
    this.assertLive();
    batch.forEach((s, i) => this.validateSequence(s, i, false));
    const t = tf();
    const out: number[][] = batch.map(() => []);
    const order = batch.map((s, i) => ({ s, i })).filter((x) => x.s.tokens.length > x.s.promptLength)
      .sort((a, b) => a.s.tokens.length - b.s.tokens.length || a.i - b.i);
    for (const micro of microBatches(order.map((x) => x.s), this.gradientTokenBudget)) {
      const rows = order.splice(0, micro.length);
      const { B, T, inputs, targets } = packBatch(micro);
      const lp = t.tidy(() => {
        const { hidden } = this.model.hidden(t.tensor2d(inputs, [B, T], 'int32'));
        return tokenLogProbs(hidden, this.model.headWeight, targets, this.model.headVocabMajor);
      });
      const values = lp.dataSync() as Float32Array;
      lp.dispose();
      rows.forEach(({ s, i }, b) => {
        // Input position p predicts token p + 1; response tokens start at promptLength.
        for (let p = s.promptLength - 1; p < s.tokens.length - 1; p++) out[i].push(values[b * T + p]);
      });
      await new Promise((r) => setImmediate(r));
    }
    return out;
  }

  async applyGradients(grads: Float32Array[], tokenCount: number, opts: { learningRate: number; clipNorm: number }): Promise<{ gradNorm: number }> {
    this.assertLive();
    checkWeights(this.specs, grads, 'gradients');
    if (!(Number.isFinite(opts.learningRate) && opts.learningRate >= 0)) throw new Error(`applyGradients: learningRate must be a finite number >= 0, got ${opts.learningRate}`);
    if (!(Number.isFinite(opts.clipNorm) && opts.clipNorm >= 0)) throw new Error(`applyGradients: clipNorm must be >= 0 (0 = no clipping), got ${opts.clipNorm}`);
    const scale = 1 / Math.max(tokenCount, 1);
    let sumSquares = 0;
    for (const g of grads) for (let i = 0; i < g.length; i++) sumSquares += g[i] * g[i];
    const gradNorm = Math.sqrt(sumSquares) * scale;
    if (!Number.isFinite(gradNorm)) throw new Error(`applyGradients: gradient norm is ${gradNorm}; refusing to update the weights`);
    const factor = opts.clipNorm > 0 && gradNorm > opts.clipNorm ? (scale * opts.clipNorm) / gradNorm : scale;
    // One parameter at a time: never a second model-sized set of tensors.
    this.adam.apply((i) => ({ values: grads[i], scale: factor }), opts.learningRate);
    return { gradNorm };
  }

  // ---------------------------------------------------------------- weights and state

  getWeights(): Float32Array[] {
    this.assertLive();
    return this.vars.map((v) => Float32Array.from(v.dataSync() as Float32Array));
  }

  setWeights(weights: Float32Array[]): void {
    this.assertLive();
    checkWeights(this.specs, weights);
    const t = tf();
    t.tidy(() => this.vars.forEach((v, i) => v.assign(t.tensor(weights[i], this.specs[i].shape))));
  }

  /** Trainable weight i (variableNames() order), a copy: checkpoints read one tensor at a time. */
  weightAt(i: number): Float32Array {
    this.assertLive();
    return Float32Array.from(this.vars[i].dataSync() as Float32Array);
  }

  /** Adam's first or second moment of trainable variable i (zeros before the first update). */
  momentAt(i: number, which: 'm' | 'v'): Float32Array {
    this.assertLive();
    return this.adamState ? this.adamState.moment(i, which) : new Float32Array(this.vars[i].size);
  }

  getOptimizerState(): AdamState {
    return this.adam.getState();
  }

  /** Forgets Adam's moments and step: the next update starts as on a freshly loaded model. */
  resetOptimizer(): void {
    this.adamState?.dispose();
    this.adamState = undefined;
  }

  setOptimizerState(state: AdamState): void {
    state.m.forEach((m, i) => checkSize(this.specs[i], m, 'optimizer first moment'));
    state.v.forEach((v, i) => checkSize(this.specs[i], v, 'optimizer second moment'));
    this.adam.setState(state);
  }

  /**
   * The trainable weights and their Adam state, plus the network spec: a full fine-tune saves every
   * weight; a LoRA policy only its adapters, and loading re-reads the frozen base from spec.base.
   */
  async save(dir: string, extra?: Record<string, unknown>): Promise<void> {
    this.assertLive();
    saveCheckpoint(dir, this, extra);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.adamState?.dispose();
    for (const v of this.tensors) v.dispose();
  }

  // ---------------------------------------------------------------- validation

  private assertLive(): void {
    if (this.disposed) throw new Error('policy was disposed');
  }

  private validatePrompt(p: number[], i: number): void {
    if (!Array.isArray(p) || p.length === 0) throw new Error(`prompt ${i} is empty: start every prompt with at least one token (e.g. the tokenizer's <bos> id)`);
    if (p.length >= this.config.contextLength) {
      throw new Error(`prompt ${i} has ${p.length} tokens; the context is ${this.config.contextLength}, which leaves no room for a response`);
    }
    this.validateIds(p, `prompt ${i}`);
  }

  private validateSequence(s: TrainSequence, i: number, weighted: boolean): void {
    const where = `training sequence ${i}`;
    if (!Array.isArray(s.tokens) || s.tokens.length === 0) throw new Error(`${where}: 'tokens' is empty`);
    if (s.tokens.length > this.config.contextLength) throw new Error(`${where}: ${s.tokens.length} tokens exceed the context (${this.config.contextLength})`);
    if (!Number.isInteger(s.promptLength) || s.promptLength < 1 || s.promptLength > s.tokens.length) {
      throw new Error(`${where}: 'promptLength' ${s.promptLength} must be an integer in 1..${s.tokens.length}`);
    }
    if (weighted) {
      if (!Number.isFinite(s.weight)) throw new Error(`${where}: 'weight' must be finite, got ${s.weight}`);
      if (s.tokenWeights !== undefined) {
        const n = s.tokens.length - s.promptLength;
        if (!Array.isArray(s.tokenWeights) || s.tokenWeights.length !== n) {
          throw new Error(`${where}: 'tokenWeights' must hold one weight per response token (${n}), got ${Array.isArray(s.tokenWeights) ? s.tokenWeights.length : typeof s.tokenWeights}`);
        }
        const bad = s.tokenWeights.findIndex((w) => !Number.isFinite(w));
        if (bad >= 0) throw new Error(`${where}: 'tokenWeights[${bad}]' must be finite, got ${s.tokenWeights[bad]}`);
      }
    }
    this.validateIds(s.tokens, where);
  }

  private validateIds(ids: number[], where: string): void {
    const V = this.config.vocabSize;
    for (let j = 0; j < ids.length; j++) {
      const id = ids[j];
      if (!Number.isInteger(id) || id < 0 || id >= V) throw new Error(`${where}: token ${j} is ${id}, outside the vocabulary 0..${V - 1}`);
    }
  }
}

/**
 * g's values in an array no tensor holds, g disposed. wasm's dataSync copies out of its heap; the cpu
 * backend returns its own storage, taken as it is when no other tensor shares it (a 0.5B model's
 * gradients are 2 GB: a copy would leave that much to the garbage collector at every step); other
 * backends may return stored values, so those are copied.
 */
function takeValues(t: typeof TF, g: TF.Tensor): Float32Array {
  const values = g.dataSync() as Float32Array;
  const backend = t.getBackend();
  const record = backend === 'cpu' ? (t.backend() as unknown as { data: { get(id: object): { values: unknown; refCount: number } | undefined } }).data.get(g.dataId) : undefined;
  const exclusive = backend === 'wasm' || (record?.values === values && record.refCount === 1);
  const out = exclusive ? values : Float32Array.from(values);
  g.dispose();
  return out;
}

/** acc += x, element-wise in float32 (each sum of two float32 values computed exactly, then rounded once). */
function addInto(acc: Float32Array, x: Float32Array): void {
  for (let i = 0; i < acc.length; i++) acc[i] += x[i];
}

function sortedByLength(seqs: TrainSequence[]): TrainSequence[] {
  return seqs.map((s, i) => ({ s, i })).sort((a, b) => a.s.tokens.length - b.s.tokens.length || a.i - b.i).map((x) => x.s);
}

/**
 * Rows padded to the longest input (tokens[:-1]); per position the next token and its loss weight
 * (0 on prompt and padding positions, else tokenWeights[j] or weight).
 */
function packBatch(seqs: TrainSequence[]): { B: number; T: number; inputs: Int32Array; targets: Int32Array; weights: Float32Array; tokenCount: number } {
  const B = seqs.length;
  const T = Math.max(...seqs.map((s) => s.tokens.length)) - 1;
  const inputs = new Int32Array(B * T);
  const targets = new Int32Array(B * T);
  const weights = new Float32Array(B * T);
  let tokenCount = 0;
  seqs.forEach((s, b) => {
    for (let i = 0; i + 1 < s.tokens.length; i++) {
      const at = b * T + i;
      inputs[at] = s.tokens[i];
      targets[at] = s.tokens[i + 1];
      const j = i + 1 - s.promptLength; // index among the response tokens
      if (j >= 0) {
        weights[at] = s.tokenWeights ? s.tokenWeights[j] : s.weight;
        tokenCount++;
      }
    }
  });
  return { B, T, inputs, targets, weights, tokenCount };
}

/** Consecutive groups whose (rows × longest input) stays within the budget (a lone long row is its own group). */
function microBatches(seqs: TrainSequence[], budget: number): TrainSequence[][] {
  const out: TrainSequence[][] = [];
  let group: TrainSequence[] = [];
  let longest = 0;
  for (const s of seqs) {
    const len = s.tokens.length - 1;
    const nextLongest = Math.max(longest, len);
    if (group.length && (group.length + 1) * nextLongest > budget) {
      out.push(group);
      group = [];
      longest = 0;
    }
    group.push(s);
    longest = Math.max(longest, len);
  }
  if (group.length) out.push(group);
  return out;
}

function validateSampleOptions(o: SampleOptions): void {
  if (!Number.isInteger(o.maxNewTokens) || o.maxNewTokens < 0) throw new Error(`sample: maxNewTokens must be an integer >= 0, got ${o.maxNewTokens}`);
  if (!Number.isFinite(o.temperature) || o.temperature < 0) throw new Error(`sample: temperature must be >= 0 (0 = greedy), got ${o.temperature}`);
  if (!(o.topP > 0 && o.topP <= 1)) throw new Error(`sample: topP must be in (0, 1], got ${o.topP}`);
  if (!Number.isInteger(o.seed)) throw new Error(`sample: seed must be an integer, got ${o.seed}`);
  if (!Array.isArray(o.stopTokens)) throw new Error('sample: stopTokens must be an array of token ids');
}

function checkSize(spec: NetworkParam, w: Float32Array, what: string): void {
  const size = spec.shape.reduce((a, b) => a * b, 1);
  if (!(w instanceof Float32Array) || w.length !== size) {
    throw new Error(`${what} for '${spec.name}' must be a Float32Array of ${size} values (shape [${spec.shape}]), got ${w?.length ?? typeof w}`);
  }
}

function checkWeights(specs: NetworkParam[], ws: Float32Array[], what = 'weights', per = 'trainable variable'): void {
  if (!Array.isArray(ws) || ws.length !== specs.length) throw new Error(`${what}: expected ${specs.length} arrays (one per ${per}), got ${ws?.length}`);
  ws.forEach((w, i) => checkSize(specs[i], w, what));
}
