// A model folder as transformers' save_pretrained lays it out, so transformers, vLLM, verl and our
// own loader read it: config.json and generation_config.json (json.dumps(indent=2, sort_keys=True)),
// the weights (model.safetensors, or shards past the budget with model.safetensors.index.json) and
// the tokenizer files copied byte for byte from the base model. The folder appears whole or not at all.
import fs from 'node:fs';
import path from 'node:path';
import { publishDirAtomic } from '../util/atomic';
import { sortedJson, writeModelWeights, type ShardPlan, type TensorSource, type TensorSpec, type WriteDtype } from './safetensorsWriter';

/** What a folder needs beside its weights; tokenizer files that are absent in the base folder are skipped. */
export const TOKENIZER_FILES = ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'chat_template.jinja', 'vocab.json', 'merges.txt'] as const;

const TORCH_DTYPE: Record<WriteDtype, string> = { F32: 'float32', F16: 'float16', BF16: 'bfloat16' };

export interface HfFolderContents {
  /** config.json of the base model; torch_dtype is set to the dtype the weights are written in. */
  config: Record<string, unknown>;
  generationConfig?: Record<string, unknown>;
  /** Folder to copy the tokenizer files from (the base model's). */
  tokenizerFrom?: string;
}

export function writeHfModelFolder(dir: string, contents: HfFolderContents, specs: readonly TensorSpec[], source: TensorSource, dtype: WriteDtype, maxShardBytes = 2_000_000_000): ShardPlan {
  let plan: ShardPlan | undefined;
  publishDirAtomic(dir, (tmp) => {
    plan = writeModelWeights(tmp, specs, source, dtype, maxShardBytes);
    fs.writeFileSync(path.join(tmp, 'config.json'), sortedJson({ ...contents.config, torch_dtype: TORCH_DTYPE[dtype] }) + '\n');
    if (contents.generationConfig) fs.writeFileSync(path.join(tmp, 'generation_config.json'), sortedJson(contents.generationConfig) + '\n');
    if (contents.tokenizerFrom) {
      for (const f of TOKENIZER_FILES) {
        const from = path.join(contents.tokenizerFrom, f);
        if (fs.existsSync(from)) fs.copyFileSync(from, path.join(tmp, f));
      }
    }
  });
  return plan!;
}
