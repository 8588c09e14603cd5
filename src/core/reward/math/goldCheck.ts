// Whether a reference answer is something the verifier can grade against. A gold answer that does
// not parse makes every rollout of its prompt wrong (or, by text comparison, right only by luck), so
// the verifier reports it as 'gold-unparseable' instead of 'wrong', and curation flags the prompt.
import { compileLatexCached } from './evaluate';
import { normalizeAnswer, MAX_ANSWER_CHARS } from './normalize';
import { parseAnswer, type Answer } from './structure';

/** Why the verifier cannot use this reference answer, or undefined when it can. */
export function goldProblem(gold: string): string | undefined {
  if (gold.length > MAX_ANSWER_CHARS) return `the reference answer is longer than ${MAX_ANSWER_CHARS} characters`;
  const normalized = normalizeAnswer(gold).text;
  if (!normalized) return 'the reference answer is empty after normalisation';
  return leafProblem(parseAnswer(normalized));
}

function leafProblem(a: Answer): string | undefined {
  switch (a.kind) {
    case 'text':
      // Word answers ("Evelyn", "east", "odd") are compared as text; leftover LaTeX is not a word.
      return /\\[A-Za-z]|[{}^_]/.test(a.source) ? `"${a.source.slice(0, 60)}" is neither a value nor plain text` : undefined;
    case 'expr':
      return compiles(a.source);
    case 'relation':
      return compiles(a.lhs) ?? compiles(a.rhs);
    case 'list':
      return first(a.items);
    case 'union':
      return first(a.parts);
    case 'matrix':
      return first(a.rows.flat());
  }
}

function first(items: readonly Answer[]): string | undefined {
  for (const item of items) {
    const p = leafProblem(item);
    if (p) return p;
  }
  return undefined;
}

function compiles(latex: string): string | undefined {
  // A tuple of names on the left of an assignment, (p, q) = (3, 2), is not an expression to compile.
  if (/^\(\s*[A-Za-z](?:\s*,\s*[A-Za-z])+\s*\)$/.test(latex.trim())) return undefined;
  const r = compileLatexCached(latex);
  return r instanceof Error ? `the verifier cannot parse "${latex.slice(0, 60)}": ${r.message.slice(0, 160)}` : undefined;
}
