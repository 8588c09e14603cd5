// MistralForCausalLM: the Llama network plus an optional sliding attention window. Only checkpoints
// whose window never applies (null, or at least max_position_embeddings) are accepted, because
// within that the attention is exactly Llama's.
import { llamaLikeConfig } from '../decoderConfig';
import { decoderFamily } from './decoderFamily';

export const mistral = decoderFamily('MistralForCausalLM', (f, architecture) => {
  const config = llamaLikeConfig(f, architecture, { qkvBias: false, oBias: false, qkNorm: false });
  const window = f.raw.sliding_window;
  if (window !== undefined && window !== null && !(Number.isInteger(window) && (window as number) >= config.maxPositions)) {
    f.refuse('sliding_window', `a sliding attention window (${JSON.stringify(window)}) shorter than max_position_embeddings (${config.maxPositions}) is not supported`);
  }
  return config;
});
