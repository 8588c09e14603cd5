// The networks a Policy can run, from their JSON spec (see networkSpec.ts).
import { decoderNetwork } from '../hf/decoderNetwork';
import { withLora } from '../hf/lora';
import type { Network, NetworkSpec } from './networkSpec';
import type { PolicyConfig } from './policy';
import { initialWeights, parameterSpecs, Transformer, validateConfig } from './transformer';

export type { Network, NetworkParam, NetworkSpec } from './networkSpec';

export function gptNetwork(config: PolicyConfig): Network {
  validateConfig(config);
  return {
    spec: { kind: 'gpt' },
    policyConfig: { ...config },
    specs: parameterSpecs(config).map((s) => ({ ...s, trainable: true })),
    build: (params, ops) => new Transformer(config, params, ops),
    initialWeights: () => initialWeights(config),
  };
}

export function networkOf(config: PolicyConfig, spec: NetworkSpec = { kind: 'gpt' }): Network {
  if (spec.kind === 'gpt') return gptNetwork(config);
  const decoder = decoderNetwork(spec.config, spec.contextLength, spec.base);
  return spec.lora ? withLora(decoder, spec.lora, spec.lora.seed) : decoder;
}
