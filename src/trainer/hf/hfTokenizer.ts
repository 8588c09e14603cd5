// A Hugging Face tokenizer.json (+ tokenizer_config.json) through @huggingface/tokenizers, behind the
// trainer's TextTokenizer interface. Special tokens in text ('<|im_end|>') encode to their single ids,
// as transformers does.
import fs from 'node:fs';
import path from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { UserError } from '../../core/util/userError';
import type { TextTokenizer } from '../model/textTokenizer';
import { readJsonFile } from './modelFolder';

export const TOKENIZER_FILE = 'tokenizer.json';
export const TOKENIZER_CONFIG_FILE = 'tokenizer_config.json';

/** A token in tokenizer_config.json: a string, or an AddedToken object {content, ...}. */
export function tokenText(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { content?: unknown }).content === 'string') return (value as { content: string }).content;
  return null;
}

export class HfTokenizer implements TextTokenizer {
  readonly vocabSize: number;
  readonly bosId: number | null;
  readonly eosId: number | null;
  readonly bosToken: string | null;
  readonly eosToken: string | null;

  constructor(private readonly inner: Tokenizer, readonly config: Record<string, unknown>) {
    this.vocabSize = inner.get_vocab(true).size;
    this.bosToken = tokenText(config.bos_token);
    this.eosToken = tokenText(config.eos_token);
    this.bosId = this.bosToken === null ? null : this.tokenId(this.bosToken) ?? null;
    this.eosId = this.eosToken === null ? null : this.tokenId(this.eosToken) ?? null;
  }

  /** tokenizer.json and tokenizer_config.json of a model folder (the config may be absent). */
  static fromFolder(dir: string): HfTokenizer {
    const file = path.join(dir, TOKENIZER_FILE);
    if (!fs.existsSync(file)) throw new UserError(`not found (only the fast-tokenizer format tokenizer.json is read)`, { file });
    const json = readJsonFile(file);
    const configFile = path.join(dir, TOKENIZER_CONFIG_FILE);
    const config = fs.existsSync(configFile) ? readJsonFile(configFile) : {};
    try {
      return new HfTokenizer(new Tokenizer(json, config), config);
    } catch (e) {
      throw new UserError(`cannot build the tokenizer: ${(e as Error).message.split('\n')[0]}`, { file });
    }
  }

  encode(text: string): number[] {
    return this.inner.encode(text, { add_special_tokens: false }).ids;
  }

  /** As transformers' tokenizer(text): with the special tokens its post-processor adds (a leading <bos>). */
  encodeWithSpecialTokens(text: string): number[] {
    return this.inner.encode(text).ids;
  }

  decode(ids: readonly number[]): string {
    // The library refuses an empty list; an empty response is an empty string.
    if (ids.length === 0) return '';
    return this.inner.decode([...ids], { skip_special_tokens: false, clean_up_tokenization_spaces: false });
  }

  tokenId(token: string): number | undefined {
    return this.inner.token_to_id(token);
  }
}
