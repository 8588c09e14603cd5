// One samples.jsonl line from a graded rollout: the verdict's state and whether the verifier failed
// travel with it, so the dashboard and the curator show a failed verification as such, not as a 0.
import type { PromptRecord } from '../../core/dataset/records';
import type { SampleRecord } from '../../core/protocol/trainer';
import type { RewardVerdict } from './rewards/types';

export interface GradedRollout {
  step: number;
  /** Stage name, or the evaluation label (e.g. after-math-24). */
  stage: string;
  record: PromptRecord;
  /** The prompt text the model saw. */
  prompt: string;
  response: string;
  verdict: RewardVerdict;
  truncated: boolean;
}

export function sampleRecord(r: GradedRollout): SampleRecord {
  return {
    step: r.step, stage: r.stage, promptId: r.record.id, source: r.record.source, domain: r.record.domain,
    prompt: r.prompt, response: r.response, reward: r.verdict.reward, extracted: r.verdict.extracted,
    ...(r.record.domain === 'math' ? { reference: r.record.answer } : {}),
    verdict: r.verdict.verdict, tests: r.verdict.tests, truncated: r.truncated,
    verdictState: r.verdict.state, verifierFailed: r.verdict.verifierFailed,
  };
}
