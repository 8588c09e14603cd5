// Difficulty filter from measured pass rates (passrates.jsonl): keeps prompts whose pass rate is
// within [minPassRate, maxPassRate]. Unmeasured prompts are kept and counted. Every record with a
// measurement gets its passRate and bucket attached, filtered or not.
import type { PromptRecord } from '../../dataset/records';
import { removeWith, type CurationStep, type RemovalReason } from '../step';

export const difficultyStep: CurationStep = {
  name: 'difficulty',
  description: 'attach measured pass rates and drop prompts outside the pass-rate bounds',
  domains: ['math', 'code'],
  enabled: (_options, ctx) => !!ctx.passRates,
  run(records, ctx) {
    const removed = new Map<number, RemovalReason[]>();
    const min = ctx.options.minPassRate ?? 0;
    const max = ctx.options.maxPassRate ?? 1;
    let unmeasured = 0;
    const out = records.map((record, i): PromptRecord => {
      const info = ctx.passRates?.get(record.id);
      if (!info) {
        unmeasured++;
        return record;
      }
      const rate = `${info.passes}/${info.k}`;
      if (info.passRate > max) removeWith(removed, i, { reason: 'difficulty:too-easy', detail: `solved ${rate} (maximum pass rate ${max})` });
      else if (info.passRate < min) removeWith(removed, i, { reason: 'difficulty:too-hard', detail: `solved ${rate} (minimum pass rate ${min})` });
      return { ...record, passRate: info.passRate, meta: { ...record.meta, difficultyBucket: info.bucket, passes: info.passes, k: info.k } } as PromptRecord;
    });
    return { removed, records: out, stats: { unmeasured } };
  },
};
