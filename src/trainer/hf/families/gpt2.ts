// GPT2LMHeadModel (transformers' modeling_gpt2), which is exactly the built-in GPT (model/transformer.ts):
// pre-LayerNorm blocks with biases, learned position embeddings, fused q|k|v in Conv1D layout
// ([in, out]: c_attn [d, 3d], split q, k, v along the last dim, each head a contiguous block of
// d/heads columns, as our split + reshape), tanh GELU, final LayerNorm, and a head. Conv1D weights
// are stored [in, out] in the file as in our variables, so only the head ([V, d] nn.Linear) is
// transposed. A tied head (GPT-2's default) is read from the embedding; our network keeps its own
// head variable, so a model saved after training is untied.
import type { PolicyConfig } from '../../model/policy';
import { gptNetwork } from '../../model/network';
import type { ConfigFields } from '../configFields';
import type { Family, FamilyTensor, FolderConfig } from './family';

export interface Gpt2Config extends FolderConfig {
  /** n_positions: rows of the position embedding. */
  maxPositions: number;
}

/** What our LayerNorm computes with (model/transformer.ts). */
const LAYER_NORM_EPS = 1e-5;
/** transformers' names of the tanh approximation of GELU; 'gelu' (erf) is a different function. */
const TANH_GELU = ['gelu_new', 'gelu_pytorch_tanh'];

export const gpt2: Family<Gpt2Config> = {
  architecture: 'GPT2LMHeadModel',
  basePrefix: 'transformer.',

  parseConfig(f: ConfigFields): Gpt2Config {
    const d = f.int('n_embd');
    const heads = f.int('n_head');
    if (d % heads !== 0) f.refuse('n_embd', `${d} is not divisible by n_head (${heads})`);
    const inner = f.has('n_inner') ? f.int('n_inner') : 4 * d;
    if (inner % d !== 0) f.refuse('n_inner', `must be a multiple of n_embd (${d}), got ${inner}`);
    const act = f.raw.activation_function ?? 'gelu_new';
    if (typeof act !== 'string' || !TANH_GELU.includes(act)) f.refuse('activation_function', `only the tanh GELU (${TANH_GELU.join(', ')}) is supported, got ${JSON.stringify(act)}`);
    const eps = f.num('layer_norm_epsilon', LAYER_NORM_EPS);
    if (eps !== LAYER_NORM_EPS) f.refuse('layer_norm_epsilon', `only ${LAYER_NORM_EPS} is supported, got ${eps}`);
    if (!f.bool('scale_attn_weights', true)) f.refuse('scale_attn_weights', 'attention without the 1/sqrt(head_dim) scale is not supported');
    if (f.bool('scale_attn_by_inverse_layer_idx', false)) f.refuse('scale_attn_by_inverse_layer_idx', 'scaling attention by 1/(layer + 1) is not supported');
    if (f.bool('add_cross_attention', false)) f.refuse('add_cross_attention', 'cross-attention (an encoder-decoder GPT-2) is not supported');
    // reorder_and_upcast_attn only changes the precision of half-precision attention: in fp32, which
    // is all we compute in, it is the same function, so it is accepted.
    f.bool('reorder_and_upcast_attn', false);
    const bos = f.raw.bos_token_id;
    return {
      architecture: 'GPT2LMHeadModel',
      vocabSize: f.int('vocab_size'),
      hiddenSize: d,
      intermediateSize: inner,
      layers: f.int('n_layer'),
      heads,
      kvHeads: heads,
      headDim: d / heads,
      maxPositions: f.int('n_positions', f.has('n_ctx') ? f.int('n_ctx') : 1024),
      tieWordEmbeddings: f.bool('tie_word_embeddings', true),
      qkvBias: true,
      oBias: true,
      qkNorm: false,
      bosTokenId: Number.isInteger(bos) ? (bos as number) : null,
      eosTokenIds: f.ids('eos_token_id'),
    };
  },

  /** In model/transformer.ts's parameterSpecs order. */
  tensors(c: Gpt2Config): FamilyTensor[] {
    const d = c.hiddenSize;
    const out: FamilyTensor[] = [];
    const add = (name: string, fileShape: number[], extra: Partial<FamilyTensor> = {}) => out.push({ name: `transformer.${name}`, fileShape, transposed: false, ...extra });
    add('wte.weight', [c.vocabSize, d]);
    add('wpe.weight', [c.maxPositions, d], { positional: true });
    for (let i = 0; i < c.layers; i++) {
      const p = `h.${i}`;
      add(`${p}.ln_1.weight`, [d]);
      add(`${p}.ln_1.bias`, [d]);
      add(`${p}.attn.c_attn.weight`, [d, 3 * d]);
      add(`${p}.attn.c_attn.bias`, [3 * d]);
      add(`${p}.attn.c_proj.weight`, [d, d]);
      add(`${p}.attn.c_proj.bias`, [d]);
      add(`${p}.ln_2.weight`, [d]);
      add(`${p}.ln_2.bias`, [d]);
      add(`${p}.mlp.c_fc.weight`, [d, c.intermediateSize]);
      add(`${p}.mlp.c_fc.bias`, [c.intermediateSize]);
      add(`${p}.mlp.c_proj.weight`, [c.intermediateSize, d]);
      add(`${p}.mlp.c_proj.bias`, [d]);
    }
    add('ln_f.weight', [d]);
    add('ln_f.bias', [d]);
    out.push({ name: 'lm_head.weight', fileShape: [c.vocabSize, d], transposed: true, ...(c.tieWordEmbeddings ? { readFrom: 'transformer.wte.weight' } : {}) });
    return out;
  },

  network(c: Gpt2Config, contextLength: number) {
    return gptNetwork(gpt2PolicyConfig(c, contextLength));
  },

  ignoredTensors(c: Gpt2Config): RegExp[] {
    // The causal-mask buffers older transformers saved with every layer; a tied head's copy.
    const ignored = [/^(transformer\.)?h\.\d+\.attn\.(bias|masked_bias)$/];
    if (c.tieWordEmbeddings) ignored.push(/^lm_head\.weight$/);
    return ignored;
  },
};

export function gpt2PolicyConfig(c: Gpt2Config, contextLength = c.maxPositions): PolicyConfig {
  return {
    vocabSize: c.vocabSize,
    contextLength: Math.min(contextLength, c.maxPositions),
    layers: c.layers,
    heads: c.heads,
    width: c.hiddenSize,
    mlpRatio: c.intermediateSize / c.hiddenSize,
    seed: 0,
  };
}

/** config.json of the built-in GPT as GPT2LMHeadModel (what transformers' GPT2Config.to_dict() would hold). */
export function gpt2ConfigJson(p: PolicyConfig, ids: { bos: number | null; eos: number | null; pad: number | null }): Record<string, unknown> {
  return {
    architectures: ['GPT2LMHeadModel'],
    model_type: 'gpt2',
    vocab_size: p.vocabSize,
    n_positions: p.contextLength,
    n_embd: p.width,
    n_layer: p.layers,
    n_head: p.heads,
    n_inner: p.mlpRatio * p.width,
    activation_function: 'gelu_new',
    layer_norm_epsilon: LAYER_NORM_EPS,
    scale_attn_weights: true,
    scale_attn_by_inverse_layer_idx: false,
    reorder_and_upcast_attn: false,
    tie_word_embeddings: false,
    resid_pdrop: 0,
    embd_pdrop: 0,
    attn_pdrop: 0,
    initializer_range: 0.02,
    use_cache: true,
    bos_token_id: ids.bos,
    eos_token_id: ids.eos,
    pad_token_id: ids.pad,
  };
}
