// The recipe's code exclusions: problems needing a special judge (several correct outputs) or
// interaction, statements depending on images, problems without (enough) tests, non-English.
import type { CodeRecord } from '../../dataset/records';
import type { CurationStep } from '../step';
import { NON_ENGLISH_SHARE, applyRules, nonLatinLetterShare, type ExclusionRule } from './rule';

export const DEFAULT_MIN_TESTS = 1;

const SPECIAL_JUDGE = [
  /\bspecial judge\b|\bchecker\b/i,
  /\bif there are (multiple|several|many) (possible |valid |correct )?(answers|solutions)\b/i,
  /\b(print|output|return) any (of them|one of them|valid|such|correct)\b/i,
  /\byou (may|can) (print|output|return) (them )?in any order\b/i,
  /\bany (valid|correct) (answer|solution) (will be|is) accepted\b/i,
];
const INTERACTIVE = /\bthis is an interactive (problem|task)\b|\binteractive (problem|task)\b|\b(flush|fflush)\b[\s\S]{0,80}\b(output|stdout|buffer)\b|\binteractor\b/i;
const IMAGE = /!\[|<img\b|\b(image|picture|figure)\s+(below|above)\b|\bsee (the )?(image|picture|figure)\b|\bas shown in the (image|picture|figure)\b/i;

export const CODE_RULES: readonly ExclusionRule<CodeRecord>[] = [
  { reason: 'interactive', check: (r) => (INTERACTIVE.test(r.problem) ? 'an interactive problem' : undefined) },
  {
    reason: 'special-judge',
    check: (r) => {
      const hit = SPECIAL_JUDGE.find((re) => re.test(r.problem));
      return hit ? `several outputs can be correct ("${(hit.exec(r.problem) ?? [''])[0]}")` : undefined;
    },
  },
  { reason: 'figure', check: (r) => (IMAGE.test(r.problem) ? 'the statement depends on an image' : undefined) },
  {
    reason: 'no-tests',
    check: (r, o) => {
      const min = o.minTests ?? DEFAULT_MIN_TESTS;
      if (r.tests.length === 0) return 'no tests';
      return r.tests.length < min ? `${r.tests.length} test(s) (minimum ${min})` : undefined;
    },
  },
  {
    reason: 'non-english',
    check: (r) => {
      const share = nonLatinLetterShare(r.problem);
      return share > NON_ENGLISH_SHARE ? `${Math.round(share * 100)}% of the prose letters are not Latin script` : undefined;
    },
  },
];

export const codeRulesStep: CurationStep = {
  name: 'code-rules',
  description: 'exclude special-judge, interactive, image-dependent, test-less and non-English problems',
  domains: ['code'],
  enabled: () => true,
  run: (records, ctx) => applyRules(records, CODE_RULES, ctx.options, 'code'),
};
