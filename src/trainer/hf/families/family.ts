// What a registered architecture provides: its config.json read into a small typed config, the
// tensors of the file in the order of the network's variables, and the network that runs them.
// A family may map onto any network the Policy runs (the Llama-style decoder, the built-in GPT).
import type { Network } from '../../model/networkSpec';
import type { ConfigFields } from '../configFields';
import type { FolderConfig } from '../folderConfig';

export type { FolderConfig } from '../folderConfig';

/** One variable of the network and the file tensor it is read from / written to. */
export interface FamilyTensor {
  /** transformers' tensor name of this weight. */
  name: string;
  /** The shape in the checkpoint file. */
  fileShape: number[];
  /** Stored transposed ([in, out] / [d, V]) relative to the file. */
  transposed: boolean;
  /**
   * The file tensor this variable is read from when the file shares it (a tied head reads the
   * embedding). Written back under `name`, so a saved model is untied.
   */
  readFrom?: string;
  /** Rows are positions (learned position embeddings): the network keeps the first contextLength. */
  positional?: boolean;
}

export interface Family<C extends FolderConfig = FolderConfig> {
  /** The name in config.json's `architectures`, e.g. 'Qwen2ForCausalLM'. */
  readonly architecture: string;
  /** config.json → config; refuses (naming the field) what the network does not compute. */
  parseConfig(fields: ConfigFields): C;
  /** The network's variables in order, each with its file tensor. */
  tensors(config: C): FamilyTensor[];
  /** The network over those variables, for sequences up to `contextLength` (≤ config.maxPositions). */
  network(config: C, contextLength: number): Network;
  /** File tensors the network has no use for (buffers some checkpoints carry, a tied head's copy). */
  ignoredTensors?(config: C): RegExp[];
  /**
   * transformers' base_model_prefix: a file holding the base model only (GPT-2's original
   * checkpoints: 'wte.weight', not 'transformer.wte.weight') names its tensors without it.
   */
  readonly basePrefix?: string;
}

