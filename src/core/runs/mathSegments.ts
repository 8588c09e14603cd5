// Splits model text into plain text and LaTeX math, the way a reader sees it (pure; the dashboard,
// the curator and the trainer's report.html all typeset its pieces with KaTeX): $$…$$ and \[…\] are
// display math, \(…\) and $…$ inline, and a bare \boxed{…} (models write answers that way outside
// math mode) is inline math too. Pure (no DOM): the webviews render the pieces, tests check them.
// `$` follows pandoc's rule so prices stay text: an opening `$` is followed by a non-space, a
// closing `$` is preceded by a non-space and not followed by a digit.

export type MathSegment =
  | { kind: 'text'; text: string }
  | { kind: 'math'; tex: string; display: boolean; source: string };

/** Longest formula we hand to KaTeX; past it the text stays raw (a runaway `$` is not a formula). */
const MAX_TEX = 4000;

function closingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') { i++; continue; }
    if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  return -1;
}

function findMath(text: string, from: number): { start: number; end: number; tex: string; display: boolean } | undefined {
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') {
      const next = text[i + 1];
      if (next === '[' || next === '(') {
        const close = text.indexOf(next === '[' ? '\\]' : '\\)', i + 2);
        if (close > 0 && close - i <= MAX_TEX) return { start: i, end: close + 2, tex: text.slice(i + 2, close), display: next === '[' };
      } else if (text.startsWith('\\boxed{', i)) {
        const close = closingBrace(text, i + 6);
        if (close > 0 && close - i <= MAX_TEX) return { start: i, end: close + 1, tex: text.slice(i, close + 1), display: false };
      }
      i++; // skip the escaped character (\$ is a dollar sign)
      continue;
    }
    if (c !== '$') continue;
    if (text[i + 1] === '$') {
      const close = text.indexOf('$$', i + 2);
      if (close > i + 2 && close - i <= MAX_TEX) return { start: i, end: close + 2, tex: text.slice(i + 2, close), display: true };
      i++;
      continue;
    }
    if (!text[i + 1] || /\s/.test(text[i + 1])) continue;
    for (let j = i + 1; j < text.length && j - i <= MAX_TEX; j++) {
      if (text[j] === '\\') { j++; continue; }
      if (text[j] === '\n' && text[j + 1] === '\n') break; // a paragraph break ends a runaway $
      if (text[j] !== '$') continue;
      if (/\s/.test(text[j - 1]) || /[0-9]/.test(text[j + 1] ?? '')) continue;
      return { start: i, end: j + 1, tex: text.slice(i + 1, j), display: false };
    }
  }
  return undefined;
}

export function splitMath(text: string): MathSegment[] {
  const out: MathSegment[] = [];
  let at = 0;
  for (;;) {
    const m = findMath(text, at);
    if (!m) break;
    if (m.start > at) out.push({ kind: 'text', text: text.slice(at, m.start) });
    out.push({ kind: 'math', tex: m.tex, display: m.display, source: text.slice(m.start, m.end) });
    at = m.end;
  }
  if (at < text.length) out.push({ kind: 'text', text: text.slice(at) });
  return out;
}
