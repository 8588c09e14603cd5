// A Policy over a Hugging Face model folder: the folder's network, its weights streamed into the
// policy one tensor at a time (fp32 in memory whatever the dtype on disk), fully trainable or frozen
// under LoRA adapters. Also rebuilds such a policy from its network spec and trainable weights (a
// checkpoint, a worker replica): a LoRA policy re-reads its frozen base from the folder it names.
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { UserError } from '../../core/util/userError';
import { currentBackend, resolvePreference, selectBackend } from '../backend';
import type { DecoderNetworkSpec, Network } from '../model/networkSpec';
import { TransformerPolicy, type TransformerPolicyOptions } from '../model/transformerPolicy';
import { initialAdapterWeights, withLora, type LoraOptions } from './lora';
import type { FamilyTensor } from './families';
import { ModelFolder } from './modelFolder';

export interface PretrainedPolicyOptions extends Omit<TransformerPolicyOptions, 'network'> {
  /** Cap on prompt + response length (default: the model's max_position_embeddings). */
  contextLength?: number;
  /** LoRA adapters on the frozen model (the recipe's `model.lora`); absent: full fine-tuning. */
  lora?: LoraOptions;
  /** Seeds the adapters' A matrices (default 0). */
  loraSeed?: number;
  /** Rewrites each weight as it streams in (its file tensor, the stored layout): e.g. merging a PEFT adapter. */
  mapWeight?: (tensor: FamilyTensor, stored: Float32Array) => Float32Array;
}

export async function loadPretrainedPolicy(dir: string, opts: PretrainedPolicyOptions = {}): Promise<{ policy: TransformerPolicy; folder: ModelFolder }> {
  if (!currentBackend()) await selectBackend(resolvePreference(undefined));
  const { contextLength: wanted, lora, loraSeed, mapWeight, ...policyOpts } = opts;
  const folder = ModelFolder.open(dir);
  try {
    const contextLength = Math.min(wanted ?? folder.config.maxPositions, folder.config.maxPositions);
    let network = withBase(folder.network(contextLength), path.resolve(dir));
    if (lora) network = withLora(network, lora, loraSeed ?? 0);
    const stream = folder.weights(contextLength);
    const weights = mapWeight ? mapped(stream, folder.tensors, mapWeight) : stream;
    const policy = new TransformerPolicy(network.policyConfig, allWeights(network, weights), { ...policyOpts, network: network.spec });
    return { policy, folder };
  } finally {
    folder.close();
  }
}

/**
 * The policy of a decoder network spec with these trainable weights (a checkpoint's, or the main
 * thread's for a worker replica). Full fine-tuning: they are all the weights. LoRA: they are the
 * adapters, and the frozen base is read from `spec.base`, which must still hold the same model.
 */
export function policyForNetwork(spec: DecoderNetworkSpec, trainable: Float32Array[], opts: Omit<TransformerPolicyOptions, 'network'> = {}): TransformerPolicy {
  const config = { vocabSize: 1, contextLength: 1, layers: 1, heads: 1, width: 1, mlpRatio: 1, seed: 0 }; // unused: the spec defines the network
  if (!spec.lora) return new TransformerPolicy(config, trainable, { ...opts, network: spec });
  if (!spec.base) throw new Error('a LoRA policy without a base model folder cannot be rebuilt (its frozen weights were never read from a folder)');
  const folder = ModelFolder.open(spec.base);
  try {
    if (!isDeepStrictEqual(folder.config, spec.config)) {
      throw new UserError(`config.json no longer describes the model these LoRA adapters were trained on (${spec.config.architecture}, ${spec.config.layers} layers, width ${spec.config.hiddenSize})`, { file: path.join(spec.base, 'config.json') });
    }
    return new TransformerPolicy(config, chain(folder.weights(spec.contextLength), trainable), { ...opts, network: spec });
  } finally {
    folder.close();
  }
}

/** Records the model folder a decoder network's weights come from (a LoRA checkpoint re-reads its base there). */
function withBase(network: Network, base: string): Network {
  return network.spec.kind === 'decoder' ? { ...network, spec: { ...network.spec, base } } : network;
}

/** The folder's weights, then (LoRA) the adapters' initial values. */
function allWeights(network: Network, base: Iterable<Float32Array>): Iterable<Float32Array> {
  const spec = network.spec;
  return spec.kind === 'decoder' && spec.lora ? chain(base, initialAdapterWeights(spec.config, spec.lora)) : base;
}

function* mapped(weights: Iterable<Float32Array>, tensors: readonly FamilyTensor[], f: (tensor: FamilyTensor, stored: Float32Array) => Float32Array): Generator<Float32Array> {
  let i = 0;
  for (const w of weights) yield f(tensors[i++], w);
}

function* chain<T>(...parts: Iterable<T>[]): Generator<T> {
  for (const p of parts) yield* p;
}
