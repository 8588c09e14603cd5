// The tensors of a DecoderConfig, in a fixed order, with transformers' names and shapes. They are
// kept in the file's layout (linear weights [out, in], embedding and head [V, d]): see decoder.ts for
// why the weights are always the first matmul operand. `transposed` stays for layouts that differ.
import type { DecoderConfig } from './decoderConfig';

export interface DecoderParam {
  /** transformers' tensor name. */
  name: string;
  /** The shape in the checkpoint file. */
  fileShape: number[];
  /** Stored transposed ([in, out] / [d, V]) relative to the file. */
  transposed: boolean;
  init: 'normal' | 'zeros' | 'ones';
}

export function decoderParams(c: DecoderConfig): DecoderParam[] {
  const d = c.hiddenSize;
  const q = c.heads * c.headDim;
  const kv = c.kvHeads * c.headDim;
  const out: DecoderParam[] = [];
  const linear = (name: string, outDim: number, inDim: number) => out.push({ name: `${name}.weight`, fileShape: [outDim, inDim], transposed: false, init: 'normal' });
  const vector = (name: string, n: number, init: 'zeros' | 'ones') => out.push({ name, fileShape: [n], transposed: false, init });
  out.push({ name: 'model.embed_tokens.weight', fileShape: [c.vocabSize, d], transposed: false, init: 'normal' });
  for (let i = 0; i < c.layers; i++) {
    const p = `model.layers.${i}`;
    vector(`${p}.input_layernorm.weight`, d, 'ones');
    linear(`${p}.self_attn.q_proj`, q, d);
    if (c.qkvBias) vector(`${p}.self_attn.q_proj.bias`, q, 'zeros');
    linear(`${p}.self_attn.k_proj`, kv, d);
    if (c.qkvBias) vector(`${p}.self_attn.k_proj.bias`, kv, 'zeros');
    linear(`${p}.self_attn.v_proj`, kv, d);
    if (c.qkvBias) vector(`${p}.self_attn.v_proj.bias`, kv, 'zeros');
    if (c.qkNorm) {
      vector(`${p}.self_attn.q_norm.weight`, c.headDim, 'ones');
      vector(`${p}.self_attn.k_norm.weight`, c.headDim, 'ones');
    }
    linear(`${p}.self_attn.o_proj`, d, q);
    if (c.oBias) vector(`${p}.self_attn.o_proj.bias`, d, 'zeros');
    vector(`${p}.post_attention_layernorm.weight`, d, 'ones');
    linear(`${p}.mlp.gate_proj`, c.intermediateSize, d);
    linear(`${p}.mlp.up_proj`, c.intermediateSize, d);
    linear(`${p}.mlp.down_proj`, d, c.intermediateSize);
  }
  vector('model.norm.weight', d, 'ones');
  if (!c.tieWordEmbeddings) out.push({ name: 'lm_head.weight', fileShape: [c.vocabSize, d], transposed: false, init: 'normal' });
  return out;
}

export function storedShape(p: DecoderParam): number[] {
  return p.transposed ? [p.fileShape[1], p.fileShape[0]] : p.fileShape;
}

/** [rows, cols] row-major → [cols, rows] row-major. */
export function transpose2d(src: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(src.length);
  // Blocked, so both sides stay in cache: ~5× faster than the naive double loop at 152K × 896.
  const B = 64;
  for (let r0 = 0; r0 < rows; r0 += B) {
    const r1 = Math.min(rows, r0 + B);
    for (let c0 = 0; c0 < cols; c0 += B) {
      const c1 = Math.min(cols, c0 + B);
      for (let r = r0; r < r1; r++) {
        const base = r * cols;
        for (let c = c0; c < c1; c++) out[c * rows + r] = src[base + c];
      }
    }
  }
  return out;
}
