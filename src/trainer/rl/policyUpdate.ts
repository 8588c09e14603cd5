// The optimizer side of a GRPO step, composed from the registries of src/core/rl: the policy loss
// (policyLoss.ts) turns advantages — and, off-policy, importance ratios — into per-token weights on
// log p; the loss aggregation (lossAggregation.ts) scales each sequence and gives the one divisor of
// the summed gradient. The rollout batch is split into `updatesPerBatch` mini-batches of whole prompt
// groups with one optimizer step each (verl's ppo_mini_batch_size); with one update, the recipe's
// strictly on-policy case, the ratio is exactly 1 and no extra forward pass is made.
import { aggregationPlan, type LossAggregation } from '../../core/rl/lossAggregation';
import { policyLoss, type PolicyLossName, type PolicyLossOptions, type PolicyLossTerms } from '../../core/rl/policyLoss';
import type { Policy, TrainSequence } from '../model/policy';
import { assertFiniteUpdate, NonFiniteUpdateError } from './nonFinite';

export interface UpdateSequence {
  /** Prompt + response token ids. */
  tokens: number[];
  promptLength: number;
  advantage: number;
  /** False: left out of the loss and its denominators (overlong-filtered, or its verification failed). */
  counted: boolean;
  /** Index of the prompt group; a mini-batch always holds whole groups. */
  group: number;
}

export interface UpdateOptions {
  aggregation: LossAggregation;
  loss: PolicyLossName;
  lossOptions: PolicyLossOptions;
  updates: number;
  learningRate: number;
  clipNorm: number;
  /** Names the step in error messages. */
  where: string;
}

export interface UpdateStats {
  /** Mean over mini-batches of the aggregated policy loss. */
  pgLoss: number;
  /** Mean over mini-batches of the pre-clip gradient norm. */
  gradNorm: number;
  /** Tokens whose ratio was clipped / counted tokens (0 on-policy). */
  clipFrac: number;
  clipFracLower: number;
  /** Mean over counted tokens of old log p − log p (verl's ppo_kl; 0 on-policy). */
  ppoKl: number;
  /** Counted response tokens over the whole batch. */
  tokenCount: number;
}

const responseLength = (s: UpdateSequence) => s.tokens.length - s.promptLength;

/** Mini-batch index of each group: contiguous runs of ⌈groups/updates⌉ or ⌊groups/updates⌋ groups. */
export function miniBatchOfGroup(group: number, groupCount: number, updates: number): number {
  return Math.floor((group * updates) / groupCount);
}

export async function updatePolicy(policy: Policy, sequences: readonly UpdateSequence[], o: UpdateOptions): Promise<UpdateStats> {
  const loss = policyLoss(o.loss);
  const groupCount = Math.max(0, ...sequences.map((s) => s.group + 1));
  if (o.updates > 1 && o.updates > groupCount) throw new Error(`${o.where}: ${o.updates} updates per batch need at least ${o.updates} prompt groups, got ${groupCount}`);
  const batches: UpdateSequence[][] = Array.from({ length: o.updates }, () => []);
  for (const s of sequences) if (s.counted && responseLength(s) > 0) batches[miniBatchOfGroup(s.group, groupCount, o.updates)].push(s);
  const moves = (s: UpdateSequence) => s.advantage !== 0;

  // Off-policy mini-batches compare against the policy that sampled: its log-probs, taken before
  // the first optimizer step. The first mini-batch is trained by that very policy (ratio 1).
  const oldLogp = new Map<UpdateSequence, number[]>();
  if (loss.usesRatio && o.updates > 1) {
    const later = batches.slice(1).flat().filter(moves);
    const lp = later.length ? await policy.logProbs(later.map(trainSequence)) : [];
    later.forEach((s, i) => oldLogp.set(s, lp[i]));
  }

  const stats: UpdateStats = { pgLoss: 0, gradNorm: 0, clipFrac: 0, clipFracLower: 0, ppoKl: 0, tokenCount: 0 };
  let clipped = 0;
  let clippedLower = 0;
  let klSum = 0;
  for (let u = 0; u < o.updates; u++) {
    const where = o.updates > 1 ? `${o.where}, mini-batch ${u + 1}/${o.updates}` : o.where;
    const members = batches[u];
    const plan = aggregationPlan(o.aggregation, members.map(responseLength));
    stats.tokenCount += members.reduce((a, s) => a + responseLength(s), 0);
    const active = members.map((s, i) => ({ s, scale: plan.sequenceScales[i] })).filter(({ s }) => moves(s));
    const offPolicy = loss.usesRatio && u > 0;
    const current = offPolicy && active.length ? await policy.logProbs(active.map(({ s }) => trainSequence(s))) : [];

    const batch: TrainSequence[] = [];
    let lossValue = 0;
    active.forEach(({ s, scale }, i) => {
      const n = responseLength(s);
      // On-policy the log-probs enter only through the ratio, which is exactly 1: zeros stand for both.
      const logp = offPolicy ? current[i] : new Array<number>(n).fill(0);
      const old = offPolicy ? oldLogp.get(s)! : logp;
      const terms: PolicyLossTerms = loss.terms(logp, old, new Array<number>(n).fill(s.advantage), o.lossOptions);
      for (let t = 0; t < n; t++) {
        if (terms.clipped[t]) clipped++;
        if (terms.clippedLower[t]) clippedLower++;
        klSum += old[t] - logp[t];
        lossValue += scale * terms.losses[t];
      }
      // The model minimises Σ −weight·log p, so a token's weight is −∂loss/∂log p, times the sequence's scale.
      const weights = terms.logpWeights.map((w) => -w * scale);
      const bad = weights.findIndex((w) => !Number.isFinite(w));
      if (bad >= 0) throw new NonFiniteUpdateError(`the ${o.loss} loss gives token ${bad} of a response a weight of ${weights[bad]} (log p ${logp[bad]}, old log p ${old[bad]})`, where);
      const uniform = weights.every((w) => w === weights[0]);
      batch.push(uniform ? { ...trainSequence(s), weight: weights[0] } : { ...trainSequence(s), weight: 0, tokenWeights: weights });
    });

    let grads: Float32Array[];
    let lossSum = 0;
    if (batch.length > 0) {
      const g = await policy.computeGradients(batch);
      grads = g.grads;
      lossSum = g.lossSum;
    } else {
      grads = policy.getWeights().map((w) => new Float32Array(w.length));
    }
    assertFiniteUpdate(lossSum, grads, where, policy.variableNames());
    // A loss that ignores log-probs reports the surrogate the model evaluated (Σ −A·log p, today's
    // actor/pg_loss); a ratio loss reports its own value, as verl does.
    const pgLoss = (loss.usesRatio ? lossValue : lossSum) / plan.denominator;
    if (!Number.isFinite(pgLoss)) throw new NonFiniteUpdateError(`the policy loss is ${pgLoss}`, where);
    // One optimizer step per mini-batch, even when every group was uninformative (verl does too).
    const { gradNorm } = await policy.applyGradients(grads, plan.denominator, { learningRate: o.learningRate, clipNorm: o.clipNorm });
    stats.pgLoss += pgLoss / o.updates;
    stats.gradNorm += gradNorm / o.updates;
  }
  const tokens = Math.max(1, stats.tokenCount);
  stats.clipFrac = clipped / tokens;
  stats.clipFracLower = clippedLower / tokens;
  stats.ppoKl = klSum / tokens;
  return stats;
}

function trainSequence(s: UpdateSequence): TrainSequence {
  return { tokens: s.tokens, promptLength: s.promptLength, weight: s.advantage };
}
