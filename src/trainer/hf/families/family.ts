// What a registered architecture provides: its config.json read into the shared DecoderConfig.
import type { ConfigFields, DecoderConfig } from '../decoderConfig';

export interface Family {
  /** The name in config.json's `architectures`, e.g. 'Qwen2ForCausalLM'. */
  readonly architecture: string;
  parseConfig(fields: ConfigFields): DecoderConfig;
}
