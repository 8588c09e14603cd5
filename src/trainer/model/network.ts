// The networks a Policy can run, from their JSON spec (see networkSpec.ts).
import { decoderNetwork } from '../hf/decoderNetwork';
import type { Network, NetworkSpec } from './networkSpec';
import type { PolicyConfig } from './policy';
import { initialWeights, parameterSpecs, Transformer, validateConfig } from './transformer';

export type { Network, NetworkSpec } from './networkSpec';

export function gptNetwork(config: PolicyConfig): Network {
  validateConfig(config);
  return {
    spec: { kind: 'gpt' },
    policyConfig: { ...config },
    specs: parameterSpecs(config),
    build: (params, ops) => new Transformer(config, params, ops),
    initialWeights: () => initialWeights(config),
  };
}

export function networkOf(config: PolicyConfig, spec: NetworkSpec = { kind: 'gpt' }): Network {
  return spec.kind === 'gpt' ? gptNetwork(config) : decoderNetwork(spec.config, spec.contextLength);
}
