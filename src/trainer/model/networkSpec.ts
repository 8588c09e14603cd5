// Which network a Policy runs: the built-in GPT (transformer.ts) or a Hugging Face decoder family
// (../hf/), optionally with LoRA adapters (../hf/lora.ts). The spec is plain JSON, so a worker-thread
// replica and a checkpoint loader rebuild the same network from it.
import type * as TF from '@tensorflow/tfjs';
import type { Projection } from '../../core/model/projections';
import type { DecoderConfig } from '../hf/decoderConfig';
import type { CausalLM } from './causalLm';
import type { ModelOps } from './ops';
import type { PolicyConfig } from './policy';
import type { ParamSpec } from './transformer';

/** LoRA as PEFT computes it: y = W·x + (alpha / rank)·B·(A·x) on each target projection of every layer. */
export interface LoraSettings {
  rank: number;
  alpha: number;
  dropout: number;
  targets: Projection[];
  /** Seeds the adapters' A matrices (B starts at zero). */
  seed: number;
}

export interface DecoderNetworkSpec {
  kind: 'decoder';
  config: DecoderConfig;
  contextLength: number;
  /** Absolute path of the model folder the weights came from (a LoRA checkpoint re-reads its frozen base from it). */
  base?: string;
  /** Present: only the adapters train; the base weights are frozen. */
  lora?: LoraSettings;
}

export type NetworkSpec = { kind: 'gpt' } | DecoderNetworkSpec;

/** A parameter of a network; frozen ones are plain tensors (no gradient, no optimizer state). */
export interface NetworkParam extends ParamSpec {
  trainable: boolean;
}

export interface Network {
  readonly spec: NetworkSpec;
  /** Policy.config of this network. */
  readonly policyConfig: PolicyConfig;
  /** Every parameter in order (trainable and frozen), in the layout they are stored. */
  readonly specs: NetworkParam[];
  /** `params` in `specs` order: tf.Variables for trainable parameters, plain tensors for frozen ones. */
  build(params: TF.Tensor[], ops?: ModelOps): CausalLM;
  initialWeights(seed: number): Float32Array[];
}
