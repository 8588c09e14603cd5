// Qwen2ForCausalLM (Qwen2, Qwen2.5, DeepSeek-R1-Distill-Qwen): Llama with biases on q/k/v (always,
// no config flag) and none on o. Its sliding window is off unless use_sliding_window is set.
import { llamaLikeConfig } from '../decoderConfig';
import { decoderFamily } from './decoderFamily';

export const qwen2 = decoderFamily('Qwen2ForCausalLM', (f, architecture) => {
  if (f.bool('use_sliding_window', false)) f.refuse('use_sliding_window', 'sliding-window attention is not supported; set it to false');
  return llamaLikeConfig(f, architecture, { qkvBias: true, oBias: false, qkNorm: false });
});
