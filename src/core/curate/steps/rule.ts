// An exclusion rule: a named predicate over one record. Rules run together in one step per
// domain, so one prompt can collect several reasons.
import type { PromptRecord } from '../../dataset/records';
import type { CurationOptions } from '../options';
import { removeWith, type RemovalReason, type StepResult } from '../step';

export interface ExclusionRule<R extends PromptRecord = PromptRecord> {
  reason: string;
  /** A sentence saying why, or undefined when the rule does not apply. */
  check(record: R, options: CurationOptions): string | undefined;
}

export function applyRules<R extends PromptRecord>(records: readonly PromptRecord[], rules: readonly ExclusionRule<R>[], options: CurationOptions, domain: R['domain']): StepResult {
  const removed = new Map<number, RemovalReason[]>();
  records.forEach((record, i) => {
    if (record.domain !== domain) return;
    for (const rule of rules) {
      const detail = rule.check(record as R, options);
      if (detail !== undefined) removeWith(removed, i, { reason: rule.reason, detail });
    }
  });
  return { removed };
}

/** The text with $…$ / \[…\] / \(…\) math and [asy] blocks removed, for judging the prose only. */
export function proseOnly(text: string): string {
  return text
    .replace(/\[asy\][\s\S]*?\[\/asy\]/gi, ' ')
    .replace(/\$\$[\s\S]*?\$\$/g, ' ')
    .replace(/\$[^$]*\$/g, ' ')
    .replace(/\\\[[\s\S]*?\\\]/g, ' ')
    .replace(/\\\([\s\S]*?\\\)/g, ' ');
}

/**
 * Share of letters in the prose that are not Latin script. A script test rather than a language
 * model (e.g. franc): math prose is short and full of symbols, where statistical detectors misfire,
 * and the non-English prompts in public math sets are overwhelmingly Chinese or Russian.
 */
export function nonLatinLetterShare(text: string): number {
  const letters = proseOnly(text).match(/\p{L}/gu) ?? [];
  if (!letters.length) return 0;
  const nonLatin = letters.filter((c) => !/\p{Script=Latin}/u.test(c)).length;
  return nonLatin / letters.length;
}

export const NON_ENGLISH_SHARE = 0.2;
