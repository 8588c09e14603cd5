// LlamaForCausalLM (transformers' modeling_llama): RMSNorm, RoPE (default or Llama 3 scaling),
// grouped-query attention, SwiGLU; `attention_bias` adds biases to q/k/v/o.
import { llamaLikeConfig } from '../decoderConfig';
import { decoderFamily } from './decoderFamily';

export const llama = decoderFamily('LlamaForCausalLM', (f, architecture) => {
  const bias = f.bool('attention_bias', false);
  return llamaLikeConfig(f, architecture, { qkvBias: bias, oBias: bias, qkNorm: false });
});
