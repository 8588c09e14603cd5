// Everything a model folder gives the trainer: the policy (weights on the decoder family), the
// tokenizer, the chat template, and the ids that end a generation (generation_config.json's
// eos_token_id, the tokenizer's eos token, and the token the chat template closes a turn with).
import fs from 'node:fs';
import { UserError } from '../../core/util/userError';
import type { TransformerPolicy } from '../model/transformerPolicy';
import { ChatTemplate } from './chatTemplate';
import type { DecoderConfig } from './decoderConfig';
import { HfTokenizer } from './hfTokenizer';
import type { GenerationDefaults } from './modelFolder';
import { loadPretrainedPolicy, type PretrainedPolicyOptions } from './pretrainedPolicy';

export interface PretrainedModel {
  dir: string;
  config: DecoderConfig;
  policy: TransformerPolicy;
  tokenizer: HfTokenizer;
  chat: ChatTemplate | null;
  generation: GenerationDefaults;
  stopIds: number[];
}

export async function loadPretrainedModel(dir: string, opts: PretrainedPolicyOptions = {}): Promise<PretrainedModel> {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new UserError('not a folder (expected a Hugging Face model folder with config.json)', { file: dir });
  // Tokenizer and template first: their errors are cheap to find, the weights are not.
  const tokenizer = HfTokenizer.fromFolder(dir);
  const chat = ChatTemplate.fromFolder(dir, tokenizer);
  const { policy, folder } = await loadPretrainedPolicy(dir, opts);
  if (tokenizer.vocabSize > folder.config.vocabSize) {
    policy.dispose();
    throw new UserError(`the tokenizer has ${tokenizer.vocabSize} tokens but config.json's vocab_size is ${folder.config.vocabSize}`, { file: dir, field: 'vocab_size' });
  }
  return { dir, config: folder.config, policy, tokenizer, chat, generation: folder.generation, stopIds: stopIdsOf(tokenizer, chat, folder.generation) };
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
