// Honours the researcher: a prompt whose latest decision in labels.jsonl is "exclude" goes.
import { removeWith, type CurationStep, type RemovalReason } from '../step';

export const labelsStep: CurationStep = {
  name: 'labels',
  description: 'remove prompts excluded by hand in labels.jsonl',
  domains: ['math', 'code'],
  enabled: (_options, ctx) => !!ctx.labels,
  run(records, ctx) {
    const removed = new Map<number, RemovalReason[]>();
    records.forEach((record, i) => {
      if (ctx.labels?.get(record.id)?.decision === 'exclude') {
        removeWith(removed, i, { reason: 'label:exclude', detail: 'excluded by hand in labels.jsonl' });
      }
    });
    return { removed };
  },
};
