// The first line that ties a solution document to a problem:
//   # acereason: problem=<id> dataset=<path>        (Python, Markdown)
//   // acereason: problem=<id> dataset=<path>       (JavaScript)
//   <!-- acereason: problem=<id> dataset=<path> --> (Markdown, invisible when rendered)
// Values may be double-quoted ("a path with spaces"), with \" and \\ escapes inside the quotes.

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
        if (c === '\\' && i + 1 < body.length) { value += body[i + 1]; i += 2; continue; }
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

/** The header line for a problem, quoting values that need it (the dashboard writes these). */
export function formatSolutionHeader(h: SolutionHeader, comment: '#' | '//' = '#'): string {
  const q = (v: string) => (/[\s"\\]/.test(v) || v === '' ? `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"` : v);
  return `${comment} acereason: problem=${q(h.problemId)} dataset=${q(h.dataset)}`;
}
