// log p(target) per row from hidden states and the output head, a chunk of rows at a time, so a
// batch never holds more than one chunk of vocabulary-sized logits (a 4 × 256 batch at Qwen's 152K
// vocabulary would be 0.6 GB per copy). The gradient recomputes each chunk's logits instead of
// keeping them: d logits = (onehot(target) − softmax) · dy.
import type * as TF from '@tensorflow/tfjs';
import { tf } from '../backend';
import { accumulateProduct, canAccumulateProducts } from '../native/accumulate';
import { nativeLogSoftmaxPick, nativeLogSoftmaxPickGrad } from '../native/logSoftmaxRows';

/** Most logits (rows × vocabulary) materialised at once. */
export const LOGIT_CHUNK_ELEMENTS = 4 * 1024 * 1024;

export function chunkRows(vocabSize: number): number {
  return Math.max(1, Math.floor(LOGIT_CHUNK_ELEMENTS / vocabSize));
}

/**
 * [N] log-probabilities of targets[N] under softmax(hidden[N,d] · head[d,V]) — or, `vocabMajor`,
 * head [V,d] used as hidden · headᵀ, kept as the first matmul operand (see ../hf/decoder.ts on why);
 * differentiable in both.
 */
export function tokenLogProbs(hidden: TF.Tensor2D, head: TF.Tensor2D, targets: Int32Array, vocabMajor = false): TF.Tensor1D {
  const t = tf();
  const [N] = hidden.shape;
  const V = vocabMajor ? head.shape[0] : head.shape[1];
  // wasm packs and caches a matmul's second operand, so there the [V, d] head stays first; elsewhere
  // the transpose flag is free and saves two transposes of a chunk.
  const onWasm = t.getBackend() === 'wasm';
  const headLogits = (h: TF.Tensor2D, w: TF.Tensor2D) => (!vocabMajor ? t.matMul(h, w) : onWasm ? t.transpose(t.matMul(w, t.transpose(h))) : t.matMul(h, w, false, true));
  const rows = chunkRows(V);
  const forwardChunk = (h: TF.Tensor2D, w: TF.Tensor2D, start: number, end: number) => t.tidy(() => {
    const logits = headLogits(h.slice([start, 0], [end - start, -1]), w);
    const fused = nativeLogSoftmaxPick(t, logits as TF.Tensor2D, targets.subarray(start, end));
    if (fused) return { logits, ...fused };
    const lse = t.logSumExp(logits, -1);
    const flat = new Int32Array(end - start);
    for (let r = start; r < end; r++) flat[r - start] = (r - start) * V + targets[r];
    const picked = t.gather(logits.reshape([-1]), t.tensor1d(flat, 'int32'));
    return { logits, lse, picked: picked.sub(lse) as TF.Tensor1D };
  });
  // A frozen head (LoRA) is captured instead of being an input, so its gradient — as costly as the
  // head's forward, and head-sized — is never computed.
  const headTrained = (head as Partial<TF.Variable>).trainable === true;
  const f = t.customGrad(((h: TF.Tensor2D, ...rest: unknown[]) => {
    const w = headTrained ? (rest[0] as TF.Tensor2D) : head;
    (rest[rest.length - 1] as TF.GradSaveFunc)(headTrained ? [h, w] : [h]);
    const parts: TF.Tensor1D[] = [];
    for (let s = 0; s < N; s += rows) {
      const c = forwardChunk(h, w, s, Math.min(N, s + rows));
      c.logits.dispose();
      c.lse.dispose();
      parts.push(c.picked);
    }
    const value = parts.length === 1 ? parts[0] : t.concat(parts);
    if (parts.length > 1) parts.forEach((p) => p.dispose());
    return {
      value,
      gradFunc: (dy: TF.Tensor1D, saved: TF.Tensor[]) => {
        const hs = saved[0] as TF.Tensor2D;
        const ws = headTrained ? (saved[1] as TF.Tensor2D) : head;
        // On wasm: explicit transposes / copies, because transpose flags take wasm's slow matmul path
        // and a weight as second operand would be packed and cached by XNNPACK for its lifetime.
        const wB = onWasm ? (vocabMajor ? (ws.mul(1) as TF.Tensor2D) : t.transpose(ws)) : ws;
        // The head's gradient is summed over chunks in one buffer by BLAS when the native path is on.
        const native = headTrained && canAccumulateProducts(t) ? new Float32Array(ws.size) : undefined;
        let dW: TF.Tensor2D | undefined;
        const dhParts: TF.Tensor2D[] = [];
        for (let s = 0; s < N; s += rows) {
          const e = Math.min(N, s + rows);
          const { dh, dw } = t.tidy(() => {
            const c = forwardChunk(hs, ws, s, e);
            const g = dy.slice([s], [e - s]);
            const dLogits = nativeLogSoftmaxPickGrad(t, c.logits as TF.Tensor2D, targets.subarray(s, e), g.dataSync() as Float32Array)
              ?? (t.oneHot(t.tensor1d(targets.subarray(s, e), 'int32'), V).toFloat().sub(t.exp(c.logits.sub(c.lse.expandDims(1)))).mul(g.expandDims(1)) as TF.Tensor2D);
            const hc = hs.slice([s, 0], [e - s, -1]) as TF.Tensor2D;
            const dh = onWasm || vocabMajor ? t.matMul(dLogits, wB) : t.matMul(dLogits, wB, false, true);
            if (native) {
              const done = vocabMajor ? accumulateProduct(t, native, dLogits, hc, true, false) : accumulateProduct(t, native, hc, dLogits, true, false);
              if (!done) throw new Error('tokenLogProbs: the native BLAS accumulation stopped being available mid-pass');
              return { dh };
            }
            if (!headTrained) return { dh };
            return { dh, dw: vocabMajor ? t.matMul(t.transpose(dLogits), hc) : t.matMul(t.transpose(hc), dLogits) };
          });
          dhParts.push(dh as TF.Tensor2D);
          if (!dw) continue;
          if (!dW) dW = dw as TF.Tensor2D;
          else {
            const sum = dW.add(dw) as TF.Tensor2D;
            dW.dispose();
            dw.dispose();
            dW = sum;
          }
        }
        if (wB !== ws) wB.dispose();
        const dh = dhParts.length === 1 ? dhParts[0] : t.concat(dhParts);
        if (dhParts.length > 1) dhParts.forEach((p) => p.dispose());
        if (native) dW = t.tensor2d(native, ws.shape as [number, number]);
        return headTrained ? [dh, dW!] : [dh];
      },
    };
  }) as unknown as Parameters<typeof TF.customGrad>[0]) as unknown as (...inputs: TF.Tensor2D[]) => TF.Tensor1D;
  return headTrained ? f(hidden, head) : f(hidden);
}
