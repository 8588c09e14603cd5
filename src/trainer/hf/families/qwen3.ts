// Qwen3ForCausalLM: Llama with an RMSNorm over head_dim on each query and key head (q_norm, k_norm)
// before RoPE, and an explicit head_dim (which may differ from hidden_size / heads).
import { llamaLikeConfig } from '../decoderConfig';
import { decoderFamily } from './decoderFamily';

export const qwen3 = decoderFamily('Qwen3ForCausalLM', (f, architecture) => {
  if (f.bool('use_sliding_window', false)) f.refuse('use_sliding_window', 'sliding-window attention is not supported; set it to false');
  const bias = f.bool('attention_bias', false);
  return llamaLikeConfig(f, architecture, { qkvBias: bias, oBias: bias, qkNorm: true });
});
