// Exact duplicates (same words after case, punctuation and spacing are ignored) and near
// duplicates (MinHash/LSH candidates confirmed by word-5-gram Jaccard ≥ threshold). The first
// occurrence is kept. Math near-duplicates must also have the same reference answer: "3 apples"
// vs "5 apples" is the same text but a different problem. Code near-duplicates must also share
// their tests (one test set contained in the other): Codeforces "easy/hard version" pairs read
// alike but are different problems with different tests.
import type { CodeRecord, PromptRecord } from '../../dataset/records';
import { canonicalAnswerKey } from './answerKey';
import { NearDuplicateIndex, shingles } from '../minhash';
import { matchTokens } from '../text';
import { removeWith, type CurationStep, type RemovalReason } from '../step';

export const DEFAULT_NEAR_DUPLICATE_THRESHOLD = 0.8;

export const dedupStep: CurationStep = {
  name: 'dedup',
  description: 'remove exact and near-duplicate prompts (first occurrence kept)',
  domains: ['math', 'code'],
  enabled: () => true,
  run(records, ctx) {
    const threshold = ctx.options.nearDuplicateThreshold ?? DEFAULT_NEAR_DUPLICATE_THRESHOLD;
    const removed = new Map<number, RemovalReason[]>();
    const firstByKey = new Map<string, number>();
    const lsh = new NearDuplicateIndex();
    const lshToRecord: number[] = [];
    records.forEach((record, i) => {
      if (i % 500 === 0) ctx.progress?.(i, records.length);
      const tokens = matchTokens(record.problem);
      const key = tokens.join(' ');
      const first = firstByKey.get(key);
      if (first !== undefined) {
        const other = records[first];
        const conflicting = record.domain === 'math' && other.domain === 'math' && canonicalAnswerKey(record.answer) !== canonicalAnswerKey(other.answer);
        const detail = conflicting ? `same text as ${other.id}, which gives a different answer (${other.answer})` : `same text as ${other.id}`;
        removeWith(removed, i, { reason: 'duplicate:exact', duplicateOf: other.id, detail });
        return;
      }
      firstByKey.set(key, i);
      if (threshold >= 1) return;
      const { candidates } = lsh.addAndFindCandidates(shingles(tokens));
      lshToRecord.push(i);
      const me = lshToRecord.length - 1;
      for (const c of candidates) {
        const other = records[lshToRecord[c]];
        if (removed.has(lshToRecord[c])) continue;
        if (!sameTarget(record, other)) continue;
        const similarity = lsh.similarity(me, c);
        if (similarity >= threshold) {
          removeWith(removed, i, {
            reason: 'duplicate:near',
            duplicateOf: other.id,
            detail: `${Math.round(similarity * 100)}% of its word 5-grams are shared with ${other.id}`,
          });
          return;
        }
      }
    });
    return { removed };
  },
};

function testKeys(r: CodeRecord): Set<string> {
  return new Set(r.tests.map((t) => `${t.input.trim()}\u0000${t.output.trim()}`));
}

/** Whether two similar statements also ask for the same result (answer, or tests). */
function sameTarget(a: PromptRecord, b: PromptRecord): boolean {
  if (a.domain === 'math' && b.domain === 'math') return canonicalAnswerKey(a.answer) === canonicalAnswerKey(b.answer);
  if (a.domain === 'code' && b.domain === 'code') {
    const [small, large] = a.tests.length <= b.tests.length ? [testKeys(a), testKeys(b)] : [testKeys(b), testKeys(a)];
    if (small.size === 0) return large.size === 0;
    for (const k of small) if (!large.has(k)) return false;
    return true;
  }
  return false;
}
