// Code reward, the recipe's rule: 1 only if the program (the last fenced block after </think>)
// passes every hidden test in time, else 0. Tests run in the code sandbox (src/core/reward/code).
import type { PromptRecord } from '../../../core/dataset/records';
import { extractCodeBlock, languageOfFence } from '../../../core/reward/code/extract';
import { CodeSandbox } from '../../../core/reward/code/sandbox';
import type { RewardFunction, RewardVerdict } from '../../rewards';

export interface CodeRewardOptions {
  concurrency?: number;
  timeoutS?: number;
  memoryMb?: number;
  log?: (message: string) => void;
}

export function createCodeReward(opts: CodeRewardOptions = {}): RewardFunction {
  let sandbox: CodeSandbox | undefined;
  const get = () => (sandbox ??= new CodeSandbox({ concurrency: opts.concurrency ?? 2, timeoutS: opts.timeoutS ?? 4, memoryMb: opts.memoryMb ?? 512, log: opts.log }));
  return {
    domain: 'code',
    async score(record: PromptRecord, response: string): Promise<RewardVerdict> {
      if (record.domain !== 'code') throw new Error(`code reward got a ${record.domain} record (${record.id})`);
      const block = extractCodeBlock(response);
      if (!block) return { reward: 0, extracted: null, verdict: 'no complete fenced code block after </think>' };
      const language = languageOfFence(block.lang) ?? record.language ?? 'python';
      const result = await get().runTests({ code: block.code, language, tests: record.tests, fnName: record.format === 'functional' ? record.fnName : undefined, timeoutS: record.timeLimitS });
      const statuses = result.tests.map((t) => t.status);
      const firstBad = result.tests.find((t) => t.status !== 'AC');
      return {
        reward: result.reward,
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
