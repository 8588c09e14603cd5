// Code problems whose reference solutions fail their own tests have wrong tests (false
// negatives for the policy): run each problem's first reference solution in the code sandbox
// against every test. Problems without a reference solution are kept and counted. Optional
// (--verify-references): it runs untrusted code and takes seconds per problem.
import type { CodeRecord } from '../../dataset/records';
import type { ReferenceRunner } from '../referenceRunner';
import { removeWith, type CurationStep, type RemovalReason } from '../step';

export type { ReferenceRunner };

export const DEFAULT_SANDBOX_CONCURRENCY = 2;

export const referenceSolutionsStep: CurationStep = {
  name: 'reference-solutions',
  description: 'remove code problems whose reference solution fails its own tests (runs the sandbox)',
  domains: ['code'],
  enabled: (options, ctx) => !!options.verifyReferences && !!ctx.referenceRunner,
  async run(records, ctx) {
    const removed = new Map<number, RemovalReason[]>();
    const runner = ctx.referenceRunner;
    if (!runner) return { removed };
    const todo = records.map((r, i) => ({ r, i })).filter((x): x is { r: CodeRecord; i: number } => x.r.domain === 'code' && !!x.r.solutions?.length && x.r.tests.length > 0);
    const limit = Math.max(1, ctx.options.sandboxConcurrency ?? DEFAULT_SANDBOX_CONCURRENCY);
    let next = 0;
    let done = 0;
    const worker = async () => {
      while (next < todo.length) {
        const { r, i } = todo[next++];
        const result = await runner.runTests({
          code: r.solutions![0],
          tests: r.tests,
          fnName: r.format === 'functional' ? r.fnName : undefined,
          timeoutS: r.timeLimitS,
          memoryMb: r.memoryLimitMb,
          stopOnFirstFailure: true,
        });
        if (!result.passed) {
          const failed = result.tests.findIndex((t) => t.status !== 'AC');
          const t = failed >= 0 ? result.tests[failed] : undefined;
          removeWith(removed, i, {
            reason: 'reference-fails',
            detail: t ? `the reference solution fails test ${failed + 1}: ${t.status}${t.message ? ` (${t.message})` : ''}` : 'the reference solution fails its tests',
          });
        }
        ctx.progress?.(++done, todo.length);
      }
    };
    await Promise.all(Array.from({ length: Math.min(limit, todo.length) }, worker));
    return { removed, stats: { references_checked: todo.length, without_reference: records.length - todo.length } };
  },
};
