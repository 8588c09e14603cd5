// `code-tests`, the recipe's code reward: 1 only if the program (the last fenced block after
// </think>) passes every hidden test within the record's limits, else 0. Tests run in the code
// sandbox (src/core/reward/code). A sandbox that fails to run them is the verifier's failure, not
// the program's: state 'error', left out of the advantage.
import type { PromptRecord } from '../../../core/dataset/records';
import { extractCodeBlock, languageOfFence } from '../../../core/reward/code/extract';
import { CodeSandbox } from '../../../core/reward/code/sandbox';
import type { RegisteredReward, RewardFunction, RewardOptions, RewardVerdict } from './types';

function createCodeTestsReward(opts: RewardOptions): RewardFunction {
  let sandbox: CodeSandbox | undefined;
  const get = () => (sandbox ??= new CodeSandbox({ concurrency: opts.concurrency ?? 2, timeoutS: opts.timeoutS ?? 4, memoryMb: opts.memoryMb ?? 512, log: opts.log }));
  return {
    async score(record: PromptRecord, response: string): Promise<RewardVerdict> {
      if (record.domain !== 'code') throw new Error(`code reward got a ${record.domain} record (${record.id})`);
      const block = extractCodeBlock(response);
      if (!block) return { reward: 0, state: 'wrong', verifierFailed: false, extracted: null, verdict: 'no complete fenced code block after </think>' };
      const language = languageOfFence(block.lang) ?? record.language ?? 'python';
      let result;
      try {
        result = await get().runTests({
          code: block.code, language, tests: record.tests, fnName: record.format === 'functional' ? record.fnName : undefined,
          timeoutS: record.timeLimitS, memoryMb: record.memoryLimitMb,
        });
      } catch (e) {
        return { reward: 0, state: 'error', verifierFailed: true, extracted: null, verdict: `sandbox error: ${(e as Error).message}` };
      }
      const statuses = result.tests.map((t) => t.status);
      const firstBad = result.tests.find((t) => t.status !== 'AC');
      return {
        reward: result.reward,
        state: result.passed ? 'correct' : 'wrong',
        verifierFailed: false,
        extracted: null,
        verdict: result.passed ? `all ${record.tests.length} tests passed` : `${statuses.join(' ')}${firstBad?.message ? `: ${firstBad.message}` : ''}`,
        tests: result.tests.map((t) => ({ status: t.status, timeMs: t.timeMs })),
      };
    },
    close() {
      sandbox?.close();
      sandbox = undefined;
    },
  };
}

export const codeTestsReward: RegisteredReward = {
  domain: 'code',
  description: 'the last fenced code block after </think> passes every test in the sandbox',
  create: createCodeTestsReward,
};
