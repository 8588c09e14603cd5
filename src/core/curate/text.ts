// Text helpers shared by the steps: the light normalisation applied to records, and the word
// tokens that duplicate detection and n-gram decontamination compare.

const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF]/g;
const ODD_SPACES = /[\u00A0\u2000-\u200A\u202F\u205F\u3000\t]/g;

/**
 * What the model will see, cleaned: Unicode NFC (not NFKC: it would turn "x²" into "x2"), no
 * zero-width characters, one kind of space and newline, no trailing spaces, at most one blank line.
 */
export function normalizeText(text: string): string {
  return text
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(ZERO_WIDTH, '')
    .replace(ODD_SPACES, ' ')
    .replace(/ +\n/g, '\n')
    .replace(/ {2,}/g, ' ')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

const WORD = /[\p{L}\p{N}]+/gu;

/**
 * Lower-cased letter/digit runs after NFKC folding: "\frac{1}{2}" → ["frac", "1", "2"].
 * Punctuation, LaTeX braces and spacing differences do not break a match.
 */
export function matchTokens(text: string): string[] {
  return text.normalize('NFKC').toLowerCase().match(WORD) ?? [];
}

/** The text two prompts must share to be exact duplicates. */
export function matchKey(text: string): string {
  return matchTokens(text).join(' ');
}

/** Distinct n-grams of a token list, joined by spaces. Lists shorter than n yield nothing. */
export function ngrams(tokens: readonly string[], n: number): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i + n <= tokens.length; i++) out.add(tokens.slice(i, i + n).join(' '));
  return out;
}
