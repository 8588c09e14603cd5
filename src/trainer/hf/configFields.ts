// config.json (and generation_config.json) read field by field, each problem an error naming the file
// and the field; `refuse` for a feature the network does not compute (rather than computing something else).
import { UserError } from '../../core/util/userError';

/** Reads config.json fields with errors that name the file and the field. */
export class ConfigFields {
  constructor(readonly raw: Record<string, unknown>, readonly file: string) {}

  private fail(field: string, why: string): never {
    throw new UserError(why, { file: this.file, field });
  }

  has(field: string): boolean {
    return this.raw[field] !== undefined && this.raw[field] !== null;
  }

  int(field: string, fallback?: number): number {
    const v = this.raw[field];
    if (v === undefined || v === null) {
      if (fallback !== undefined) return fallback;
      this.fail(field, 'missing (a positive integer is required)');
    }
    if (!Number.isInteger(v) || (v as number) < 1) this.fail(field, `must be a positive integer, got ${JSON.stringify(v)}`);
    return v as number;
  }

  num(field: string, fallback?: number): number {
    const v = this.raw[field];
    if (v === undefined || v === null) {
      if (fallback !== undefined) return fallback;
      this.fail(field, 'missing (a number is required)');
    }
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) this.fail(field, `must be a positive number, got ${JSON.stringify(v)}`);
    return v;
  }

  bool(field: string, fallback: boolean): boolean {
    const v = this.raw[field];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'boolean') this.fail(field, `must be true or false, got ${JSON.stringify(v)}`);
    return v;
  }

  /** An int or a list of ints (eos_token_id), as a list. */
  ids(field: string): number[] {
    const v = this.raw[field];
    if (v === undefined || v === null) return [];
    const list = Array.isArray(v) ? v : [v];
    if (!list.every((x) => Number.isInteger(x) && x >= 0)) this.fail(field, `must be a token id or a list of token ids, got ${JSON.stringify(v)}`);
    return list as number[];
  }

  /** Refuses a feature this implementation does not compute (rather than computing something else). */
  refuse(field: string, why: string): never {
    this.fail(field, why);
  }
}
