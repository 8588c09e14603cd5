// What every registered family's config has (families/): core's ModelShape (the sizes the memory
// estimate needs) plus what the loader and the CLI need whatever the network.
import type { ModelShape } from '../../core/model/memoryEstimate';

export interface FolderConfig extends ModelShape {
  /** The `architectures[0]` of config.json. */
  architecture: string;
  /** max_position_embeddings (n_positions): the longest sequence the model was built for. */
  maxPositions: number;
  bosTokenId: number | null;
  eosTokenIds: number[];
}
