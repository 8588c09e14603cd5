// Finding the final answer in a model response, by the extraction modes Math-Verify names:
//   boxed  the recipe's reward: the last \boxed{} (or \fbox{}) after </think>, nothing else;
//   latex  LaTeX: \boxed{} first, then math after "answer", then the last $…$ / \(…\) / \[…\];
//   expr   plain numbers and expressions in running text ("-5", "7,425,000", "28 percent", "3/4").
// Tiers are tried in order (boxed, "answer" anchor, anywhere); within a tier the candidate that ends
// last wins. Several boxes (or math spans) joined only by commas/"and"/"or" are one answer: a set.
// Every result says how it was found, so a researcher can audit a reward.
import { extractionModes, type ExtractionOptions } from './options';

export type ExtractionMethod = 'boxed' | 'answer-phrase' | 'last-math' | 'last-number' | 'pred' | 'none';

export interface Extraction {
  readonly answer: string | null;
  readonly method: ExtractionMethod;
  /** Human-readable: what was found and why, or why nothing was. */
  readonly note: string;
}

export type ExtractOptions = ExtractionOptions;

/** Fallback searches only look this far back from the end: a final answer is at the end. */
const FALLBACK_WINDOW = 20_000;
/** A boxed answer longer than this is treated as unbalanced (no real final answer is that long). */
const MAX_BOX_CHARS = 20_000;
const MAX_BOXES_TRIED = 200;
/** At most this many boxes or math spans are joined into one set answer. */
const MAX_GROUP = 12;
/** What may stand between two answers of one set: commas, "and", "or", spacing, math delimiters. */
const JOINER = /^(?:\s|,|;|\$|\\[()[\]]|\\q?quad|\\[,;:! ]|~|\\text\s*\{\s*(?:,?\s*(?:and|or)\s*)?,?\s*\}|\band\b|\bor\b)*$/i;

export function extractAnswer(response: string, opts: ExtractOptions = {}): Extraction {
  const modes = extractionModes(opts);
  const close = response.lastIndexOf('</think>');
  let region = response;
  let where = 'in the response';
  if (close >= 0) {
    region = response.slice(close + '</think>'.length);
    where = 'after </think>';
  } else if (response.includes('<think>')) {
    return none('the <think> block is never closed (truncated response?)');
  }
  const useBoxed = modes.includes('boxed') || modes.includes('latex');
  if (useBoxed) {
    const boxed = lastBoxedGroup(region);
    if (boxed.content !== null) {
      const several = boxed.count > 1 ? ` and the ${boxed.count - 1} box(es) joined to it (a set)` : '';
      return { answer: boxed.content.trim(), method: 'boxed', note: `last \\${boxed.command} ${where}${several}${boxed.skipped ? ` (${boxed.skipped} unbalanced box(es) after it ignored)` : ''}` };
    }
  }
  const latex = modes.includes('latex');
  const expr = modes.includes('expr');
  if (!latex && !expr) return none(`no \\boxed{} ${where}`);
  const tail = region.length > FALLBACK_WINDOW ? region.slice(-FALLBACK_WINDOW) : region;
  const spans = latex ? mathSpans(tail) : [];
  const anchored = afterAnswerWord(tail, spans, latex, expr);
  if (anchored) return { answer: anchored, method: 'answer-phrase', note: `no \\boxed{} ${where}; took the value after "answer"` };
  const lastMath = latex ? lastSpanGroup(tail, spans) : undefined;
  const lastNumber = expr ? lastExpression(tail, latex ? spans : []) : undefined;
  const pick = lastMath && (!lastNumber || lastMath.end >= lastNumber.end) ? lastMath : lastNumber;
  if (pick) {
    const what = pick === lastMath ? 'the last math' : 'the last number or expression';
    return { answer: pick.text, method: pick === lastMath ? 'last-math' : 'last-number', note: `no \\boxed{} or "answer" ${where}; took ${what}` };
  }
  return none(`no \\boxed{}${latex ? ', $…$' : ''}${expr ? ' or plain number' : ''} ${where}`);
}

function none(note: string): Extraction {
  return { answer: null, method: 'none', note };
}

interface BoxSearch {
  content: string | null;
  command: string;
  skipped: number;
  /** How many boxes make up the answer (more than one: a set). */
  count: number;
  /** Where the (first) box starts, and where the last one ends. */
  start: number;
}

interface Box {
  at: number;
  end: number;
  content: string;
  command: string;
}

/** The last well-formed \boxed{…} / \fbox{…} / `\boxed 5` before `end`, searching backwards. */
function boxBefore(text: string, end: number): { box?: Box; skipped: number } {
  let skipped = 0;
  // Bounded: at most MAX_BOXES_TRIED boxes, each scanned at most MAX_BOX_CHARS, whatever the input.
  for (let guard = 0; guard < MAX_BOXES_TRIED && end > 0; guard++) {
    const b = text.lastIndexOf('\\boxed', end - 1);
    const f = text.lastIndexOf('\\fbox', end - 1);
    const at = Math.max(b, f);
    if (at < 0) break;
    const command = at === b ? 'boxed' : 'fbox';
    const found = boxContent(text, at + command.length + 1);
    if (found !== null && found.end <= end) return { box: { at, end: found.end, content: found.content, command }, skipped };
    if (found === null) skipped++;
    end = at;
  }
  return { skipped };
}

/** The content of the last well-formed box. */
export function lastBoxed(text: string): BoxSearch {
  const { box, skipped } = boxBefore(text, text.length);
  return box ? { content: box.content, command: box.command, skipped, count: 1, start: box.at } : { content: null, command: 'boxed', skipped, count: 0, start: -1 };
}

/** The last box together with the boxes right before it that only commas or "and" separate (a set). */
export function lastBoxedGroup(text: string): BoxSearch {
  const last = boxBefore(text, text.length);
  if (!last.box) return { content: null, command: 'boxed', skipped: last.skipped, count: 0, start: -1 };
  const boxes = [last.box];
  while (boxes.length < MAX_GROUP) {
    const prev = boxBefore(text, boxes[0].at).box;
    if (!prev || !JOINER.test(text.slice(prev.end, boxes[0].at))) break;
    boxes.unshift(prev);
  }
  const content = boxes.length === 1 ? boxes[0].content : boxes.map((b) => b.content.trim()).join(', ');
  return { content, command: last.box.command, skipped: last.skipped, count: boxes.length, start: boxes[0].at };
}

function boxContent(text: string, start: number): { content: string; end: number } | null {
  let i = start;
  if (/[A-Za-z]/.test(text[i] ?? '')) return null; // \boxedfoo is another command
  while (text[i] === ' ' || text[i] === '\t') i++;
  if (text[i] === '{') {
    const close = matchingBrace(text, i, MAX_BOX_CHARS);
    return close < 0 ? null : { content: text.slice(i + 1, close), end: close + 1 };
  }
  if (i === start) return null;
  // `\boxed 5`: the token up to whitespace or the end of the math.
  const m = /^[^\s$]+/.exec(text.slice(i, i + 1000));
  return m ? { content: m[0].replace(/[.,;]+$/, ''), end: i + m[0].length } : null;
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

interface Span {
  start: number;
  end: number;
  text: string;
}

const MATH_SPAN = /\$\$([\s\S]{1,4000}?)\$\$|\\\[([\s\S]{1,4000}?)\\\]|(?<![\\\d])\$((?:\\\$|[^$\n]){1,2000}?)(?<!\\)\$|\\\(([\s\S]{1,2000}?)\\\)|(?<![\\A-Za-z])(\\[dt]?frac\s*\{\s*-?\d+(?:\.\d+)?\s*\}\s*\{\s*-?\d+(?:\.\d+)?\s*\})/g;

/** Every $$…$$, \[…\], $…$, \(…\) span, and bare \frac{a}{b}, in order of position. */
function mathSpans(text: string): Span[] {
  const spans: Span[] = [];
  MATH_SPAN.lastIndex = 0;
  for (let m = MATH_SPAN.exec(text); m; m = MATH_SPAN.exec(text)) {
    const inner = (m[1] ?? m[2] ?? m[3] ?? m[4] ?? m[5]).trim();
    if (inner) spans.push({ start: m.index, end: m.index + m[0].length, text: inner });
  }
  return spans;
}

/** Math spans joined only by commas or "and" (`$(2,2)$ and $(6,2)$`) ending with `spans[last]`: one set. */
function groupEndingAt(text: string, spans: Span[], last: number): Span {
  let first = last;
  while (first > 0 && last - first + 1 < MAX_GROUP && JOINER.test(text.slice(spans[first - 1].end, spans[first].start)) && /,|\band\b|\bor\b/i.test(text.slice(spans[first - 1].end, spans[first].start))) first--;
  if (first === last) return spans[last];
  return { start: spans[first].start, end: spans[last].end, text: spans.slice(first, last + 1).map((s) => s.text).join(', ') };
}

function lastSpanGroup(text: string, spans: Span[]): Span | undefined {
  return spans.length ? groupEndingAt(text, spans, spans.length - 1) : undefined;
}

// Plain numbers: thousands separators (1,234 / 1 234), decimals, a percent word; plain expressions
// must start with a digit and hold an operator (3/4, 2^10, (1+2)*3). Anchored so XDY2K is no number.
const NUMBER = String.raw`-?(?:[1-9]\d{0,2}(?:(?:,\d{3})+|(?: \d{3})+)(?!\d)(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)`;
const PERCENT = String.raw`(?:\s*(?:\\?%|percent\b|per cent\b|pct\b))?`;
const EXPRESSION = String.raw`-?\(?-?\d[\d.\s+\-*/^×÷()]*[+\-*/^×÷][\d.\s+\-*/^×÷()]*\d\)?`;
const VALUE_RE = new RegExp(String.raw`(?<=^|[\s=:(*$€£¥])(?:(${EXPRESSION})|(${NUMBER})(${PERCENT}))(?=$|[\s.,;:!?)$*]|\\?%|[A-Za-z])`, 'gi');

/** The last plain number or expression in `text`, outside the math spans given. */
function lastExpression(text: string, spans: Span[], from = 0, to = text.length): Span | undefined {
  let best: Span | undefined;
  VALUE_RE.lastIndex = from;
  const slice = text.slice(0, to);
  for (let m = VALUE_RE.exec(slice); m; m = VALUE_RE.exec(slice)) {
    const start = m.index;
    const end = start + m[0].length;
    if (m[0].length === 0) {
      VALUE_RE.lastIndex++;
      continue;
    }
    if (spans.some((s) => start < s.end && end > s.start)) continue;
    const value = m[1] ? m[1].trim() : `${m[2]}${/%|per|pct/i.test(m[3] ?? '') ? '\\%' : ''}`;
    const trimmed = value.replace(/[\s.]+$/, '');
    if (m[1] && !balanced(trimmed)) continue;
    best = { start, end, text: trimmed };
  }
  return best;
}

function balanced(s: string): boolean {
  let d = 0;
  for (const c of s) {
    if (c === '(') d++;
    else if (c === ')' && --d < 0) return false;
  }
  return d === 0;
}

const ANSWER_WORD = /\b(?:final answer|answer)\b/gi;

/** The value right after the last "answer" ("The final answer is $\frac12$", "Answer: 34"), in its sentence. */
function afterAnswerWord(text: string, spans: Span[], latex: boolean, expr: boolean): string | undefined {
  let last: RegExpExecArray | null = null;
  ANSWER_WORD.lastIndex = 0;
  for (let m = ANSWER_WORD.exec(text); m; m = ANSWER_WORD.exec(text)) last = m;
  if (!last) return undefined;
  const from = last.index + last[0].length;
  const end = sentenceEnd(text, from, spans);
  const candidates: Span[] = [];
  if (latex) {
    const i = spans.findIndex((s) => s.start >= from && s.end <= end);
    if (i >= 0) {
      // A lone variable ("the largest $n$ is 34") names the answer; it is not the answer.
      let j = i;
      while (j < spans.length - 1 && spans[j + 1].end <= end && isBareName(spans[j].text)) j++;
      const group = groupEndingAt(text, spans, j);
      let k = j;
      while (k + 1 < spans.length && spans[k + 1].end <= end && JOINER.test(text.slice(spans[k].end, spans[k + 1].start))) k++;
      candidates.push(k > j ? { start: group.start, end: spans[k].end, text: spans.slice(j, k + 1).map((s) => s.text).join(', ') } : group);
    }
  }
  if (expr) {
    const window = text.slice(from, end);
    const eq = window.lastIndexOf('=');
    const v = lastExpression(text, latex ? spans : [], eq >= 0 ? from + eq : from, end);
    const firstV = eq >= 0 ? v : firstExpression(text, latex ? spans : [], from, end);
    if (firstV) candidates.push(firstV);
  }
  const good = candidates.filter((c) => !isBareName(c.text));
  const pool = good.length ? good : candidates;
  if (pool.length === 0) return undefined;
  return pool.reduce((a, b) => (b.end > a.end ? b : a)).text;
}

function firstExpression(text: string, spans: Span[], from: number, to: number): Span | undefined {
  VALUE_RE.lastIndex = from;
  const slice = text.slice(0, to);
  for (let m = VALUE_RE.exec(slice); m; m = VALUE_RE.exec(slice)) {
    if (m[0].length === 0) {
      VALUE_RE.lastIndex++;
      continue;
    }
    const start = m.index, end = start + m[0].length;
    if (spans.some((s) => start < s.end && end > s.start)) continue;
    const value = m[1] ? m[1].trim() : `${m[2]}${/%|per|pct/i.test(m[3] ?? '') ? '\\%' : ''}`;
    if (m[1] && !balanced(value)) continue;
    return { start, end, text: value.replace(/[\s.]+$/, '') };
  }
  return undefined;
}

/** The end of the sentence that starts at `from`: a full stop before a space or the end, or a line break, outside math. */
function sentenceEnd(text: string, from: number, spans: Span[]): number {
  const limit = Math.min(text.length, from + 300);
  for (let i = from; i < limit; i++) {
    const inSpan = spans.find((s) => i >= s.start && i < s.end);
    if (inSpan) {
      i = inSpan.end - 1;
      continue;
    }
    const c = text[i];
    if (c === '\n' && (text[i + 1] === '\n' || i > from + 2)) return i;
    if (c === '.' && (i + 1 >= text.length || /\s/.test(text[i + 1]))) return i;
  }
  return limit;
}

function isBareName(s: string): boolean {
  return /^(?:[A-Za-z]|\\[A-Za-z]+)(?:_\{?\w+\}?)?$/.test(s.trim());
}

/**
 * Whether a given final answer can be compared as it is. Prose around it ("The largest $n$ is 34",
 * "Final answer: 12") calls for extraction first; bare values, lists and text answers do not.
 */
export function looksLikeBareAnswer(pred: string): boolean {
  if (/(?<!\\)\$|\\\(|\\\[/.test(pred)) return false;
  if (/\banswer\b/i.test(pred)) return false;
  const words = pred
    .replace(/\\(?:begin|end)\s*\{[^{}]*\}(?:\s*\{[lcr|\s]*\})?/g, ' ')
    .replace(/\\text\s*\{[^{}]*\}/g, ' ')
    .replace(/\\[A-Za-z]+/g, ' ')
    .match(/[A-Za-z]{2,}/g) ?? [];
  return words.length < 2 || !/\d/.test(pred);
}

/** A `pred` is already the final answer, but may still be wrapped in $…$, \(…\) or \boxed{} (several boxes: a set). */
export function unwrapAnswer(pred: string): string {
  let s = pred.trim();
  for (let k = 0; k < 4; k++) {
    const before = s;
    const math = /^\$\$?([^$]*)\$\$?$/.exec(s) ?? /^\\\(([\s\S]*)\\\)$/.exec(s) ?? /^\\\[([\s\S]*)\\\]$/.exec(s);
    if (math) s = math[1].trim();
    if (s.includes('\\boxed') || s.includes('\\fbox')) {
      const boxed = lastBoxedGroup(s);
      if (boxed.content !== null) s = boxed.content.trim();
    }
    if (s === before) break;
  }
  return s;
}
