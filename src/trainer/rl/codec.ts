// Text ⇄ token ids for prompts and responses: <bos> + prompt text, then the response ending with
// <eos> (the stop token). Keeps the prompt format (compact or with the recipe's instruction) in one place.
import type { PromptRecord } from '../../core/dataset/records';
import type { CharTokenizer } from '../model/tokenizer';
import { promptText } from '../tasks/prompt';

export class PromptCodec {
  constructor(readonly tokenizer: CharTokenizer, readonly compactPrompts: boolean) {}

  promptText(record: PromptRecord): string {
    return promptText(record, this.compactPrompts);
  }

  promptIds(record: PromptRecord): number[] {
    return [this.tokenizer.bosId, ...this.tokenizer.encode(this.promptText(record))];
  }

  /** A demonstration response as trained on: its text, then <eos>. */
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
