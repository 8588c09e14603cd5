// Everything a model folder gives the trainer: the policy (weights on the decoder family), the
// tokenizer, the chat template, and the ids that end a generation (generation_config.json's
// eos_token_id, the tokenizer's eos token, and the token the chat template closes a turn with).
import fs from 'node:fs';
import path from 'node:path';
import type { AdapterSettings } from '../../core/model/peftAdapter';
import { UserError } from '../../core/util/userError';
import type { TransformerPolicy } from '../model/transformerPolicy';
import { PeftAdapter } from './applyAdapter';
import { ChatTemplate } from './chatTemplate';
import { transpose2d } from './decoderParams';
import type { FolderConfig } from './families';
import { HfTokenizer } from './hfTokenizer';
import { CONFIG_FILE, readDecoderConfig, type GenerationDefaults, type ModelFolder } from './modelFolder';
import { loadPretrainedPolicy, type PretrainedPolicyOptions } from './pretrainedPolicy';

export interface PretrainedModel {
  dir: string;
  config: FolderConfig;
  policy: TransformerPolicy;
  tokenizer: HfTokenizer;
  chat: ChatTemplate | null;
  generation: GenerationDefaults;
  stopIds: number[];
  /** The PEFT adapter merged into the weights at load (`--adapter DIR`), if any. */
  adapter?: AdapterSettings & { dir: string };
}

export interface PretrainedModelOptions extends PretrainedPolicyOptions {
  /** A PEFT LoRA adapter folder to merge into the weights as they load. */
  adapter?: string;
}

export async function loadPretrainedModel(dir: string, opts: PretrainedModelOptions = {}): Promise<PretrainedModel> {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new UserError('not a folder (expected a Hugging Face model folder with config.json)', { file: dir });
  // Tokenizer and template first: their errors are cheap to find, the weights are not.
  const tokenizer = HfTokenizer.fromFolder(dir);
  const chat = ChatTemplate.fromFolder(dir, tokenizer);
  const { adapter: adapterDir, ...policyOpts } = opts;
  const loaded = adapterDir ? await loadPolicyWithAdapter(dir, adapterDir, policyOpts) : { ...(await loadPretrainedPolicy(dir, policyOpts)), adapter: undefined };
  const { policy, folder } = loaded;
  if (tokenizer.vocabSize > folder.config.vocabSize) {
    policy.dispose();
    throw new UserError(`the tokenizer has ${tokenizer.vocabSize} tokens but config.json's vocab_size is ${folder.config.vocabSize}`, { file: dir, field: 'vocab_size' });
  }
  const adapter = loaded.adapter && adapterDir ? { ...loaded.adapter, dir: adapterDir } : undefined;
  return { dir, config: folder.config, policy, tokenizer, chat, generation: folder.generation, stopIds: stopIdsOf(tokenizer, chat, folder.generation), adapter };
}

/**
 * A policy over the folder's network with the adapter merged into each projection as the weights
 * stream in (never a second copy of the model). For scoring and sampling (`--adapter`): the merged
 * weights are all trainable, nothing refers back to the base folder.
 */
async function loadPolicyWithAdapter(dir: string, adapterDir: string, opts: PretrainedPolicyOptions): Promise<{ policy: TransformerPolicy; folder: ModelFolder; adapter: AdapterSettings }> {
  if (opts.lora) throw new Error('an adapter folder is merged at load; training new LoRA adapters on top of it is not supported');
  const adapter = PeftAdapter.open(adapterDir, readDecoderConfig(path.join(dir, CONFIG_FILE)));
  try {
    const { policy, folder } = await loadPretrainedPolicy(dir, {
      ...opts,
      mapWeight: (t, w) => {
        if (!adapter.adapts(t.name)) return w;
        // The adapter works in the file's [out, in] layout; the variable may be stored transposed.
        const [rows, cols] = t.fileShape;
        return t.transposed ? transpose2d(adapter.apply(t.name, transpose2d(w, cols, rows)), rows, cols) : adapter.apply(t.name, w);
      },
    });
    try {
      adapter.assertAllApplied();
    } catch (e) {
      policy.dispose();
      throw e;
    }
    return { policy, folder, adapter: adapter.settings };
  } finally {
    adapter.close();
  }
}

export function stopIdsOf(tokenizer: HfTokenizer, chat: ChatTemplate | null, generation: GenerationDefaults): number[] {
  const ids = new Set(generation.eosTokenIds);
  if (tokenizer.eosId !== null) ids.add(tokenizer.eosId);
  if (chat) {
    const end = chat.turnEndText();
    const first = end ? tokenizer.encode(end)[0] : undefined;
    // Only a token that is a whole marker by itself ('<|im_end|>'), never ordinary text like '\n'.
    if (first !== undefined && tokenizer.decode([first]).trim().length > 1 && end.startsWith(tokenizer.decode([first]))) ids.add(first);
  }
  return [...ids].sort((a, b) => a - b);
}
