// The backend-specific op choices of the model, in one place. The model calls these; nothing else in
// it depends on the backend. Two flavours:
//
// - "wasm-fast" (wasm, cpu): XNNPACK runs a matmul fast only with batch 1 and no transpose flags, and
//   some gradient kernels are missing (see /work/shared/notes/tfjs-on-this-machine.md §2-3). So:
//   linear layers with a custom gradient that transposes explicitly; batched matmul as a grouped
//   (depthwise) convolution, also with a custom gradient; embedding as one-hot × table (tf.gather's
//   gradient, UnsortedSegmentSum, does not exist on wasm; decoding, which needs no gradient, gathers);
//   GELU through sigmoid (tanh and pow are scalar libm calls there, ~8× slower). All are exact
//   rewrites, not approximations of the plain ops.
// - "plain" (tensorflow, tensorflow-gpu, cpu): the textbook ops; the native kernels handle them well.
// - "wasm-blas" (wasm with the native BLAS fast path, src/trainer/native/): every product is a plain
//   matMul (transposes are free in BLAS, so no convolution or explicit-transpose rewrites), while the
//   element-wise ops keep the wasm-fast forms (sigmoid GELU; one-hot embedding, as wasm still lacks
//   the gather gradient). Measured at the benchmark model's size: training ×1.65 over wasm-fast with
//   the BLAS kernels, where wasm-fast's rewrites gain nothing once the matmuls are in BLAS.
//
// cpu uses plain: measured here (2-layer d=64 model, machine under load 12) plain sampled 250-370
// tokens/s against 85-135 for wasm-fast, and trained at about the same speed (130 vs 80-185).
import type * as TF from '@tensorflow/tfjs';
import { currentBackend, tf } from '../backend';
import { nativeFastPath } from '../native/fastPath';

type Tensor = TF.Tensor;
type Tensor2D = TF.Tensor2D;
type Tensor3D = TF.Tensor3D;
type Tensor4D = TF.Tensor4D;

export type OpsFlavour = 'wasm-fast' | 'wasm-blas' | 'plain';

export interface ModelOps {
  readonly flavour: OpsFlavour;
  /** x[N,K] · w[K,M] → [N,M]. */
  linear(x: Tensor2D, w: Tensor2D): Tensor2D;
  /** a[G,M,K] · b[G,K,N] → [G,M,N]. */
  batchMatMul(a: Tensor3D, b: Tensor3D): Tensor3D;
  /** a[G,M,K] · b[G,N,K]ᵀ → [G,M,N] (attention scores q·kᵀ). */
  batchMatMulTransposeB(a: Tensor3D, b: Tensor3D): Tensor3D;
  /** x·w + b without a gradient (decoding): one fused kernel instead of two. */
  affine(x: Tensor2D, w: Tensor2D, b: Tensor): Tensor2D;
  /** Rows of table[V,D] for int32 ids[N] → [N,D], differentiable. */
  embed(ids: TF.Tensor1D, table: Tensor2D): Tensor2D;
  /** The same rows without a gradient (decoding): a plain gather, whose forward kernel exists everywhere. */
  lookup(ids: TF.Tensor1D, table: Tensor2D): Tensor2D;
  /** GELU, tanh approximation (as GPT-2). */
  gelu(x: Tensor): Tensor;
  /** One query per sequence against a KV cache: q[B,H,1,hd], k/v[B,H,L,hd] → [B,H,hd]; scale applied to scores. */
  attendOne(q: Tensor4D, k: Tensor4D, v: Tensor4D, scale: number): TF.Tensor3D;
}

const GELU_C = Math.sqrt(2 / Math.PI);

export function opsFlavourFor(backendName: string): OpsFlavour {
  if (backendName !== 'wasm') return 'plain';
  return nativeFastPath()?.name ? 'wasm-blas' : 'wasm-fast';
}

const cache = new Map<OpsFlavour, ModelOps>();

/** The ops for the selected backend (or a forced flavour, for tests comparing the two). */
export function modelOps(flavour?: OpsFlavour): ModelOps {
  const f = flavour ?? opsFlavourFor(currentBackend()?.name ?? 'wasm');
  let ops = cache.get(f);
  if (!ops) {
    ops = f === 'plain' ? plainOps(tf()) : f === 'wasm-blas' ? blasOps(tf()) : wasmFastOps(tf());
    cache.set(f, ops);
  }
  return ops;
}

function plainOps(t: typeof TF): ModelOps {
  return {
    flavour: 'plain',
    linear: (x, w) => t.matMul(x, w),
    batchMatMul: (a, b) => t.matMul(a, b),
    batchMatMulTransposeB: (a, b) => t.matMul(a, b, false, true),
    affine: (x, w, b) => t.fused.matMul({ a: x, b: w, bias: b }) as Tensor2D,
    embed: (ids, table) => t.gather(table, ids),
    lookup: (ids, table) => t.gather(table, ids),
    gelu: (x) => t.tidy(() => x.mul(0.5).mul(t.tanh(x.add(x.mul(x).mul(x).mul(0.044715)).mul(GELU_C)).add(1))),
    attendOne: (q, k, v, scale) => t.tidy(() => {
      const [B, H, , hd] = q.shape;
      const scores = t.matMul(q, k, false, true).mul(scale); // [B,H,1,L]
      return t.matMul(t.softmax(scores), v).reshape([B, H, hd]) as Tensor3D;
    }),
  };
}

function wasmFastOps(t: typeof TF): ModelOps {
  // Gradient of x·w without transpose flags: dx = dy·wᵀ, dw = xᵀ·dy with explicit transposes.
  const linear = t.customGrad(((x: Tensor2D, w: Tensor2D, save: TF.GradSaveFunc) => {
    save([x, w]);
    return {
      value: t.matMul(x, w),
      gradFunc: (dy: Tensor2D, saved: Tensor[]) => {
        const [xs, ws] = saved as Tensor2D[];
        return [t.matMul(dy, t.transpose(ws)), t.matMul(t.transpose(xs), dy)];
      },
    };
  }) as unknown as Parameters<typeof TF.customGrad>[0]) as unknown as (x: Tensor2D, w: Tensor2D) => Tensor2D;

  // bmm(a[G,M,K], b[G,K,N]) = depthwiseConv2d(input [M,1,K,G], filter [1,K,G,N]) → [M,1,1,G·N]:
  // out[m, g·N+n] = Σ_k a[g,m,k]·b[g,k,n], which XNNPACK runs as a grouped convolution.
  const groupedMatMul = (a: Tensor3D, b: Tensor3D): Tensor3D => t.tidy(() => {
    const [G, M, K] = a.shape;
    const N = b.shape[2];
    const input = t.transpose(a, [1, 2, 0]).reshape([M, 1, K, G]) as Tensor4D;
    const filter = t.transpose(b, [1, 0, 2]).reshape([1, K, G, N]) as Tensor4D;
    return t.depthwiseConv2d(input, filter, 1, 'valid').reshape([M, G, N]).transpose([1, 0, 2]) as Tensor3D;
  });
  // Its gradient kernels (DepthwiseConv2dNativeBackprop*) are missing on wasm, so the backward pass
  // is written with the same trick: da = dy·bᵀ, db = aᵀ·dy.
  const batchMatMul = t.customGrad(((a: Tensor3D, b: Tensor3D, save: TF.GradSaveFunc) => {
    save([a, b]);
    return {
      value: groupedMatMul(a, b),
      gradFunc: (dy: Tensor3D, saved: Tensor[]) => {
        const [as, bs] = saved as Tensor3D[];
        return [groupedMatMul(dy, t.transpose(bs, [0, 2, 1])), groupedMatMul(t.transpose(as, [0, 2, 1]), dy)];
      },
    };
  }) as unknown as Parameters<typeof TF.customGrad>[0]) as unknown as (a: Tensor3D, b: Tensor3D) => Tensor3D;

  return {
    flavour: 'wasm-fast',
    linear,
    batchMatMul,
    batchMatMulTransposeB: (a, b) => t.tidy(() => batchMatMul(a, t.transpose(b, [0, 2, 1]))),
    // No transpose flags, so XNNPACK's fast path; measured 15-25% faster than matMul + add at decode sizes.
    affine: (x, w, b) => t.fused.matMul({ a: x, b: w, bias: b }) as Tensor2D,
    embed: (ids, table) => t.tidy(() => linear(t.oneHot(ids, table.shape[0]).toFloat() as Tensor2D, table)),
    lookup: (ids, table) => t.gather(table, ids),
    // 0.5·(1 + tanh(z)) = sigmoid(2z), and x³ as x·x·x: the same function without tanh or pow.
    gelu: (x) => t.tidy(() => x.mul(t.sigmoid(x.add(x.mul(x).mul(x).mul(0.044715)).mul(2 * GELU_C)))),
    // With one query the matmuls are skinny; broadcast multiply + sum avoids transposes entirely.
    attendOne: (q, k, v, scale) => t.tidy(() => {
      const scores = q.mul(k).sum(-1).mul(scale); // [B,H,L]
      const att = t.softmax(scores).expandDims(-1); // [B,H,L,1]
      return att.mul(v).sum(2) as Tensor3D; // [B,H,hd]
    }),
  };
}

function blasOps(t: typeof TF): ModelOps {
  const wasmFast = wasmFastOps(t);
  return {
    ...wasmFast,
    flavour: 'wasm-blas',
    linear: (x, w) => t.matMul(x, w),
    batchMatMul: (a, b) => t.matMul(a, b),
    batchMatMulTransposeB: (a, b) => t.matMul(a, b, false, true),
    embed: (ids, table) => t.tidy(() => t.matMul(t.oneHot(ids, table.shape[0]).toFloat() as Tensor2D, table)),
    attendOne: (q, k, v, scale) => t.tidy(() => {
      const [B, H, , hd] = q.shape;
      const scores = t.matMul(q, k, false, true).mul(scale); // [B,H,1,L]
      return t.matMul(t.softmax(scores), v).reshape([B, H, hd]) as Tensor3D;
    }),
  };
}
