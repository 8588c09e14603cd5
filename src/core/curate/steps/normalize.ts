// Cleans the text the model will see (see normalizeText) and removes prompts left empty.
import type { PromptRecord } from '../../dataset/records';
import { normalizeText } from '../text';
import { removeWith, type CurationStep, type RemovalReason } from '../step';

export const normalizeStep: CurationStep = {
  name: 'normalize',
  description: 'normalise Unicode, spaces and newlines; drop empty prompts',
  domains: ['math', 'code'],
  enabled: () => true,
  run(records) {
    const removed = new Map<number, RemovalReason[]>();
    let changed = 0;
    const out = records.map((record, i): PromptRecord => {
      const problem = normalizeText(record.problem);
      if (!problem) removeWith(removed, i, { reason: 'empty-problem', detail: 'the problem text is empty after normalisation' });
      const next = { ...record, problem } as PromptRecord;
      if (next.domain === 'math') next.answer = normalizeText(next.answer);
      if (problem !== record.problem || (next.domain === 'math' && record.domain === 'math' && next.answer !== record.answer)) changed++;
      return next;
    });
    return { removed, records: out, stats: { normalized_changed: changed } };
  },
};
