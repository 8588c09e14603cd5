// The families that map onto the Llama-style decoder (../decoder.ts): they differ only in how
// their config.json reads into DecoderConfig, so a family file is its parseConfig.
import type { ConfigFields } from '../configFields';
import type { DecoderConfig } from '../decoderConfig';
import { decoderNetwork } from '../decoderNetwork';
import { decoderParams } from '../decoderParams';
import type { Family } from './family';

export function decoderFamily(architecture: string, parseConfig: (f: ConfigFields, architecture: string) => DecoderConfig): Family<DecoderConfig> {
  return {
    architecture,
    parseConfig: (f) => parseConfig(f, architecture),
    tensors: (config) => decoderParams(config),
    network: (config, contextLength) => decoderNetwork(config, contextLength),
    ignoredTensors: () => [/^model\.layers\.\d+\.self_attn\.rotary_emb\.inv_freq$/],
  };
}
