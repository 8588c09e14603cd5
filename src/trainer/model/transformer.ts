// The policy network: a decoder-only transformer in the style of nanoGPT's model.py — pre-LayerNorm
// blocks (attention, then a GELU MLP), learned positional embeddings, an untied output head.
// Weights are created from a JS-seeded RNG so the same seed gives the same model on every backend.
// Every op whose best form depends on the backend goes through `ModelOps` (ops.ts).
import type * as TF from '@tensorflow/tfjs';
import { tf } from '../backend';
import type { PolicyConfig } from './policy';
import { disposeCache, type CausalLM, type LayerCache } from './causalLm';
import { modelOps, type ModelOps } from './ops';
import { SeededRng } from './rng';

type Tensor = TF.Tensor;
type Tensor2D = TF.Tensor2D;
type Tensor4D = TF.Tensor4D;

export interface ParamSpec {
  name: string;
  shape: number[];
  init: 'normal' | 'residual' | 'zeros' | 'ones';
}

/** The parameters in a fixed order (the order of variableNames(), checkpoints and gradients). */
export function parameterSpecs(c: PolicyConfig): ParamSpec[] {
  const d = c.width;
  const hidden = c.mlpRatio * d;
  const specs: ParamSpec[] = [
    { name: 'wte', shape: [c.vocabSize, d], init: 'normal' },
    { name: 'wpe', shape: [c.contextLength, d], init: 'normal' },
  ];
  for (let i = 0; i < c.layers; i++) {
    const p = `h${i}`;
    specs.push(
      { name: `${p}.ln1.g`, shape: [d], init: 'ones' },
      { name: `${p}.ln1.b`, shape: [d], init: 'zeros' },
      { name: `${p}.attn.qkv.w`, shape: [d, 3 * d], init: 'normal' },
      { name: `${p}.attn.qkv.b`, shape: [3 * d], init: 'zeros' },
      { name: `${p}.attn.proj.w`, shape: [d, d], init: 'residual' },
      { name: `${p}.attn.proj.b`, shape: [d], init: 'zeros' },
      { name: `${p}.ln2.g`, shape: [d], init: 'ones' },
      { name: `${p}.ln2.b`, shape: [d], init: 'zeros' },
      { name: `${p}.mlp.fc.w`, shape: [d, hidden], init: 'normal' },
      { name: `${p}.mlp.fc.b`, shape: [hidden], init: 'zeros' },
      { name: `${p}.mlp.proj.w`, shape: [hidden, d], init: 'residual' },
      { name: `${p}.mlp.proj.b`, shape: [d], init: 'zeros' },
    );
  }
  specs.push(
    { name: 'lnf.g', shape: [d], init: 'ones' },
    { name: 'lnf.b', shape: [d], init: 'zeros' },
    { name: 'head.w', shape: [d, c.vocabSize], init: 'normal' },
  );
  return specs;
}

export function validateConfig(c: PolicyConfig, where = 'policy config'): void {
  const ints: (keyof PolicyConfig)[] = ['vocabSize', 'contextLength', 'layers', 'heads', 'width', 'mlpRatio'];
  for (const k of ints) {
    const v = c[k];
    if (!Number.isInteger(v) || v < 1) throw new Error(`${where}: '${k}' must be a positive integer, got ${JSON.stringify(v)}`);
  }
  if (!Number.isInteger(c.seed)) throw new Error(`${where}: 'seed' must be an integer, got ${JSON.stringify(c.seed)}`);
  if (c.width % c.heads !== 0) throw new Error(`${where}: 'width' (${c.width}) must be divisible by 'heads' (${c.heads})`);
}

/** GPT-2 initialisation: N(0, 0.02), residual projections scaled by 1/sqrt(2·layers). */
export function initialWeights(c: PolicyConfig): Float32Array[] {
  const rng = SeededRng.derive(c.seed, 0x1a17);
  return parameterSpecs(c).map((s) => {
    const size = s.shape.reduce((a, b) => a * b, 1);
    const w = new Float32Array(size);
    if (s.init === 'ones') w.fill(1);
    else if (s.init !== 'zeros') {
      const std = s.init === 'residual' ? 0.02 / Math.sqrt(2 * c.layers) : 0.02;
      for (let i = 0; i < size; i++) w[i] = rng.normal() * std;
    }
    return w;
  });
}

export { disposeCache, type LayerCache };

interface Block {
  ln1g: Tensor; ln1b: Tensor; qkvW: Tensor2D; qkvB: Tensor; projW: Tensor2D; projB: Tensor;
  ln2g: Tensor; ln2b: Tensor; fcW: Tensor2D; fcB: Tensor; fc2W: Tensor2D; fc2B: Tensor;
}

export class Transformer implements CausalLM {
  readonly ops: ModelOps;
  private readonly headDim: number;
  private readonly blocks: Block[];
  private readonly wte: Tensor2D;
  private readonly wpe: Tensor2D;
  private readonly lnfG: Tensor;
  private readonly lnfB: Tensor;
  private readonly headW: Tensor2D;

  /** `params` in parameterSpecs() order (tf.Variables, owned by the caller). */
  constructor(readonly config: PolicyConfig, params: Tensor[], ops: ModelOps = modelOps()) {
    this.ops = ops;
    this.headDim = config.width / config.heads;
    let i = 0;
    const next = <T extends Tensor>() => params[i++] as T;
    this.wte = next<Tensor2D>();
    this.wpe = next<Tensor2D>();
    this.blocks = [];
    for (let l = 0; l < config.layers; l++) {
      this.blocks.push({
        ln1g: next(), ln1b: next(), qkvW: next(), qkvB: next(), projW: next(), projB: next(),
        ln2g: next(), ln2b: next(), fcW: next(), fcB: next(), fc2W: next(), fc2B: next(),
      });
    }
    this.lnfG = next();
    this.lnfB = next();
    this.headW = next<Tensor2D>();
  }

  get vocabSize(): number {
    return this.config.vocabSize;
  }

  get headWeight(): Tensor2D {
    return this.headW;
  }

  get headVocabMajor(): boolean {
    return false;
  }

  /** Full forward pass: logits [B·T, V] (or [B, V] with `lastOnly`), plus the KV cache with `keepCache`. */
  forward(ids: TF.Tensor2D, opts: { lastOnly?: boolean; keepCache?: boolean } = {}): { logits: Tensor2D; cache?: LayerCache[] } {
    const { hidden, cache } = this.hidden(ids, opts);
    const logits = this.logits(hidden);
    hidden.dispose();
    return opts.keepCache ? { logits, cache } : { logits };
  }

  hidden(ids: TF.Tensor2D, opts: { lastOnly?: boolean; keepCache?: boolean } = {}): { hidden: Tensor2D; cache?: LayerCache[] } {
    const t = tf();
    const [B, T] = ids.shape;
    const d = this.config.width;
    const H = this.config.heads;
    const hd = this.headDim;
    const cache: LayerCache[] = [];
    const hidden = t.tidy(() => {
      const tok = this.ops.embed(ids.reshape([B * T]) as TF.Tensor1D, this.wte);
      let x = tok.reshape([B, T, d]).add(this.wpe.slice([0, 0], [T, d])).reshape([B * T, d]) as Tensor2D;
      const causal = t.tensor2d(causalMask(T), [T, T]);
      for (const b of this.blocks) {
        const h = layerNorm(x, b.ln1g, b.ln1b);
        const qkv = this.ops.linear(h, b.qkvW).add(b.qkvB) as Tensor2D;
        // Split first, then 4-D transposes: a 5-D transpose is ~100× slower on wasm.
        const [q, k, v] = t.split(qkv, 3, 1).map((m) => m.reshape([B, T, H, hd]).transpose([0, 2, 1, 3]) as Tensor4D);
        if (opts.keepCache) cache.push({ k: t.keep(k), v: t.keep(v) });
        const scores = this.ops.batchMatMulTransposeB(q.reshape([B * H, T, hd]) as TF.Tensor3D, k.reshape([B * H, T, hd]) as TF.Tensor3D)
          .mul(1 / Math.sqrt(hd)).add(causal);
        const y = this.ops.batchMatMul(t.softmax(scores) as TF.Tensor3D, v.reshape([B * H, T, hd]) as TF.Tensor3D)
          .reshape([B, H, T, hd]).transpose([0, 2, 1, 3]).reshape([B * T, d]) as Tensor2D;
        x = x.add(this.ops.linear(y, b.projW).add(b.projB)) as Tensor2D;
        x = x.add(this.mlp(layerNorm(x, b.ln2g, b.ln2b), b)) as Tensor2D;
      }
      if (opts.lastOnly) x = x.reshape([B, T, d]).slice([0, T - 1, 0], [B, 1, d]).reshape([B, d]) as Tensor2D;
      return layerNorm(x, this.lnfG, this.lnfB);
    });
    return opts.keepCache ? { hidden, cache } : { hidden };
  }

  logits(hidden: Tensor2D): Tensor2D {
    return this.ops.linear(hidden, this.headW);
  }

  /**
   * One decoding step: ids[B] at position `pos`, attending over `cache` (length pos) plus itself.
   * Returns logits [B, V] and the grown cache; the caller disposes the old cache.
   */
  decode(ids: TF.Tensor1D, pos: number, cache: LayerCache[]): { logits: Tensor2D; cache: LayerCache[] } {
    const t = tf();
    const B = ids.shape[0];
    const d = this.config.width;
    const H = this.config.heads;
    const hd = this.headDim;
    const grown: LayerCache[] = [];
    const logits = t.tidy(() => {
      let x = this.ops.lookup(ids, this.wte).add(this.wpe.slice([pos, 0], [1, d])) as Tensor2D;
      this.blocks.forEach((b, l) => {
        const h = layerNorm(x, b.ln1g, b.ln1b);
        const qkv = this.ops.affine(h, b.qkvW, b.qkvB);
        const [q, k, v] = t.split(qkv, 3, 1).map((m) => m.reshape([B, H, 1, hd]) as Tensor4D);
        const K = t.keep(t.concat([cache[l].k, k], 2));
        const V = t.keep(t.concat([cache[l].v, v], 2));
        grown.push({ k: K, v: V });
        const y = this.ops.attendOne(q, K, V, 1 / Math.sqrt(hd)).reshape([B, d]) as Tensor2D;
        x = x.add(this.ops.affine(y, b.projW, b.projB)) as Tensor2D;
        const hidden = this.ops.gelu(this.ops.affine(layerNorm(x, b.ln2g, b.ln2b), b.fcW, b.fcB)) as Tensor2D;
        x = x.add(this.ops.affine(hidden, b.fc2W, b.fc2B)) as Tensor2D;
      });
      return this.ops.linear(layerNorm(x, this.lnfG, this.lnfB), this.headW);
    });
    return { logits, cache: grown };
  }

  private mlp(h: Tensor2D, b: Block): Tensor2D {
    const hidden = this.ops.gelu(this.ops.linear(h, b.fcW).add(b.fcB)) as Tensor2D;
    return this.ops.linear(hidden, b.fc2W).add(b.fc2B) as Tensor2D;
  }
}

/** 0 on and below the diagonal, -1e9 above: added to attention scores so a position sees only its past. */
function causalMask(T: number): Float32Array {
  const m = new Float32Array(T * T);
  for (let i = 0; i < T; i++) for (let j = i + 1; j < T; j++) m[i * T + j] = -1e9;
  return m;
}

function layerNorm(x: Tensor2D, g: Tensor, b: Tensor): Tensor2D {
  return tf().tidy(() => {
    const mean = x.mean(-1, true);
    const centred = x.sub(mean);
    const variance = centred.mul(centred).mean(-1, true);
    return centred.mul(variance.add(1e-5).rsqrt()).mul(g).add(b) as Tensor2D;
  });
}
