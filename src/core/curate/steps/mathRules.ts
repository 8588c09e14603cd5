// The recipe's math exclusions: multiple-choice, true/false, multi-part, proofs, figure-dependent,
// non-English, very short prompts, and answers too long or too complex to verify by rule.
import type { MathRecord } from '../../dataset/records';
import { normalizeAnswer } from '../../reward/math/normalize';
import { matchTokens } from '../text';
import type { CurationStep } from '../step';
import { NON_ENGLISH_SHARE, applyRules, nonLatinLetterShare, proseOnly, type ExclusionRule } from './rule';

export const DEFAULT_MIN_PROBLEM_TOKENS = 5;
export const DEFAULT_MAX_ANSWER_CHARS = 60;

const CHOICE_LABELS = [
  /\\textbf\s*\{\s*\(A\)[\s\S]*\\textbf\s*\{\s*\(B\)/, // AMC: $\textbf{(A) }5 \qquad \textbf{(B) }6$
  /(^|\s)\(A\)\s*\S[\s\S]*\s\(B\)\s*\S[\s\S]*\s\(C\)\s*\S/, // (A) … (B) … (C) …
  /(^|\n)\s*A[.)]\s+\S.*\n\s*B[.)]\s+\S.*\n\s*C[.)]\s+\S/, // A. …\nB. …\nC. …
  /\b(which of the following|answer choices|choose the correct)\b/i,
];
// Sub-question markers: (a) (b), (i) (ii), (1) (2), "1." "2." at line starts, "Part 1".
const PART_MARKER = /(?:^|\s)\((?:[a-e]|i{1,3}|iv|[1-5])\)\s|(?:^|\n)\s*[1-5][.)]\s|\bpart\s*\(?(?:[a-c]|[1-3]|i{1,3})\)?[:.]?\s/gi;
const ASKS = /\?|\b(find|determine|compute|calculate|evaluate|prove|show|what|how many|which)\b/i;

/** Several marked parts that each ask something (a list of conditions is one question, not several). */
function subQuestionCount(prose: string): number {
  const starts = [...prose.matchAll(PART_MARKER)].map((m) => m.index ?? 0);
  if (starts.length < 2) return 0;
  let asking = 0;
  for (let k = 0; k < starts.length; k++) {
    const part = prose.slice(starts[k], k + 1 < starts.length ? starts[k + 1] : prose.length);
    if (ASKS.test(part)) asking++;
  }
  return asking >= 2 ? asking : 0;
}
// "Show that" only as an instruction, not in "the census will show that the number…".
const PROOF = /\bprove\b|\bproof\b|(?:^|[.:;!?]\s*|\n\s*)(?:show|demonstrate|verify) that\b|\bjustify your answer\b/i;
// A picture named as such ("the figure below", "as shown in the figures", an [asy] block) is a
// figure whatever else the text holds.
const PICTURE = /\[asy\]|\b(figures?|diagrams?|pictures?|graphs?|images?|drawings?)\s+(below|above|shown|at right|on the right)\b|\b(shown|pictured|depicted|drawn)\s+(?:below\s+)?in the (figures?|diagrams?|pictures?|images?|drawings?)\b|\bsee (the )?(figures?|diagrams?)|!\[|<img\b/i;
// "… are shown below" names no picture: it is figure-dependent only when the data it points at is
// not in the text (the rows of "The first 20 numbers of an arrangement are shown below" usually are).
const SHOWN = /\b(shown|pictured|depicted|displayed)\s+(below|above)\b/gi;
const TABLE_ENV = /\\begin\s*\{\s*(array|tabular|matrix|[pbvB]matrix|align\*?|eqnarray\*?|cases)\s*\}|\|[^|\n]+\|[^|\n]+\|/;
const NUMBER_RUN = /(?:-?\d+(?:\.\d+)?[\s,;:&$\\]+){4,}-?\d/;

/** True when the text on the side a "shown below/above" points to holds the data (rows, a table, a number run). */
function dataInText(side: string): boolean {
  if (TABLE_ENV.test(side) || NUMBER_RUN.test(side)) return true;
  return side.split('\n').filter((l) => /\d/.test(l)).length >= 3;
}

function figureReason(problem: string): string | undefined {
  if (PICTURE.test(problem)) return 'the prompt depends on a figure';
  for (const m of problem.matchAll(SHOWN)) {
    const at = m.index ?? 0;
    const side = m[2].toLowerCase() === 'below' ? problem.slice(at + m[0].length) : problem.slice(0, at);
    if (!dataInText(side)) return `the prompt says "${m[0]}" but the text there holds no data`;
  }
  return undefined;
}
const TRUE_FALSE_PROMPT = /\btrue or false\b|\b(?:is|are) (?:this|these|the following|each of the following)(?: statements?)? (?:true|false)\s*\?|\bdetermine whether\b[\s\S]*\b(?:true|false)\b/i;
const TRUE_FALSE_ANSWERS = new Set(['true', 'false', 'yes', 'no', 'correct', 'incorrect']);
// "(C)" or "\textbf{(C)}": a choice label. A bare letter can be a real answer ("the 1992nd letter").
const CHOICE_ANSWER = /^\s*(\\text(bf)?\s*\{\s*)?\([A-E]\)\s*\}?\s*$/;

function answerText(answer: string): string {
  return answer.replace(/\\text(bf|rm)?\s*\{([^{}]*)\}/g, '$2').replace(/[$\s.]/g, '').toLowerCase();
}

export const MATH_RULES: readonly ExclusionRule<MathRecord>[] = [
  {
    reason: 'multiple-choice',
    check: (r) => (CHOICE_LABELS.some((re) => re.test(r.problem)) ? 'the prompt lists answer choices' : CHOICE_ANSWER.test(r.answer) ? `the answer "${r.answer}" is a choice letter` : undefined),
  },
  {
    reason: 'true-false',
    check: (r) => (TRUE_FALSE_ANSWERS.has(answerText(r.answer)) ? `the answer is "${r.answer}"` : TRUE_FALSE_PROMPT.test(r.problem) ? 'the prompt asks true or false' : undefined),
  },
  {
    reason: 'multi-part',
    check: (r) => {
      const count = subQuestionCount(proseOnly(r.problem));
      return count ? `the prompt has ${count} sub-questions` : undefined;
    },
  },
  {
    reason: 'proof',
    check: (r) => (PROOF.test(proseOnly(r.problem)) ? 'the prompt asks for a proof' : /^\s*(proof|see (the )?solution)\b/i.test(r.answer) ? 'the answer is not a value' : undefined),
  },
  {
    reason: 'figure',
    check: (r) => figureReason(r.problem),
  },
  {
    reason: 'non-english',
    check: (r) => {
      const share = nonLatinLetterShare(r.problem);
      return share > NON_ENGLISH_SHARE ? `${Math.round(share * 100)}% of the prose letters are not Latin script` : undefined;
    },
  },
  {
    reason: 'too-short',
    check: (r, o) => {
      const min = o.minProblemTokens ?? DEFAULT_MIN_PROBLEM_TOKENS;
      const n = matchTokens(r.problem).length;
      return n < min ? `${n} word tokens (minimum ${min})` : undefined;
    },
  },
  {
    reason: 'answer-too-long',
    check: (r, o) => {
      const max = o.maxAnswerChars ?? DEFAULT_MAX_ANSWER_CHARS;
      return r.answer.length > max ? `the answer has ${r.answer.length} characters (maximum ${max})` : undefined;
    },
  },
  {
    reason: 'answer-complex',
    check: (r) => {
      if (!r.answer.trim()) return 'the answer is empty';
      // The verifier's own normaliser drops units ("5225 \text{ cubic inches}") before we count words.
      const plain = normalizeAnswer(r.answer).text.replace(/\\[A-Za-z]+/g, ' ');
      const words = plain.match(/\b[A-Za-z]{3,}\b/g) ?? [];
      if (words.length >= 3) return 'the answer is prose, not a value a rule can check';
      if ((plain.match(/\b(and|or)\b/g) ?? []).length >= 2) return 'the answer combines several alternatives';
      return undefined;
    },
  },
];

export const mathRulesStep: CurationStep = {
  name: 'math-rules',
  description: 'exclude multiple-choice, true/false, multi-part, proof, figure, non-English, too-short prompts and unverifiable answers',
  domains: ['math'],
  enabled: () => true,
  run: (records, ctx) => applyRules(records, MATH_RULES, ctx.options, 'math'),
};
