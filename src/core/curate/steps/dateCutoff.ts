// Problems released after the cutoff may be in the test sets (the recipe: after 2024-08-01).
// Undated problems are kept and counted, since no date is not evidence of a late one.
import { removeWith, type CurationStep, type RemovalReason } from '../step';

export function parseCutoff(text: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || Number.isNaN(new Date(text).getTime())) {
    throw new Error(`--date-cutoff: '${text}' is not a date of the form YYYY-MM-DD`);
  }
  return text;
}

export const dateCutoffStep: CurationStep = {
  name: 'date-cutoff',
  description: 'remove problems dated after the cutoff',
  domains: ['math', 'code'],
  enabled: (options) => !!options.dateCutoff,
  run(records, ctx) {
    const cutoff = parseCutoff(ctx.options.dateCutoff ?? '');
    const removed = new Map<number, RemovalReason[]>();
    let undated = 0;
    records.forEach((record, i) => {
      if (!record.date) {
        undated++;
        return;
      }
      if (record.date.slice(0, 10) > cutoff) removeWith(removed, i, { reason: 'after-date-cutoff', detail: `dated ${record.date}, after ${cutoff}` });
    });
    return { removed, stats: { undated } };
  },
};
