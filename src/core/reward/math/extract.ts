// Finding the final answer in a model response. The recipe's rule: the last \boxed{} (or \fbox{})
// after </think>. Fallbacks, in order, for responses without a box: "the answer is …", then the last
// inline math. Every result says how it was found, so a researcher can audit a reward.

export type ExtractionMethod = 'boxed' | 'answer-phrase' | 'last-math' | 'pred' | 'none';

export interface Extraction {
  readonly answer: string | null;
  readonly method: ExtractionMethod;
  /** Human-readable: what was found and why, or why nothing was. */
  readonly note: string;
}

export interface ExtractOptions {
  /** Only \boxed/\fbox count (the strict reward rule); no fallbacks. */
  readonly boxedOnly?: boolean;
}

/** Fallback searches only look this far back from the end: a final answer is at the end. */
const FALLBACK_WINDOW = 20_000;
/** A boxed answer longer than this is treated as unbalanced (no real final answer is that long). */
const MAX_BOX_CHARS = 20_000;
const MAX_BOXES_TRIED = 200;

export function extractAnswer(response: string, opts: ExtractOptions = {}): Extraction {
  const close = response.lastIndexOf('</think>');
  let region = response;
  let where = 'in the response';
  if (close >= 0) {
    region = response.slice(close + '</think>'.length);
    where = 'after </think>';
  } else if (response.includes('<think>')) {
    return { answer: null, method: 'none', note: 'the <think> block is never closed (truncated response?)' };
  }
  const boxed = lastBoxed(region);
  if (boxed.content !== null) {
    return { answer: boxed.content.trim(), method: 'boxed', note: `last \\${boxed.command} ${where}${boxed.skipped ? ` (${boxed.skipped} unbalanced box(es) after it ignored)` : ''}` };
  }
  if (opts.boxedOnly) return { answer: null, method: 'none', note: `no \\boxed{} ${where}` };
  const tail = region.length > FALLBACK_WINDOW ? region.slice(-FALLBACK_WINDOW) : region;
  const phrase = answerPhrase(tail);
  if (phrase) return { answer: phrase, method: 'answer-phrase', note: `no \\boxed{} ${where}; took the text after "the answer is"` };
  const math = lastInlineMath(tail);
  if (math) return { answer: math, method: 'last-math', note: `no \\boxed{} or "answer is" ${where}; took the last $…$` };
  return { answer: null, method: 'none', note: `no \\boxed{}, "answer is" or $…$ ${where}` };
}

interface BoxSearch {
  content: string | null;
  command: string;
  skipped: number;
}

/** The content of the last well-formed \boxed{…} / \fbox{…} / `\boxed 5`, searching backwards. */
export function lastBoxed(text: string): BoxSearch {
  let end = text.length;
  let skipped = 0;
  // Bounded: at most MAX_BOXES_TRIED boxes, each scanned at most MAX_BOX_CHARS, whatever the input.
  for (let guard = 0; guard < MAX_BOXES_TRIED; guard++) {
    const b = text.lastIndexOf('\\boxed', end - 1);
    const f = text.lastIndexOf('\\fbox', end - 1);
    const at = Math.max(b, f);
    if (at < 0) break;
    const command = at === b ? 'boxed' : 'fbox';
    const content = boxContent(text, at + command.length + 1);
    if (content !== null) return { content, command, skipped };
    skipped++;
    end = at;
  }
  return { content: null, command: 'boxed', skipped };
}

function boxContent(text: string, start: number): string | null {
  let i = start;
  if (/[A-Za-z]/.test(text[i] ?? '')) return null; // \boxedfoo is another command
  while (text[i] === ' ' || text[i] === '\t') i++;
  if (text[i] === '{') {
    const close = matchingBrace(text, i, MAX_BOX_CHARS);
    return close < 0 ? null : text.slice(i + 1, close);
  }
  if (i === start) return null;
  // `\boxed 5`: the token up to whitespace or the end of the math.
  const m = /^[^\s$]+/.exec(text.slice(i, i + 1000));
  return m ? m[0].replace(/[.,;]+$/, '') : null;
}

/** Index of the `}` closing the `{` at `open`, skipping escaped \{ and \}; -1 when unbalanced or further than `limit`. */
export function matchingBrace(text: string, open: number, limit = Infinity): number {
  let depth = 0;
  const end = Math.min(text.length, open + limit);
  for (let i = open; i < end; i++) {
    const c = text[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  return -1;
}

function answerPhrase(text: string): string | null {
  const re = /(?:final answer|the answer|answer)\s*(?:is|:)\s*:?\s*/gi;
  let last: RegExpExecArray | null = null;
  for (let m = re.exec(text); m; m = re.exec(text)) last = m;
  if (!last) return null;
  const rest = text.slice(last.index + last[0].length, last.index + last[0].length + 1000);
  const math = /^\$\$?([^$]+)\$\$?/.exec(rest) ?? /^\\\((.+?)\\\)/.exec(rest) ?? /^\\\[(.+?)\\\]/s.exec(rest);
  const raw = math ? math[1] : (/^(.+?)(?:\.\s|\.$|\n|$)/.exec(rest)?.[1] ?? '');
  const cleaned = raw.replace(/\*\*/g, '').trim().replace(/[.;]+$/, '').trim();
  return cleaned || null;
}

function lastInlineMath(text: string): string | null {
  const candidates: Array<[number, string]> = [];
  const dollar = /\$\$?([^$]{1,2000}?)\$\$?/g;
  for (let m = dollar.exec(text); m; m = dollar.exec(text)) candidates.push([m.index, m[1]]);
  const paren = /\\\(([\s\S]{1,2000}?)\\\)|\\\[([\s\S]{1,2000}?)\\\]/g;
  for (let m = paren.exec(text); m; m = paren.exec(text)) candidates.push([m.index, m[1] ?? m[2]]);
  if (candidates.length === 0) return null;
  candidates.sort((a, b) => a[0] - b[0]);
  const s = candidates[candidates.length - 1][1].trim();
  return s || null;
}

/** A `pred` is already the final answer, but may still be wrapped in $…$, \(…\) or \boxed{}. */
export function unwrapAnswer(pred: string): string {
  let s = pred.trim();
  for (let k = 0; k < 4; k++) {
    const before = s;
    const math = /^\$\$?([^$]*)\$\$?$/.exec(s) ?? /^\\\(([\s\S]*)\\\)$/.exec(s) ?? /^\\\[([\s\S]*)\\\]$/.exec(s);
    if (math) s = math[1].trim();
    if (s.includes('\\boxed') || s.includes('\\fbox')) {
      const boxed = lastBoxed(s);
      if (boxed.content !== null) s = boxed.content.trim();
    }
    if (s === before) break;
  }
  return s;
}
