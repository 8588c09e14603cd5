// Character-level tokenizer built from a corpus, saved with the checkpoint as JSON.
//
// Ids: 0 <pad>, 1 <bos>, 2 <eos>, 3 <unk>, then the "atoms", then single characters (code points)
// in sorted order. Atoms are multi-character strings of the answer format ("<think>", "</think>",
// "\boxed{", the ```python fence) encoded as ONE token each: a tiny model then spends no capacity
// spelling them, and a response's length counts reasoning, not markup. They are plain text on both
// sides — encode() finds them greedily (longest first) and decode() gives back the same text — so
// no caller needs to know they exist. The special tokens are never produced from text: a literal
// "<eos>" in a prompt is five characters.
import { z } from 'zod';
import type { TextTokenizer } from './textTokenizer';

export const PAD = '<pad>';
export const BOS = '<bos>';
export const EOS = '<eos>';
export const UNK = '<unk>';
const SPECIALS = [PAD, BOS, EOS, UNK] as const;

export const DEFAULT_ATOMS = ['<think>', '</think>', '\\boxed{', '```python\n', '```'];

const TokenizerJson = z.object({
  kind: z.literal('char'),
  version: z.literal(1),
  atoms: z.array(z.string().min(2)),
  chars: z.array(z.string().min(1).max(2)),
});
export type TokenizerJson = z.infer<typeof TokenizerJson>;

export interface TokenizerBuildOptions {
  /** Multi-character strings encoded as one token each (default DEFAULT_ATOMS). */
  atoms?: string[];
  /** Characters to include even if the corpus lacks them (e.g. all printable ASCII). */
  extraChars?: string;
}

export type UnknownPolicy = 'unk' | 'throw';

export class CharTokenizer implements TextTokenizer {
  readonly padId = 0;
  readonly bosId = 1;
  readonly eosId = 2;
  readonly unkId = 3;
  private readonly idOf = new Map<string, number>();
  private readonly textOf: string[];
  // Atoms by first character, longest first, so encoding is one pass.
  private readonly atomsByFirstChar = new Map<string, string[]>();

  private constructor(readonly atoms: string[], readonly chars: string[]) {
    this.textOf = [...SPECIALS, ...atoms, ...chars];
    this.textOf.forEach((t, i) => {
      if (i >= SPECIALS.length) {
        if (this.idOf.has(t)) throw new Error(`tokenizer: '${t}' appears twice in the vocabulary`);
        this.idOf.set(t, i);
      }
    });
    for (const a of [...atoms].sort((x, y) => y.length - x.length)) {
      const first = Array.from(a)[0];
      const list = this.atomsByFirstChar.get(first) ?? [];
      list.push(a);
      this.atomsByFirstChar.set(first, list);
    }
  }

  static fromCorpus(texts: Iterable<string>, opts: TokenizerBuildOptions = {}): CharTokenizer {
    const atoms = [...new Set(opts.atoms ?? DEFAULT_ATOMS)];
    const chars = new Set<string>();
    for (const t of texts) for (const c of t) chars.add(c);
    for (const c of opts.extraChars ?? '') chars.add(c);
    return new CharTokenizer(atoms, [...chars].sort());
  }

  static fromJSON(json: unknown, where = 'tokenizer'): CharTokenizer {
    const parsed = TokenizerJson.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`${where}: invalid tokenizer JSON at '${issue.path.join('.') || '(root)'}': ${issue.message}`);
    }
    return new CharTokenizer(parsed.data.atoms, parsed.data.chars);
  }

  toJSON(): TokenizerJson {
    return { kind: 'char', version: 1, atoms: [...this.atoms], chars: [...this.chars] };
  }

  get vocabSize(): number {
    return this.textOf.length;
  }

  /**
   * The same vocabulary as a Hugging Face tokenizer.json (WordLevel over single characters, the atoms
   * as added tokens, the four specials as special added tokens), so other tools can read it. One
   * difference: Hugging Face matches special tokens inside text, so a literal "<eos>" there encodes
   * to the <eos> id instead of five characters.
   */
  toHuggingFaceJson(): Record<string, unknown> {
    const added = (content: string, id: number, special: boolean) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special });
    return {
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: this.textOf.slice(0, SPECIALS.length + this.atoms.length).map((t, i) => added(t, i, i < SPECIALS.length)),
      normalizer: null,
      // One piece per code point (the 'u' flag keeps astral characters whole).
      pre_tokenizer: { type: 'Split', pattern: { Regex: '[\\s\\S]' }, behavior: 'Isolated', invert: false },
      post_processor: null,
      decoder: { type: 'Fuse' },
      model: { type: 'WordLevel', vocab: Object.fromEntries(this.textOf.map((t, i) => [t, i])), unk_token: UNK },
    };
  }

  /** Text → ids. Characters outside the vocabulary become <unk> (or throw, naming the character and offset). */
  encode(text: string, onUnknown: UnknownPolicy = 'unk'): number[] {
    const ids: number[] = [];
    const cps = Array.from(text);
    let i = 0;
    let offset = 0; // UTF-16 offset of cps[i], for error messages
    outer: while (i < cps.length) {
      const c = cps[i];
      for (const atom of this.atomsByFirstChar.get(c) ?? []) {
        if (text.startsWith(atom, offset)) {
          ids.push(this.idOf.get(atom)!);
          const n = Array.from(atom).length;
          for (let k = 0; k < n; k++) offset += cps[i + k].length;
          i += n;
          continue outer;
        }
      }
      const id = this.idOf.get(c);
      if (id === undefined) {
        if (onUnknown === 'throw') {
          throw new Error(`tokenizer: character ${JSON.stringify(c)} (U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}) at offset ${offset} is not in the vocabulary`);
        }
        ids.push(this.unkId);
      } else {
        ids.push(id);
      }
      offset += c.length;
      i++;
    }
    return ids;
  }

  /** Ids → text. <pad>/<bos>/<eos> decode to nothing, <unk> to U+FFFD; out-of-range ids throw. */
  decode(ids: readonly number[]): string {
    let out = '';
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (!Number.isInteger(id) || id < 0 || id >= this.textOf.length) {
        throw new Error(`tokenizer: id ${id} at position ${i} is outside the vocabulary (size ${this.textOf.length})`);
      }
      if (id === this.unkId) out += '\uFFFD';
      else if (id >= SPECIALS.length) out += this.textOf[id];
    }
    return out;
  }

  tokenId(token: string): number | undefined {
    const special = SPECIALS.indexOf(token as (typeof SPECIALS)[number]);
    return special >= 0 ? special : this.idOf.get(token);
  }

  /** The text of one token, for display ("<eos>" for the special ones). */
  tokenText(id: number): string {
    const t = this.textOf[id];
    if (t === undefined) throw new Error(`tokenizer: id ${id} is outside the vocabulary (size ${this.textOf.length})`);
    return t;
  }
}
