// Splits a normalised answer into the shape that decides how it is compared: text, a single
// expression, a relation (x = 3, 3x - y + 13 = 0, x > 2), a bracketed or bare list (tuple, set,
// interval, list of solutions), a union of intervals, or a matrix.
import { matchingBrace } from './extract';

export type Answer =
  | { readonly kind: 'text'; readonly source: string }
  | { readonly kind: 'expr'; readonly source: string }
  /** chain: `a = b = c` kept as a = c (the working in between is not compared). */
  | { readonly kind: 'relation'; readonly source: string; readonly op: RelationOp; readonly lhs: string; readonly rhs: string; readonly chain?: boolean }
  /** fromRelation: an interval written as a double inequality (2 < x \le 5). */
  | { readonly kind: 'list'; readonly source: string; readonly open: string; readonly close: string; readonly items: readonly Answer[]; readonly fromRelation?: boolean }
  | { readonly kind: 'union'; readonly source: string; readonly parts: readonly Answer[] }
  | { readonly kind: 'matrix'; readonly source: string; readonly rows: readonly (readonly Answer[])[] };

export type RelationOp = '=' | '<' | '<=' | '!=';

const RELATIONS: Array<[RegExp, RelationOp, boolean]> = [
  // [pattern at a position, normalised op, swap sides (a > b becomes b < a)]
  [/^\\(?:leq?slant|leq|le)(?![A-Za-z])/, '<=', false],
  [/^\\(?:geq?slant|geq|ge)(?![A-Za-z])/, '<=', true],
  [/^\\(?:neq|ne)(?![A-Za-z])/, '!=', false],
  [/^\\lt(?![A-Za-z])/, '<', false],
  [/^\\gt(?![A-Za-z])/, '<', true],
  [/^<=|^≤/, '<=', false],
  [/^>=|^≥/, '<=', true],
  [/^!=|^≠/, '!=', false],
  [/^</, '<', false],
  [/^>/, '<', true],
  [/^=/, '=', false],
];

const MAX_ITEMS = 200;

/** Splits `s` at top-level occurrences of `sep` (a function telling the separator length at i, or 0). */
function splitTopLevel(s: string, sepAt: (s: string, i: number) => number): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') {
      if (s[i + 1] === '{') depth++;
      else if (s[i + 1] === '}') depth--;
      else if (s.startsWith('\\begin', i)) depth++;
      else if (s.startsWith('\\end', i)) depth--;
      else if (s.startsWith('\\langle', i)) depth++;
      else if (s.startsWith('\\rangle', i)) depth--;
      if (depth === 0) {
        const n = sepAt(s, i);
        if (n > 0) {
          parts.push(s.slice(start, i));
          start = i + n;
          i += n - 1;
          continue;
        }
      }
      i++;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (depth === 0) {
      const n = sepAt(s, i);
      if (n > 0) {
        parts.push(s.slice(start, i));
        start = i + n;
        i += n - 1;
      }
    }
  }
  parts.push(s.slice(start));
  return parts;
}

const OPENERS: Array<[string, string]> = [['\\{', '{'], ['\\langle', '('], ['(', '('], ['[', '[']];
const CLOSERS: Array<[string, string]> = [['\\}', '}'], ['\\rangle', ')'], [')', ')'], [']', ']']];

/** If the whole of `s` is one bracketed group, its brackets (normalised) and inside; else undefined. */
function outerBrackets(s: string): { open: string; close: string; inner: string } | undefined {
  const opener = OPENERS.find(([t]) => s.startsWith(t));
  const closer = CLOSERS.find(([t]) => s.endsWith(t));
  if (!opener || !closer) return undefined;
  const inner = s.slice(opener[0].length, s.length - closer[0].length);
  // The opening bracket must close at the very end: check the inside is balanced on its own.
  let depth = 0;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (c === '\\') {
      if (inner[i + 1] === '{' || inner.startsWith('\\langle', i)) depth++;
      if (inner[i + 1] === '}' || inner.startsWith('\\rangle', i)) depth--;
      i++;
    } else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    if (depth < 0) return undefined;
  }
  if (depth !== 0) return undefined;
  return { open: opener[1], close: closer[1], inner: inner.trim() };
}

export function parseAnswer(s: string, depth = 0): Answer {
  s = s.trim();
  if (depth > 8 || s.length === 0) return { kind: 'text', source: s };
  while (s.startsWith('{') && s[0] === '{' && matchingBrace(s, 0) === s.length - 1) s = s.slice(1, -1).trim();

  // 1:3 (a ratio) and 4:51:06 (a time): parts in order, marked by ':' as their bracket.
  const ratio = splitTopLevel(s, (t, i) => (t[i] === ':' ? 1 : 0)).map((x) => x.trim());
  if (ratio.length > 1 && ratio.length <= 4 && ratio.every((x) => x !== '' && !/[,;]/.test(x))) {
    return { kind: 'list', source: s, open: ':', close: ':', items: ratio.map((p) => parseAnswer(p, depth + 1)) };
  }

  const union = splitTopLevel(s, (t, i) => (/^\\cup(?![A-Za-z])/.test(t.slice(i, i + 5)) ? 4 : t[i] === '∪' ? 1 : 0));
  if (union.length > 1) return { kind: 'union', source: s, parts: union.slice(0, MAX_ITEMS).map((p) => parseAnswer(p, depth + 1)) };

  // [\begin{array}{cc}…\end{array}] (what \left[ … \right] leaves) is the same matrix as pmatrix.
  const bracketed = /^[[(]\s*(\\begin\{([pbvBV]?matrix|array|smallmatrix)\}[\s\S]*\\end\{\2\})\s*[\])]$/.exec(s);
  if (bracketed) s = bracketed[1];
  const matrix = /^\\begin\{([pbvBV]?matrix|array|smallmatrix)\}(?:\{[^}]*\})?([\s\S]*)\\end\{\1\}$/.exec(s);
  if (matrix) {
    const rows = splitTopLevel(matrix[2], (t, i) => (t.startsWith('\\\\', i) ? 2 : 0)).map((r) => r.trim()).filter((r) => r.length > 0);
    return {
      kind: 'matrix',
      source: s,
      rows: rows.slice(0, MAX_ITEMS).map((r) => splitTopLevel(r, (t, i) => (t[i] === '&' ? 1 : 0)).map((c) => parseAnswer(c, depth + 1))),
    };
  }

  if (/^-?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/.test(s) || /^-?\d{1,3}(?: \d{3})+(?:\.\d+)?$/.test(s)) return { kind: 'expr', source: s.replace(/[, ]/g, '') };

  const brackets = outerBrackets(s);
  if (brackets) {
    const items = splitTopLevel(brackets.inner, (t, i) => (t[i] === ',' || t[i] === ';' ? 1 : 0));
    if (items.length > 1 || brackets.open === '{') {
      const parsed = brackets.inner === '' ? [] : items.slice(0, MAX_ITEMS).map((p) => parseAnswer(p, depth + 1));
      return { kind: 'list', source: s, open: brackets.open, close: brackets.close, items: parsed };
    }
  }

  const items = splitTopLevel(s, (t, i) => (t[i] === ',' || t[i] === ';' ? 1 : 0)).filter((p) => p.trim() !== '');
  if (items.length > 1) return { kind: 'list', source: s, open: '', close: '', items: items.slice(0, MAX_ITEMS).map((p) => parseAnswer(p, depth + 1)) };

  const pm = splitTopLevel(s, (t, i) => (/^\\(?:pm|mp)(?![A-Za-z])/.test(t.slice(i, i + 4)) ? 3 : t[i] === '±' ? 1 : 0));
  if (pm.length === 2) {
    const [a, b] = pm;
    const left = a.trim() === '' ? '' : `${a}`;
    return {
      kind: 'list', source: s, open: '', close: '',
      items: [parseAnswer(`${left}+(${b})`, depth + 1), parseAnswer(`${left}-(${b})`, depth + 1)],
    };
  }

  const ops: Array<{ op: RelationOp; swap: boolean }> = [];
  const sides = splitTopLevel(s, (t, i) => {
    const rest = t.slice(i, i + 12);
    for (const [re, op, swap] of RELATIONS) {
      const m = re.exec(rest);
      if (m) {
        ops.push({ op, swap });
        return m[0].length;
      }
    }
    return 0;
  }).map((x) => x.trim());
  if (ops.length === 1 && sides[0] && sides[1]) {
    const [{ op, swap }] = ops;
    return { kind: 'relation', source: s, op, lhs: swap ? sides[1] : sides[0], rhs: swap ? sides[0] : sides[1] };
  }
  if (ops.length === 2 && isNamedValue(sides[1]) && ops.every((o) => o.op !== '=' && o.op !== '!=') && ops[0].swap === ops[1].swap) {
    // 2 < x \le 5 is the interval (2, 5]; 5 \ge x > 2 too.
    const [lo, hi, loOp, hiOp] = ops[0].swap ? [sides[2], sides[0], ops[1].op, ops[0].op] : [sides[0], sides[2], ops[0].op, ops[1].op];
    return { ...interval(s, lo, loOp === '<' ? '(' : '[', hi, hiOp === '<' ? ')' : ']', depth), fromRelation: true } as Answer;
  }
  if (ops.length > 1 && ops.every((o) => o.op === '=') && sides.every((x) => x !== '')) {
    // x = 5+5+1 = 11: a chain of working; the answer is its last right-hand side.
    return { kind: 'relation', source: s, op: '=', lhs: sides[0], rhs: sides[sides.length - 1], chain: true };
  }
  if (ops.length > 1) return { kind: 'text', source: s };

  return looksLikeText(s) ? { kind: 'text', source: s } : { kind: 'expr', source: s };
}

function interval(source: string, lo: string, open: string, hi: string, close: string, depth: number): Answer {
  return { kind: 'list', source, open, close, items: [parseAnswer(lo, depth + 1), parseAnswer(hi, depth + 1)] };
}

/** x < 3 as an interval, when one side is a variable and the other a value: (-\infty, 3). */
export function relationAsInterval(rel: Extract<Answer, { kind: 'relation' }>): Answer | undefined {
  if (rel.op !== '<' && rel.op !== '<=') return undefined;
  const closing = rel.op === '<' ? ')' : ']';
  const opening = rel.op === '<' ? '(' : '[';
  if (isNamedValue(rel.lhs) && !isNamedValue(rel.rhs)) return { ...interval(rel.source, '-\\infty', '(', rel.rhs, closing, 0), fromRelation: true } as Answer;
  if (isNamedValue(rel.rhs) && !isNamedValue(rel.lhs)) return { ...interval(rel.source, rel.lhs, opening, '\\infty', ')', 0), fromRelation: true } as Answer;
  return undefined;
}

/** `x`, `y_1`, `\alpha`, `f(x)`: a name whose "name = value" form can be compared by its value. */
export function isNamedValue(lhs: string): boolean {
  return NAMED_VALUE.test(lhs.trim()) || NAMED_TUPLE.test(lhs.trim());
}

const NAME = String.raw`(?:[A-Za-z]|\\[A-Za-z]+)(?:_\{?[A-Za-z0-9]+\}?)?(?:\^\{?-1\}?)?'*`;
const NAMED_VALUE = new RegExp(String.raw`^${NAME}(?:\s*\(\s*[A-Za-z](?:\s*,\s*[A-Za-z])*\s*\))?$`);
/** (x, y) = (5, 8): a tuple of names, assigned a tuple of values. */
const NAMED_TUPLE = new RegExp(String.raw`^\(\s*${NAME}(?:\s*,\s*${NAME})+\s*\)$`);

/** The name being assigned, spelled canonically (for strict comparison of `x = 3` and `y = 3`). */
export function canonicalName(lhs: string): string {
  return lhs.replace(/\s+/g, '').replace(/\{(\w+)\}/g, '$1');
}

const MATH_WORDS = /^(?:arcsin|arccos|arctan|sinh|cosh|tanh|sqrt|sin|cos|tan|sec|csc|cot|log|exp|ln|pi|infty|frac|binom|cdot|times|div|text|mathrm|operatorname|alpha|beta|gamma|delta|theta|lambda|sigma|omega|phi|varphi|epsilon|varepsilon|rho|tau|mu|nu|xi|zeta|eta|kappa|psi|chi|iota|lfloor|rfloor|lceil|rceil|lvert|rvert|vert)$/;

/** Words of three or more letters that are not LaTeX commands or function names mean prose (Evelyn, odd, east). */
function looksLikeText(s: string): boolean {
  const words = s.replace(/\\[A-Za-z]+/g, ' ').match(/[A-Za-z]{3,}/g) ?? [];
  return words.some((w) => !MATH_WORDS.test(w));
}
