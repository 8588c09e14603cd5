// The config of the Llama-style decoder (transformers' Llama design and its relatives: Llama, Qwen2,
// Qwen3, Mistral), as a small typed object: a FolderConfig (what every family's config has) plus what
// the network computes with. Those family files (./families/) turn their config.json into
// this and the decoder (./decoder.ts) reads only this.
import { ConfigFields } from './configFields';
import type { FolderConfig } from './folderConfig';

export { ConfigFields } from './configFields';

export interface Llama3RopeScaling {
  type: 'llama3';
  factor: number;
  lowFreqFactor: number;
  highFreqFactor: number;
  originalMaxPositions: number;
}

export interface DecoderConfig extends FolderConfig {
  rmsNormEps: number;
  ropeTheta: number;
  ropeScaling: Llama3RopeScaling | null;
  /** Bias on o_proj (Llama with attention_bias). */
  oBias: boolean;
}

/** The fields all Llama-like families share; a family adjusts what differs. */
export function llamaLikeConfig(f: ConfigFields, architecture: string, overrides: { qkvBias: boolean; oBias: boolean; qkNorm: boolean }): DecoderConfig {
  const hiddenSize = f.int('hidden_size');
  const heads = f.int('num_attention_heads');
  const kvHeads = f.int('num_key_value_heads', heads);
  if (heads % kvHeads !== 0) f.refuse('num_key_value_heads', `${kvHeads} must divide num_attention_heads (${heads})`);
  const headDim = f.has('head_dim') ? f.int('head_dim') : hiddenSize / heads;
  if (!Number.isInteger(headDim)) f.refuse('hidden_size', `${hiddenSize} is not divisible by num_attention_heads (${heads}); set head_dim`);
  if (headDim % 2 !== 0) f.refuse('head_dim', `must be even for rotary embeddings, got ${headDim}`);
  if (f.bool('mlp_bias', false)) f.refuse('mlp_bias', 'biases in the MLP are not supported');
  const act = f.raw.hidden_act ?? 'silu';
  if (act !== 'silu') f.refuse('hidden_act', `only 'silu' (SwiGLU) is supported, got ${JSON.stringify(act)}`);
  if (f.has('partial_rotary_factor') && f.raw.partial_rotary_factor !== 1) f.refuse('partial_rotary_factor', 'partial rotary embeddings are not supported');
  const bos = f.raw.bos_token_id;
  return {
    architecture,
    vocabSize: f.int('vocab_size'),
    hiddenSize,
    intermediateSize: f.int('intermediate_size'),
    layers: f.int('num_hidden_layers'),
    heads,
    kvHeads,
    headDim,
    rmsNormEps: f.num('rms_norm_eps', 1e-6),
    ropeTheta: f.num('rope_theta', 10000),
    ropeScaling: ropeScaling(f),
    maxPositions: f.int('max_position_embeddings', 2048),
    tieWordEmbeddings: f.bool('tie_word_embeddings', false),
    bosTokenId: Number.isInteger(bos) ? (bos as number) : null,
    eosTokenIds: f.ids('eos_token_id'),
    ...overrides,
  };
}

function ropeScaling(f: ConfigFields): Llama3RopeScaling | null {
  const r = f.raw.rope_scaling;
  if (r === undefined || r === null) return null;
  if (typeof r !== 'object') f.refuse('rope_scaling', `must be an object or null, got ${JSON.stringify(r)}`);
  const o = r as Record<string, unknown>;
  const kind = o.rope_type ?? o.type;
  if (kind === 'default') return null;
  if (kind !== 'llama3') f.refuse('rope_scaling', `rope_type ${JSON.stringify(kind)} is not supported (supported: default, llama3)`);
  const sub = new ConfigFields(o, f.file);
  const num = (k: string) => {
    try {
      return sub.num(k);
    } catch {
      return f.refuse(`rope_scaling.${k}`, `must be a positive number, got ${JSON.stringify(o[k])}`);
    }
  };
  const scaling: Llama3RopeScaling = {
    type: 'llama3',
    factor: num('factor'),
    lowFreqFactor: num('low_freq_factor'),
    highFreqFactor: num('high_freq_factor'),
    originalMaxPositions: num('original_max_position_embeddings'),
  };
  if (scaling.highFreqFactor <= scaling.lowFreqFactor) f.refuse('rope_scaling.high_freq_factor', 'must exceed low_freq_factor');
  return scaling;
}
