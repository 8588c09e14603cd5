// SFT warm-up: next-token cross-entropy on demonstrations (response tokens only), Adam with a short
// linear warm-up and cosine decay. The paper starts RL from a distilled SFT model; this is ours.
import type { Policy, TrainSequence } from '../model/policy';
import type { PromptCodec } from '../rl/codec';
import { assertFiniteUpdate } from '../rl/nonFinite';
import type { Demonstration } from '../tasks/sftData';

export interface SftStepReport {
  step: number;
  steps: number;
  loss: number;
  tokens: number;
  seconds: number;
  learningRate: number;
  gradNorm: number;
}

export interface SftOptions {
  policy: Policy;
  codec: PromptCodec;
  steps: number;
  learningRate: number;
  clipNorm: number;
  /** The demonstrations of SFT step `step` (deterministic in the step, so a restart reproduces them). */
  batch(step: number): Demonstration[];
  /** Steps already done (a run resumed from a mid-warm-up checkpoint continues at this step). */
  startStep?: number;
  /** Called after every step; awaited, so it may write a checkpoint. */
  onStep?(report: SftStepReport): void | Promise<void>;
  stopRequested?(): boolean;
}

/** Warm-up over the first 5% of steps, then cosine decay to 10% of the peak. */
export function sftLearningRate(peak: number, step: number, steps: number): number {
  const warm = Math.max(1, Math.round(steps * 0.05));
  if (step < warm) return (peak * (step + 1)) / warm;
  const progress = (step - warm) / Math.max(1, steps - warm);
  return peak * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress))));
}

export function demonstrationSequence(codec: PromptCodec, demo: Demonstration, contextLength: number): TrainSequence {
  const prompt = codec.promptIds(demo.record);
  const tokens = [...prompt, ...codec.responseIds(demo.response)].slice(0, contextLength);
  return { tokens, promptLength: prompt.length, weight: 1 };
}

/** Runs SFT steps [startStep, steps). Returns false if stopped early. */
export async function runSft(o: SftOptions): Promise<boolean> {
  const ctxLen = o.policy.config.contextLength;
  for (let step = o.startStep ?? 0; step < o.steps; step++) {
    if (o.stopRequested?.()) return false;
    const t0 = performance.now();
    const batch = o.batch(step).map((d) => demonstrationSequence(o.codec, d, ctxLen));
    const g = await o.policy.computeGradients(batch);
    const lr = sftLearningRate(o.learningRate, step, o.steps);
    assertFiniteUpdate(g.lossSum, g.grads, `SFT step ${step + 1}`, o.policy.variableNames());
    const { gradNorm } = await o.policy.applyGradients(g.grads, g.tokenCount, { learningRate: lr, clipNorm: o.clipNorm });
    await o.onStep?.({ step: step + 1, steps: o.steps, loss: g.tokenCount ? g.lossSum / g.tokenCount : 0, tokens: batch.reduce((a, s) => a + s.tokens.length, 0), seconds: (performance.now() - t0) / 1000, learningRate: lr, gradNorm });
  }
  return true;
}
