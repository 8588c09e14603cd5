// Text ⇄ token ids for prompts and responses, whatever the model: the RL loop, the SFT warm-up and
// evaluation see only this interface. Two implementations: CharPromptCodec below (the built-in
// character model's own format while it is trained from scratch) and ChatPromptCodec (../hf/, a
// model folder's tokenizer and chat template — every model the RL stages load from a folder).
import type { PromptRecord } from '../../core/dataset/records';
import type { CharTokenizer } from '../model/tokenizer';
import { promptText } from '../tasks/prompt';

export interface PromptCodec {
  /** The prompt as the model sees it (for samples and reports). */
  promptText(record: PromptRecord): string;
  promptIds(record: PromptRecord): number[];
  /** A demonstration response as trained on: its tokens, then the stop token. */
  responseIds(text: string): number[];
  /** A generated response as text (the stop token dropped). */
  responseText(ids: readonly number[]): string;
  readonly stopTokens: number[];
}

/** <bos> + prompt text, then the response ending with <eos> (the stop token). */
export class CharPromptCodec implements PromptCodec {
  constructor(readonly tokenizer: CharTokenizer, readonly compactPrompts: boolean) {}

  promptText(record: PromptRecord): string {
    return promptText(record, this.compactPrompts);
  }

  promptIds(record: PromptRecord): number[] {
    return [this.tokenizer.bosId, ...this.tokenizer.encode(this.promptText(record))];
  }

  responseIds(text: string): number[] {
    return [...this.tokenizer.encode(text), this.tokenizer.eosId];
  }

  responseText(ids: readonly number[]): string {
    return this.tokenizer.decode(ids);
  }

  get stopTokens(): number[] {
    return [this.tokenizer.eosId];
  }
}
