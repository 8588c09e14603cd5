// LlamaForCausalLM (transformers' modeling_llama): RMSNorm, RoPE (default or Llama 3 scaling),
// grouped-query attention, SwiGLU; `attention_bias` adds biases to q/k/v/o.
import { llamaLikeConfig } from '../decoderConfig';
import type { Family } from './family';

export const llama: Family = {
  architecture: 'LlamaForCausalLM',
  parseConfig(f) {
    const bias = f.bool('attention_bias', false);
    return llamaLikeConfig(f, this.architecture, { qkvBias: bias, oBias: bias, qkNorm: false });
  },
};
