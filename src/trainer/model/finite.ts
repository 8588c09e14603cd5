// Numbers that must be finite (weights, optimizer moments, a loss, a gradient): a NaN or an infinity
// that slips into a checkpoint trains on silently and "finishes" a run whose every weight is NaN.
import { UserError } from '../../core/util/userError';

export interface FiniteCheckOptions {
  /** A name per array (variable names), for the message. */
  names?: readonly string[];
  /** The file the values came from or go to, for the message. */
  file?: string;
  /** Values whose magnitude exceeds this are refused too (a diverged or damaged model), default none. */
  maxAbs?: number;
}

/**
 * Throws a one-line UserError naming `what`, the array (by name when given), the index and the value
 * of the first non-finite (or too large) number, with the count of such numbers in that array.
 */
export function assertFinite(arrays: ArrayLike<number> | readonly ArrayLike<number>[], what: string, opts: FiniteCheckOptions = {}): void {
  const list = isArrayOfArrays(arrays) ? arrays : [arrays];
  const limit = opts.maxAbs ?? Infinity;
  for (let a = 0; a < list.length; a++) {
    const values = list[a];
    for (let i = 0; i < values.length; i++) {
      const x = values[i];
      if (Number.isFinite(x) && Math.abs(x) <= limit) continue;
      let bad = 0;
      for (let j = i; j < values.length; j++) if (!(Number.isFinite(values[j]) && Math.abs(values[j]) <= limit)) bad++;
      const name = opts.names?.[a] ?? (list.length > 1 ? `#${a}` : undefined);
      const kind = Number.isFinite(x) ? `${x} (magnitude above ${limit})` : String(x);
      throw new UserError(
        `${what}: ${kind} at index ${i} (${bad} of ${values.length} values are not finite or too large)`,
        { file: opts.file, field: name },
      );
    }
  }
}

function isArrayOfArrays(x: ArrayLike<number> | readonly ArrayLike<number>[]): x is readonly ArrayLike<number>[] {
  return x.length > 0 && typeof (x as ArrayLike<unknown>)[0] === 'object' && (x as ArrayLike<unknown>)[0] !== null;
}
