// The first line that ties a solution document to a problem:
//   # acereason: problem=<id> dataset=<path>        (Python, Markdown)
//   // acereason: problem=<id> dataset=<path>       (JavaScript)
//   <!-- acereason: problem=<id> dataset=<path> --> (Markdown, invisible when rendered)
// Values may be double-quoted ("a path with spaces"); inside quotes \" is a quote, \\ a backslash and
// \> a '>'; any other backslash is itself (so a hand-written "C:\My Files\set.jsonl" means what it says).
// `formatSolutionHeader` is the only writer and `parseSolutionHeader` the only reader: the dashboard's
// sample documents and the CodeLens meet here.
import { UserError } from '../util/userError';

export interface SolutionHeader {
  problemId: string;
  /** As written: absolute, or relative to the workspace folder (or the document's folder). */
  dataset: string;
}

export type HeaderParse =
  | { kind: 'none' }
  | { kind: 'ok'; header: SolutionHeader }
  | { kind: 'invalid'; error: string };

const PREFIX = /^\s*(?:#|\/\/|<!--)\s*acereason:\s*(.*?)\s*(?:-->)?\s*$/i;
const KNOWN = new Set(['problem', 'dataset']);
/** Characters a backslash escapes inside quotes (`>` so that `--\>` can stand in an HTML comment). */
const ESCAPED = new Set(['"', '\\', '>']);

export function parseSolutionHeader(firstLine: string): HeaderParse {
  const m = PREFIX.exec(firstLine.replace(/^\uFEFF/, ''));
  if (!m) return { kind: 'none' };
  const fields = new Map<string, string>();
  const body = m[1];
  let i = 0;
  while (i < body.length) {
    while (body[i] === ' ' || body[i] === '\t') i++;
    if (i >= body.length) break;
    const eq = body.indexOf('=', i);
    const key = eq < 0 ? body.slice(i).split(/\s/)[0] : body.slice(i, eq);
    if (eq < 0 || /\s/.test(key) || !key) return { kind: 'invalid', error: `acereason header: expected key=value at column ${i + 1}, got '${key}'` };
    i = eq + 1;
    let value = '';
    if (body[i] === '"') {
      i++;
      let closed = false;
      while (i < body.length) {
        const c = body[i];
        if (c === '\\' && ESCAPED.has(body[i + 1])) { value += body[i + 1]; i += 2; continue; }
        if (c === '"') { closed = true; i++; break; }
        value += c;
        i++;
      }
      if (!closed) return { kind: 'invalid', error: `acereason header: unterminated quote in '${key}'` };
    } else {
      const end = body.slice(i).search(/\s/);
      value = end < 0 ? body.slice(i) : body.slice(i, i + end);
      i = end < 0 ? body.length : i + end;
    }
    if (!KNOWN.has(key)) return { kind: 'invalid', error: `acereason header: unknown field '${key}' (expected problem= and dataset=)` };
    if (fields.has(key)) return { kind: 'invalid', error: `acereason header: '${key}' given twice` };
    fields.set(key, value);
  }
  const problemId = fields.get('problem');
  const dataset = fields.get('dataset');
  if (!problemId) return { kind: 'invalid', error: "acereason header: missing problem=<id>" };
  if (!dataset) return { kind: 'invalid', error: "acereason header: missing dataset=<path>" };
  return { kind: 'ok', header: { problemId, dataset } };
}

export type HeaderComment = '#' | '//' | '<!--';

/**
 * The header line for a problem (the dashboard writes these), quoting values that need it. In the
 * HTML-comment form a `-->` inside a value is written `--\>`, so it cannot end the comment early.
 */
export function formatSolutionHeader(h: SolutionHeader, comment: HeaderComment = '#'): string {
  for (const [field, v] of [['problem', h.problemId], ['dataset', h.dataset]] as const) {
    if (/[\r\n]/.test(v)) throw new UserError(`a ${field} with a line break cannot go in a one-line acereason header: ${JSON.stringify(v.slice(0, 200))}`);
  }
  const q = (v: string) => {
    if (!/[\s"\\]|-->/.test(v) && v !== '') return v;
    const escaped = v.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
    return `"${comment === '<!--' ? escaped.replace(/-->/g, '--\\>') : escaped}"`;
  };
  const body = `acereason: problem=${q(h.problemId)} dataset=${q(h.dataset)}`;
  return comment === '<!--' ? `<!-- ${body} -->` : `${comment} ${body}`;
}
