// A Policy over a Hugging Face model folder: the folder's decoder family, its weights streamed into
// the policy's variables one tensor at a time (fp32 in memory whatever the dtype on disk).
import { currentBackend, resolvePreference, selectBackend } from '../backend';
import { TransformerPolicy, type TransformerPolicyOptions } from '../model/transformerPolicy';
import { decoderNetwork } from './decoderNetwork';
import { ModelFolder } from './modelFolder';

export interface PretrainedPolicyOptions extends Omit<TransformerPolicyOptions, 'network'> {
  /** Cap on prompt + response length (default: the model's max_position_embeddings). */
  contextLength?: number;
}

export async function loadPretrainedPolicy(dir: string, opts: PretrainedPolicyOptions = {}): Promise<{ policy: TransformerPolicy; folder: ModelFolder }> {
  if (!currentBackend()) await selectBackend(resolvePreference(undefined));
  const folder = ModelFolder.open(dir);
  try {
    const contextLength = Math.min(opts.contextLength ?? folder.config.maxPositions, folder.config.maxPositions);
    const network = decoderNetwork(folder.config, contextLength);
    const policy = new TransformerPolicy(network.policyConfig, folder.weights(), { ...opts, network: network.spec });
    return { policy, folder };
  } finally {
    folder.close();
  }
}
