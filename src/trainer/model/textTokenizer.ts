// What the trainer needs from a tokenizer, whichever it is: the built-in character tokenizer
// (./tokenizer.ts) or a Hugging Face tokenizer.json (../hf/hfTokenizer.ts).
export interface TextTokenizer {
  readonly vocabSize: number;
  /** Text → ids, without adding any special token (<bos> etc.): callers add what their format needs. */
  encode(text: string): number[];
  /** Ids → text; special tokens are written out (a chat marker decodes to its own text). */
  decode(ids: readonly number[]): string;
  /** The id of a token given its exact text (special tokens: '<|im_end|>'), if it has one. */
  tokenId(token: string): number | undefined;
  readonly bosId: number | null;
  readonly eosId: number | null;
}
