// The one model interface the Policy (transformerPolicy.ts) runs on: the built-in GPT
// (transformer.ts) and the Hugging Face decoder families (../hf/decoder.ts) both implement it, so
// sampling, scoring, gradients and checkpoints exist once.
import type * as TF from '@tensorflow/tfjs';
import type { ModelOps } from './ops';

/** Keys and values of one layer for every sequence so far: [B, kvHeads, L, headDim]. */
export interface LayerCache {
  k: TF.Tensor4D;
  v: TF.Tensor4D;
}

export interface CausalLM {
  readonly ops: ModelOps;
  readonly vocabSize: number;
  /** The output head: [d, V] (logits = hidden · head), or [V, d] when `headVocabMajor` (logits = hidden · headᵀ). */
  readonly headWeight: TF.Tensor2D;
  readonly headVocabMajor: boolean;
  /**
   * Final hidden states [B·T, d] (after the last norm) of ids[B,T] at positions 0..T-1, causal; with
   * `keepCache` also every layer's keys/values (the caller disposes them).
   */
  hidden(ids: TF.Tensor2D, opts?: { keepCache?: boolean; lastOnly?: boolean }): { hidden: TF.Tensor2D; cache?: LayerCache[] };
  /** Output logits [N, V] of hidden rows [N, d]. Callers keep N small at large vocabularies. */
  logits(hidden: TF.Tensor2D): TF.Tensor2D;
  /** One decoding step: ids[B] at position `pos` over `cache` (length pos); logits [B, V] and the grown cache. */
  decode(ids: TF.Tensor1D, pos: number, cache: LayerCache[]): { logits: TF.Tensor2D; cache: LayerCache[] };
}

export function disposeCache(cache: LayerCache[] | undefined): void {
  for (const c of cache ?? []) {
    c.k.dispose();
    c.v.dispose();
  }
}
