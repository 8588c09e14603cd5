// The class of a reference answer, for audit reports (`acereason verify math --summary`): a verifier
// change is judged per class, since a gain on integers can hide a loss on intervals.
import { choiceLabel, normalizeAnswer, MAX_ANSWER_CHARS } from './normalize';
import { parseAnswer, type Answer } from './structure';

export type AnswerClass =
  | 'integer' | 'decimal' | 'fraction' | 'percent' | 'expression' | 'symbolic'
  | 'tuple' | 'set' | 'interval' | 'union' | 'relation' | 'ratio' | 'matrix' | 'choice' | 'text' | 'empty' | 'long';

export const ANSWER_CLASSES: readonly AnswerClass[] = [
  'integer', 'decimal', 'fraction', 'percent', 'expression', 'symbolic', 'tuple', 'set', 'interval', 'union', 'relation', 'ratio', 'matrix', 'choice', 'text', 'empty', 'long',
];

export function answerClass(gold: string): AnswerClass {
  if (gold.length > MAX_ANSWER_CHARS) return 'long';
  const n = normalizeAnswer(gold.trim().replace(/^\$+|\$+$/g, ''));
  if (n.text === '') return 'empty';
  if (choiceLabel(n.text)) return 'choice';
  if (n.percent) return 'percent';
  return classOf(parseAnswer(n.text));
}

function classOf(a: Answer): AnswerClass {
  switch (a.kind) {
    case 'text': return 'text';
    case 'relation': return 'relation';
    case 'union': return 'union';
    case 'matrix': return 'matrix';
    case 'list':
      if (a.fromRelation) return 'relation';
      if (a.open === ':') return 'ratio';
      if (a.open === '{' || a.open === '') return 'set';
      if (a.items.length === 2 && (a.open !== a.close.replace(')', '(').replace(']', '[') || /\\infty/.test(a.source))) return 'interval';
      return a.open === '[' && a.close === ']' ? 'interval' : 'tuple';
    case 'expr': {
      const s = a.source.replace(/\s+/g, '');
      if (/^-?\d+$/.test(s)) return 'integer';
      if (/^-?\d*\.\d+$/.test(s)) return 'decimal';
      if (/^-?(?:\\[dt]?frac\{?-?\d+\}?\{?\d+\}?|\d+\/\d+)$/.test(s)) return 'fraction';
      return /[A-Za-z]/.test(s.replace(/\\(?:frac|dfrac|tfrac|sqrt|cdot|times|pi|left|right|log|ln|sin|cos|tan)/g, '')) ? 'symbolic' : 'expression';
    }
  }
}
