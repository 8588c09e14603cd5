// A NaN or infinite loss or gradient stops the run before the optimizer step, with a message that
// says where and what to try (as verl and TRL users expect): one Adam step on a NaN gradient would
// turn every weight into NaN, and the next checkpoint would save them.
import { UserError } from '../../core/util/userError';

export class NonFiniteUpdateError extends UserError {
  constructor(what: string, where: string) {
    super(`${where}: ${what}; stopped before the optimizer step, so the weights and the last checkpoint are intact. ` +
      'Lower the stage\'s learningRate or grpo.clipNorm, or check the rewards, then resume from the last checkpoint.');
    this.name = 'NonFiniteUpdateError';
  }
}

/** Index of the first non-finite value over all arrays, as [array, offset], or undefined. */
function firstNonFinite(arrays: readonly ArrayLike<number>[]): [number, number] | undefined {
  for (let a = 0; a < arrays.length; a++) {
    const xs = arrays[a];
    for (let i = 0; i < xs.length; i++) if (!Number.isFinite(xs[i])) return [a, i];
  }
  return undefined;
}

/** Throws NonFiniteUpdateError when the loss or any gradient entry is NaN or ±Infinity. */
export function assertFiniteUpdate(lossSum: number, grads: readonly Float32Array[], where: string, variableNames?: readonly string[]): void {
  if (!Number.isFinite(lossSum)) throw new NonFiniteUpdateError(`the policy loss is ${lossSum}`, where);
  const bad = firstNonFinite(grads);
  if (bad) {
    const [a, i] = bad;
    throw new NonFiniteUpdateError(`the gradient of ${variableNames?.[a] ?? `variable ${a}`} is ${grads[a][i]} at index ${i}`, where);
  }
}
