// Which network a Policy runs: the built-in GPT (transformer.ts) or a Hugging Face decoder family
// (../hf/). The spec is plain JSON, so a worker-thread replica rebuilds the same network from it.
import type * as TF from '@tensorflow/tfjs';
import type { DecoderConfig } from '../hf/decoderConfig';
import type { CausalLM } from './causalLm';
import type { ModelOps } from './ops';
import type { PolicyConfig } from './policy';
import type { ParamSpec } from './transformer';

export type NetworkSpec = { kind: 'gpt' } | { kind: 'decoder'; config: DecoderConfig; contextLength: number };

export interface Network {
  readonly spec: NetworkSpec;
  /** Policy.config of this network. */
  readonly policyConfig: PolicyConfig;
  /** Variables in order, in the layout they are stored. */
  readonly specs: ParamSpec[];
  build(params: TF.Tensor[], ops?: ModelOps): CausalLM;
  initialWeights(seed: number): Float32Array[];
}
