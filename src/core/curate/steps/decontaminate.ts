// n-gram decontamination against benchmark statements (9-grams for math, 14 for code by
// default): a training prompt sharing any n-gram, or its whole text, with a benchmark item goes,
// and the removal names every benchmark item it overlaps (file + id).
// Boilerplate: on the real MATH/DeepScaleR data about a third of plain 9-gram hits came from
// stock phrasing shared by many unrelated problems ("express your answer as a decimal to the
// nearest", "find the remainder when n is divided by 1000"). An n-gram found in at least
// `boilerplateMinDocs` documents (benchmark items + training prompts; default 10) is therefore
// not counted as evidence. Whole-statement matches always count.
// `minSharedNgrams` raises the bar: on DeepScaleR, 191 of 551 removals shared exactly one 9-gram
// and the ones read were different problems. Each removal records its evidence (the shared
// n-grams and the benchmark statement) so the curator can show both side by side.
import { boilerplateNgrams, findOverlaps } from '../benchmarks';
import { removeWith, type CurationStep, type RemovalReason } from '../step';

export const DEFAULT_BOILERPLATE_MIN_DOCS = 10;

export const decontaminateStep: CurationStep = {
  name: 'decontaminate',
  description: 'remove prompts sharing an n-gram with a benchmark statement',
  domains: ['math', 'code'],
  enabled: (_options, ctx) => !!ctx.benchmarks && ctx.benchmarks.items.length > 0,
  run(records, ctx) {
    const removed = new Map<number, RemovalReason[]>();
    const index = ctx.benchmarks;
    if (!index) return { removed };
    const boilerplate = boilerplateNgrams(index, records.map((r) => r.problem), ctx.options.boilerplateMinDocs ?? DEFAULT_BOILERPLATE_MIN_DOCS);
    records.forEach((record, i) => {
      if (i % 500 === 0) ctx.progress?.(i, records.length);
      const overlaps = findOverlaps(index, record.problem, { ignore: boilerplate, minSharedNgrams: ctx.options.minSharedNgrams, evidence: true });
      if (!overlaps.length) return;
      const top = overlaps[0];
      removeWith(removed, i, {
        reason: 'contaminated',
        overlaps,
        detail: top.exact
          ? `same statement as ${top.benchmark} ${top.id}`
          : `shares ${top.sharedNgrams} ${index.n}-gram(s) with ${top.benchmark} ${top.id}` + (overlaps.length > 1 ? ` and ${overlaps.length - 1} more` : ''),
      });
    });
    return { removed, stats: { boilerplate_ngrams_ignored: boilerplate.size } };
  },
};
