// The Llama-family decoder (transformers' modeling_llama / qwen2 / qwen3 / mistral) in tfjs, fp32:
//   x = embed(ids)
//   per layer: h = RMSNorm(x); q,k,v = h·Wq(+b), h·Wk(+b), h·Wv(+b)
//              [Qwen3: q,k = RMSNorm_headDim(q), RMSNorm_headDim(k)]; q,k = RoPE(q), RoPE(k)
//              x += o_proj(softmax(q·kᵀ/√hd + causal)·v)   (each KV head serves heads/kvHeads query heads)
//              x += down(silu(gate(RMSNorm(x))) · up(RMSNorm(x)))
//   logits = RMSNorm(x) · head
// The KV cache holds only the kvHeads keys/values.
//
// Memory on wasm: tfjs-wasm hands a matmul's SECOND operand to XNNPACK, which packs a copy of it and
// caches that copy for the tensor's lifetime. With the weights as second operand a model therefore
// needs twice its weights (a 0.5B model ran out of the 4 GB wasm heap). So weights stay in the file's
// [out, in] layout and are always the FIRST operand: y = (W · xᵀ)ᵀ, and only the small activation
// xᵀ is packed, per call. The backward pass multiplies by a transient copy of W for the same reason.
// LoRA keeps the rule: y = W·x + (alpha/r)·B·(A·x) is three W-first projections (A [r, in], B [out, r]).
// A frozen weight (a plain tensor, not a tf.Variable) is captured by its projection instead of being
// an input of it, so the backward pass never computes its gradient (dW costs as much as the forward).
import type * as TF from '@tensorflow/tfjs';
import { tf } from '../backend';
import type { CausalLM, LayerCache } from '../model/causalLm';
import { modelOps, type ModelOps } from '../model/ops';
import type { DecoderConfig } from './decoderConfig';
import { decoderParams } from './decoderParams';
import { inverseFrequencies, ropeTables } from './rope';

type Tensor = TF.Tensor;
type Tensor2D = TF.Tensor2D;
type Tensor3D = TF.Tensor3D;
type Tensor4D = TF.Tensor4D;

/** A linear layer: weight [out, in] (file layout), optional bias, optional LoRA adapter. */
interface Linear {
  w: Tensor2D;
  bias?: Tensor;
  lora?: { A: Tensor2D; B: Tensor2D; scale: number };
}

interface Layer {
  inputNorm: Tensor;
  q: Linear; k: Linear; v: Linear;
  qNorm?: Tensor; kNorm?: Tensor;
  o: Linear;
  postNorm: Tensor;
  gate: Linear; up: Linear; down: Linear;
}

/** LoRA adapters by `${layer}.${projection}` (see ./lora.ts), all with one scale alpha / rank. */
export interface DecoderAdapters {
  scale: number;
  byModule: Map<string, { A: Tensor2D; B: Tensor2D }>;
}

export class Decoder implements CausalLM {
  readonly ops: ModelOps;
  private readonly layers: Layer[] = [];
  private readonly embed: Tensor2D;
  private readonly finalNorm: Tensor;
  private readonly head: Tensor2D;
  private readonly invFreq: Float64Array;
  /**
   * Gradient checkpointing of the training forward (see checkpointedBlock). Off only to compare against
   * the plain tape (tests): the gradients are the same, the memory is not.
   */
  recomputeLayers = true;

  /**
   * `params` in decoderParams(config) order (tf.Variables or frozen plain tensors, owned by the
   * caller); `adapters` adds LoRA to the projections it names.
   */
  constructor(readonly config: DecoderConfig, params: Tensor[], ops: ModelOps = modelOps(), adapters?: DecoderAdapters) {
    this.ops = ops;
    const byName = new Map<string, Tensor>();
    decoderParams(config).forEach((p, i) => byName.set(p.name, params[i]));
    const get = <T extends Tensor>(name: string) => byName.get(name) as T;
    this.embed = get('model.embed_tokens.weight');
    for (let i = 0; i < config.layers; i++) {
      const p = `model.layers.${i}`;
      const linear = (block: string, name: string): Linear => {
        const a = adapters?.byModule.get(`${i}.${name}`);
        return {
          w: get(`${p}.${block}.${name}.weight`),
          bias: byName.get(`${p}.${block}.${name}.bias`),
          lora: a && { ...a, scale: adapters!.scale },
        };
      };
      this.layers.push({
        inputNorm: get(`${p}.input_layernorm.weight`),
        q: linear('self_attn', 'q_proj'), k: linear('self_attn', 'k_proj'), v: linear('self_attn', 'v_proj'),
        qNorm: byName.get(`${p}.self_attn.q_norm.weight`), kNorm: byName.get(`${p}.self_attn.k_norm.weight`),
        o: linear('self_attn', 'o_proj'),
        postNorm: get(`${p}.post_attention_layernorm.weight`),
        gate: linear('mlp', 'gate_proj'), up: linear('mlp', 'up_proj'), down: linear('mlp', 'down_proj'),
      });
    }
    this.finalNorm = get('model.norm.weight');
    this.head = config.tieWordEmbeddings ? this.embed : get('lm_head.weight');
    this.invFreq = inverseFrequencies(config);
  }

  get vocabSize(): number {
    return this.config.vocabSize;
  }

  get headWeight(): Tensor2D {
    return this.head;
  }

  hidden(ids: TF.Tensor2D, opts: { keepCache?: boolean; lastOnly?: boolean } = {}): { hidden: Tensor2D; cache?: LayerCache[] } {
    const t = tf();
    const [B, T] = ids.shape;
    const c = this.config;
    const hd = c.headDim;
    const d = c.hiddenSize;
    const cache: LayerCache[] = [];
    const hidden = t.tidy(() => {
      const first = this.lookup(ids.reshape([B * T]) as TF.Tensor1D);
      let x = first;
      const tables = sequenceTables(this.invFreq, B, T, hd);
      // Under a gradient tape each layer is checkpointed (its backward recomputes it), so the tape keeps
      // one input per layer instead of every intermediate of every layer.
      const recompute = this.recomputeLayers && !opts.keepCache && t.engine().isTapeOn();
      for (const L of this.layers) {
        // One tidy per layer: its intermediates (and XNNPACK's packed copies of them) are freed before
        // the next layer instead of piling up until the end of the pass (the wasm heap never shrinks).
        const previous = x;
        x = recompute
          ? this.checkpointedBlock(L, previous, tables)
          : t.tidy(() => this.block(L, previous, tables, opts.keepCache ? (k, v) => cache.push({ k: t.keep(k), v: t.keep(v) }) : undefined));
        if (previous !== first) previous.dispose();
      }
      if (opts.lastOnly) x = x.reshape([B, T, d]).slice([0, T - 1, 0], [B, 1, d]).reshape([B, d]) as Tensor2D;
      return rmsNorm(x, this.finalNorm, c.rmsNormEps);
    });
    return opts.keepCache ? { hidden, cache } : { hidden };
  }

  /** One layer over x [B·T, d]; `onKv` receives its rotated keys and values [B, kvHeads, T, headDim]. */
  private block(L: Layer, x: Tensor2D, s: SequenceTables, onKv?: (k: Tensor4D, v: Tensor4D) => void): Tensor2D {
    const t = tf();
    const { B, T } = s;
    const c = this.config;
    const H = c.heads;
    const KV = c.kvHeads;
    const G = H / KV;
    const hd = c.headDim;
    const h = rmsNorm(x, L.inputNorm, c.rmsNormEps);
    const heads = (lin: Linear, n: number, norm: Tensor | undefined) => {
      let y = linearOf(h, lin) as Tensor;
      y = y.reshape([B, T, n, hd]);
      if (norm) y = rmsNorm(y, norm, c.rmsNormEps);
      return y.transpose([0, 2, 1, 3]) as Tensor4D; // [B, n, T, hd]
    };
    const q = rotate(heads(L.q, H, L.qNorm), s.cos, s.sin);
    const k = rotate(heads(L.k, KV, L.kNorm), s.cos, s.sin);
    const v = heads(L.v, KV, undefined);
    onKv?.(k, v);
    // Query heads of one KV group are consecutive: rows (g, t) of [B·KV, G·T, hd] share that group's keys.
    const scores = this.ops.batchMatMulTransposeB(q.reshape([B * KV, G * T, hd]) as Tensor3D, k.reshape([B * KV, T, hd]) as Tensor3D)
      .mul(1 / Math.sqrt(hd)).reshape([B * KV, G, T, T]).add(s.causal);
    const att = t.softmax(scores).reshape([B * KV, G * T, T]) as Tensor3D;
    const y = this.ops.batchMatMul(att, v.reshape([B * KV, T, hd]) as Tensor3D)
      .reshape([B, H, T, hd]).transpose([0, 2, 1, 3]).reshape([B * T, H * hd]) as Tensor2D;
    const mid = x.add(linearOf(y, L.o)) as Tensor2D;
    return mid.add(this.mlp(rmsNorm(mid, L.postNorm, c.rmsNormEps), L)) as Tensor2D;
  }

  /**
   * A layer whose backward recomputes its forward from its saved input (gradient checkpointing): the
   * forward runs off the tape, and the backward runs the layer again under its own tape and
   * differentiates it, so one layer's intermediates and their gradients exist at a time instead of
   * every layer's until the whole backward ends (tfjs frees neither earlier). Costs one more forward
   * of each layer. Inputs are x and the layer's trainable tensors; a frozen one is captured.
   */
  private checkpointedBlock(L: Layer, x: Tensor2D, s: SequenceTables): Tensor2D {
    const t = tf();
    const trained = layerTensors(L).filter(isTrainable);
    const f = t.customGrad(((...args: unknown[]) => {
      const save = args[args.length - 1] as TF.GradSaveFunc;
      const input = args[0] as Tensor2D;
      save([input]);
      return {
        value: this.block(L, input, s),
        gradFunc: (dy: Tensor2D, saved: Tensor[]) => recomputedGradients(() => {
          const tables = sequenceTables(this.invFreq, s.B, s.T, this.config.headDim);
          return this.block(L, saved[0] as Tensor2D, tables);
        }, [saved[0], ...trained], dy),
      };
    }) as unknown as Parameters<typeof TF.customGrad>[0]) as unknown as (...xs: Tensor[]) => Tensor2D;
    return f(x, ...trained);
  }

  logits(hidden: Tensor2D): Tensor2D {
    return projection(hidden, this.head);
  }

  /** The head is [V, d] (vocabulary-major): logits = hidden · headᵀ. */
  get headVocabMajor(): boolean {
    return true;
  }

  /**
   * One decoding step for every row of the batch. Off the wasm-fast flavour the products use the
   * transpose flag (x·Wᵀ straight from W's [out, in] storage: BLAS and tfjs' cpu kernels read it in
   * place), so no per-call transpose of the activations or the [rows, out] result; wasm-fast keeps the
   * W-first form (XNNPACK would cache a packed copy of a second-operand W, see the top of this file).
   */
  decode(ids: TF.Tensor1D, pos: number, cache: LayerCache[]): { logits: Tensor2D; cache: LayerCache[] } {
    const t = tf();
    const B = ids.shape[0];
    const c = this.config;
    const H = c.heads;
    const KV = c.kvHeads;
    const G = H / KV;
    const hd = c.headDim;
    const direct = this.ops.flavour !== 'wasm-fast';
    const lin = (x: Tensor2D, l: Linear) => (direct ? directLinear(x, l) : linearOf(x, l));
    const grown: LayerCache[] = [];
    const logits = t.tidy(() => {
      let x = this.lookup(ids);
      // RoPE at this one position as one product per projection (x·R), the attention scale folded
      // into the queries' rotation: two kernels instead of twelve small ones a layer.
      const { cos, sin } = ropeTables(this.invFreq, pos, 1);
      const rotateKeys = t.tensor2d(ropeMatrix(cos, sin, 1), [hd, hd]);
      const rotateQueries = t.tensor2d(ropeMatrix(cos, sin, 1 / Math.sqrt(hd)), [hd, hd]);
      this.layers.forEach((L, l) => {
        const h = rmsNorm(x, L.inputNorm, c.rmsNormEps);
        const heads = (proj: Linear, n: number, norm: Tensor | undefined, rotation?: Tensor2D) => {
          let y = lin(h, proj) as Tensor;
          if (norm) y = rmsNorm(y.reshape([B, n, 1, hd]), norm, c.rmsNormEps);
          if (rotation) y = this.ops.linear(y.reshape([B * n, hd]) as Tensor2D, rotation);
          return y.reshape([B, n, 1, hd]) as Tensor4D;
        };
        const q = heads(L.q, H, L.qNorm, rotateQueries);
        const k = heads(L.k, KV, L.kNorm, rotateKeys);
        const v = heads(L.v, KV, undefined);
        const K = t.keep(t.concat([cache[l].k, k], 2));
        const V = t.keep(t.concat([cache[l].v, v], 2));
        grown.push({ k: K, v: V });
        const len = K.shape[2];
        const scores = this.ops.batchMatMulTransposeB(q.reshape([B * KV, G, hd]) as Tensor3D, K.reshape([B * KV, len, hd]) as Tensor3D);
        const y = this.ops.batchMatMul(t.softmax(scores) as Tensor3D, V.reshape([B * KV, len, hd]) as Tensor3D).reshape([B, H * hd]) as Tensor2D;
        x = x.add(lin(y, L.o)) as Tensor2D;
        const m = rmsNorm(x, L.postNorm, c.rmsNormEps);
        const gate = lin(m, L.gate);
        x = x.add(lin(gate.mul(t.sigmoid(gate)).mul(lin(m, L.up)) as Tensor2D, L.down)) as Tensor2D;
      });
      const last = rmsNorm(x, this.finalNorm, c.rmsNormEps);
      return direct ? (t.matMul(last, this.head, false, true) as Tensor2D) : this.logits(last);
    });
    return { logits, cache: grown };
  }

  /** Embedding rows of ids[N] → [N, d]. A tied table is stored [d, V], so it is read column-wise. */
  private lookup(ids: TF.Tensor1D): Tensor2D {
    // A frozen table needs no gradient: a plain gather (off the gradient path, so never differentiated).
    return isTrainable(this.embed) ? embeddingRows(this.embed, ids) : tf().gather(this.embed, ids, 0);
  }

  private mlp(h: Tensor2D, L: Layer): Tensor2D {
    const t = tf();
    const gate = linearOf(h, L.gate);
    const act = gate.mul(t.sigmoid(gate)); // silu
    return linearOf(act.mul(linearOf(h, L.up)) as Tensor2D, L.down);
  }
}

/** x · Wᵀ (+ bias) (+ scale · (x · Aᵀ) · Bᵀ): PEFT's LoRA forward without dropout. */
function linearOf(x: Tensor2D, lin: Linear): Tensor2D {
  let out = projection(x, lin.w);
  if (lin.bias) out = out.add(lin.bias) as Tensor2D;
  if (lin.lora) out = out.add(projection(projection(x, lin.lora.A), lin.lora.B).mul(lin.lora.scale)) as Tensor2D;
  return out;
}

/**
 * rotate() at one position as a [hd, hd] matrix R (times `scale`): x·R = (x·cos + rotate_half(x)·sin)·scale,
 * where rotate_half(x)_j = −x_{j+hd/2} for j < hd/2 and x_{j−hd/2} above.
 */
function ropeMatrix(cos: Float32Array, sin: Float32Array, scale: number): Float32Array {
  const hd = cos.length;
  const half = hd / 2;
  const m = new Float32Array(hd * hd);
  for (let j = 0; j < hd; j++) {
    m[j * hd + j] = cos[j] * scale;
    if (j < half) m[(j + half) * hd + j] = -sin[j] * scale;
    else m[(j - half) * hd + j] = sin[j] * scale;
  }
  return m;
}

/** linearOf without a gradient, by the transpose flag: x·Wᵀ + bias in one fused product (decoding). */
function directLinear(x: Tensor2D, lin: Linear): Tensor2D {
  const t = tf();
  const out = t.fused.matMul({ a: x, b: lin.w, transposeB: true, bias: lin.bias }) as Tensor2D;
  if (!lin.lora) return out;
  return out.add(t.matMul(t.matMul(x, lin.lora.A, false, true), lin.lora.B, false, true).mul(lin.lora.scale)) as Tensor2D;
}

/** A trainable parameter is a tf.Variable with trainable set; frozen ones are plain tensors. */
function isTrainable(w: Tensor): boolean {
  return (w as Partial<TF.Variable>).trainable === true;
}

/**
 * x[N, in] · W[out, in]ᵀ → [N, out] as (W · xᵀ)ᵀ, W first (see the top of this file). Gradient:
 * dx = dy · copy(W) (a transient copy, so XNNPACK's cached packing dies with it), dW = dyᵀ · x —
 * the latter only for a trainable W.
 */
const projection = (x: Tensor2D, w: Tensor2D): Tensor2D => (isTrainable(w) ? projectionOp()(x, w) : frozenProjection(x, w));

/** The projection by a frozen W: W is captured, not an input, so no dW is ever computed. */
function frozenProjection(x: Tensor2D, w: Tensor2D): Tensor2D {
  const t = tf();
  const f = t.customGrad(((xs: Tensor2D) => ({
    value: t.transpose(t.matMul(w, t.transpose(xs))),
    gradFunc: (dy: Tensor2D) => t.matMul(dy, w.mul(1) as Tensor2D),
  })) as unknown as Parameters<typeof TF.customGrad>[0]) as unknown as (x: Tensor2D) => Tensor2D;
  return f(x);
}
let projectionFn: ((x: Tensor2D, w: Tensor2D) => Tensor2D) | undefined;
function projectionOp(): (x: Tensor2D, w: Tensor2D) => Tensor2D {
  if (projectionFn) return projectionFn;
  const t = tf();
  projectionFn = t.customGrad(((x: Tensor2D, w: Tensor2D, save: TF.GradSaveFunc) => {
    save([x, w]);
    return {
      value: t.transpose(t.matMul(w, t.transpose(x))),
      gradFunc: (dy: Tensor2D, saved: Tensor[]) => {
        const [xs, ws] = saved as Tensor2D[];
        return [t.matMul(dy, ws.mul(1) as Tensor2D), t.matMul(t.transpose(dy), xs)];
      },
    };
  }) as unknown as Parameters<typeof TF.customGrad>[0]) as unknown as (x: Tensor2D, w: Tensor2D) => Tensor2D;
  return projectionFn;
}

/**
 * Rows of table[V, d] for ids, with a gradient that scatter-adds in JS: tf.gather's own gradient
 * (UnsortedSegmentSum) is missing on wasm, and a one-hot matmul costs 2·V·d per token (0.27 GFLOP
 * at Qwen's 152K vocabulary).
 */
function embeddingRows(table: Tensor2D, ids: TF.Tensor1D): Tensor2D {
  const t = tf();
  const f = t.customGrad(((tab: Tensor2D, idx: TF.Tensor1D, save: TF.GradSaveFunc) => {
    save([idx]);
    return {
      value: t.gather(tab, idx, 0),
      gradFunc: (dy: Tensor2D, saved: Tensor[]) => {
        const rows = saved[0].dataSync() as Int32Array;
        const g = dy.dataSync() as Float32Array;
        const [V, d] = tab.shape;
        const out = new Float32Array(V * d);
        rows.forEach((r, n) => {
          for (let j = 0; j < d; j++) out[r * d + j] += g[n * d + j];
        });
        return [t.tensor2d(out, [V, d]), t.zerosLike(saved[0])];
      },
    };
  }) as unknown as Parameters<typeof TF.customGrad>[0]) as unknown as (tab: Tensor2D, idx: TF.Tensor1D) => Tensor2D;
  return f(table, ids);
}

/** w · x / sqrt(mean(x²) + eps) over the last axis. */
function rmsNorm<T extends Tensor>(x: T, w: Tensor, eps: number): T {
  return tf().tidy(() => x.mul(x.square().mean(-1, true).add(eps).rsqrt()).mul(w) as T);
}

/** RoPE, rotate-half form: x·cos + [-x₂, x₁]·sin, tables [T, hd] broadcast over [B, n, T, hd]. */
function rotate(x: Tensor4D, cos: Tensor2D, sin: Tensor2D): Tensor4D {
  const t = tf();
  return t.tidy(() => {
    const half = x.shape[3] / 2;
    const [x1, x2] = t.split(x, [half, half], 3);
    const rotated = t.concat([x2.neg(), x1], 3);
    return x.mul(cos).add(rotated.mul(sin)) as Tensor4D;
  });
}

/** Per-sequence constants of a forward over [B, T]: RoPE tables [T, headDim] and the causal mask [T, T]. */
interface SequenceTables {
  B: number;
  T: number;
  cos: Tensor2D;
  sin: Tensor2D;
  causal: Tensor2D;
}

function sequenceTables(invFreq: Float64Array, B: number, T: number, hd: number): SequenceTables {
  const t = tf();
  const { cos, sin } = ropeTables(invFreq, 0, T);
  return { B, T, cos: t.tensor2d(cos, [T, hd]), sin: t.tensor2d(sin, [T, hd]), causal: t.tensor2d(causalMask(T), [T, T]) };
}

/** Every tensor of a layer (weights, biases, norms, LoRA adapters). */
function layerTensors(L: Layer): Tensor[] {
  const out: Tensor[] = [L.inputNorm, L.postNorm];
  if (L.qNorm) out.push(L.qNorm);
  if (L.kNorm) out.push(L.kNorm);
  for (const lin of [L.q, L.k, L.v, L.o, L.gate, L.up, L.down]) {
    out.push(lin.w);
    if (lin.bias) out.push(lin.bias);
    if (lin.lora) out.push(lin.lora.A, lin.lora.B);
  }
  return out;
}

/**
 * d forward / d xs · dy, computed inside a backward pass (a customGrad's gradFunc) under a tape of its
 * own. tfjs has one active tape; its gradients() replaces it with a fresh one and clears it at the end,
 * so the outer backward's tape is put back, or the outer pass could not free its saved tensors. A value
 * the forward does not depend on gets zeros.
 */
function recomputedGradients(forward: () => Tensor, xs: Tensor[], dy: Tensor): Tensor[] {
  const t = tf();
  const engine = t.engine();
  const outer = engine.state.activeTape;
  try {
    return t.tidy(() => engine.gradients(forward, xs, dy, true).grads.map((g, i) => g ?? t.zerosLike(xs[i])));
  } finally {
    engine.state.activeTape = outer;
  }
}

/** 0 on and below the diagonal, -1e9 above. */
function causalMask(T: number): Float32Array {
  const m = new Float32Array(T * T);
  for (let i = 0; i < T; i++) for (let j = i + 1; j < T; j++) m[i * T + j] = -1e9;
  return m;
}
