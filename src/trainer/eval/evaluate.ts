// Held-out evaluation, the DeepSeek-R1 / AceReason protocol: k samples per problem at temperature
// 0.6 and top-p 0.95; pass@1 reported as avg@k (verl: val-core/<source>/acc/mean@k) and the
// unbiased pass@k beside it (val-aux/<source>/pass@k).
import type { PromptRecord } from '../../core/dataset/records';
import { valCoreKey } from '../../core/protocol/metrics';
import { summarizeEval, type EvalSummary } from '../../core/rl/passAtK';
import type { Policy } from '../model/policy';
import type { PromptCodec } from '../rl/codec';
import type { Rewards, RewardVerdict } from '../rewards';

export interface EvalOptions {
  policy: Policy;
  codec: PromptCodec;
  rewards: Rewards;
  records: readonly PromptRecord[];
  k: number;
  temperature: number;
  topP: number;
  maxNewTokens: number;
  seed: number;
}

export interface EvalResult {
  source: string;
  summary: EvalSummary;
  /** Correct samples of each problem (out of k), in record order. */
  solved: number[];
  /** One example per problem (the first sample), for samples.jsonl and the report. */
  examples: { record: PromptRecord; response: string; verdict: RewardVerdict; truncated: boolean }[];
  seconds: number;
  tokens: number;
}

export async function evaluateHeldOut(o: EvalOptions): Promise<EvalResult> {
  if (o.records.length === 0) throw new Error('evaluateHeldOut: no held-out records');
  const t0 = performance.now();
  const prompts = o.records.flatMap((r) => Array.from({ length: o.k }, () => o.codec.promptIds(r)));
  const out = await o.policy.sample(prompts, { maxNewTokens: o.maxNewTokens, temperature: o.temperature, topP: o.topP, stopTokens: o.codec.stopTokens, seed: o.seed });
  const texts = out.responses.map((ids) => o.codec.responseText(ids));
  const verdicts = await o.rewards.scoreAll(texts.map((response, i) => ({ record: o.records[Math.floor(i / o.k)], response })));
  const perProblem = o.records.map((_, p) => verdicts.slice(p * o.k, (p + 1) * o.k).map((v) => v.reward > 0.5));
  return {
    source: o.records[0].source,
    summary: summarizeEval(perProblem),
    solved: perProblem.map((p) => p.filter(Boolean).length),
    examples: o.records.map((record, p) => ({ record, response: texts[p * o.k], verdict: verdicts[p * o.k], truncated: out.truncated[p * o.k] })),
    seconds: (performance.now() - t0) / 1000,
    tokens: out.responses.reduce((a, r) => a + r.length, 0),
  };
}

export function evalMetrics(r: EvalResult): Record<string, number> {
  const k = r.summary.samplesPerProblem;
  return {
    [valCoreKey(r.source, k)]: r.summary.meanAtK,
    [`val-aux/${r.source}/pass@${k}`]: r.summary.passAtK,
    [`val-aux/${r.source}/problems`]: r.summary.problems,
    'timing_s/testing': r.seconds,
  };
}
