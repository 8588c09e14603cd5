// Small, strict accessors for preset mappers: each failure names the field it is about.
import { FieldError } from '../errors';
import type { CodeTest } from '../records';

export type Row = Record<string, unknown>;

export function firstPresent(row: Row, names: readonly string[]): string | undefined {
  return names.find((n) => row[n] !== undefined && row[n] !== null);
}

/** A required text field; numbers are accepted (as text) only where a value is expected, e.g. answers. */
export function requireText(row: Row, names: readonly string[], what = names[0], opts: { numbers?: boolean } = {}): { field: string; text: string } {
  const field = firstPresent(row, names);
  if (!field) throw new FieldError(what, `missing (looked for ${names.map((n) => `'${n}'`).join(', ')})`);
  const value = row[field];
  if (opts.numbers && typeof value === 'number' && Number.isFinite(value)) return { field, text: String(value) };
  if (typeof value !== 'string') throw new FieldError(field, `expected a string, got ${describeType(value)}`);
  if (!value.trim()) throw new FieldError(field, 'is empty');
  return { field, text: value };
}

export function optionalText(row: Row, names: readonly string[]): string | undefined {
  const field = firstPresent(row, names);
  if (!field) return undefined;
  const value = row[field];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw new FieldError(field, `expected a string, got ${describeType(value)}`);
}

export function optionalNumber(row: Row, name: string): number | undefined {
  const value = row[name];
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  if (!Number.isFinite(n)) throw new FieldError(name, `expected a number, got ${JSON.stringify(value).slice(0, 60)}`);
  return n;
}

export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}

/** A field that some datasets store as a JSON string and others as the value itself. */
export function jsonField(row: Row, field: string): unknown {
  const value = row[field];
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch (e) {
    throw new FieldError(field, `not valid JSON: ${(e as Error).message}`);
  }
}

/** Test cases as text: strings stay as they are, other JSON values are serialised. */
export function testText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Accepts [{input, output}, …] or {inputs: [...], outputs: [...]}. */
export function parseTestList(value: unknown, field: string): CodeTest[] {
  if (Array.isArray(value)) {
    return value.map((t, i) => {
      if (!t || typeof t !== 'object') throw new FieldError(`${field}[${i}]`, `expected {input, output}, got ${describeType(t)}`);
      const test = t as Row;
      if (test.input === undefined) throw new FieldError(`${field}[${i}].input`, 'missing');
      if (test.output === undefined) throw new FieldError(`${field}[${i}].output`, 'missing');
      return { input: testText(test.input), output: testText(test.output) };
    });
  }
  if (value && typeof value === 'object') {
    const { inputs, outputs } = value as Row;
    if (!Array.isArray(inputs)) throw new FieldError(`${field}.inputs`, 'expected an array');
    if (!Array.isArray(outputs)) throw new FieldError(`${field}.outputs`, 'expected an array');
    if (inputs.length !== outputs.length) {
      throw new FieldError(field, `${inputs.length} inputs but ${outputs.length} outputs`);
    }
    return inputs.map((input, i) => ({ input: testText(input), output: testText(outputs[i]) }));
  }
  throw new FieldError(field, `expected a list of tests, got ${describeType(value)}`);
}

/** An ISO date (YYYY-MM-DD…) from a date-ish field, or undefined. */
export function optionalDate(row: Row, names: readonly string[]): string | undefined {
  const field = firstPresent(row, names);
  if (!field) return undefined;
  const value = row[field];
  const date = typeof value === 'string' || typeof value === 'number' ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime())) throw new FieldError(field, `not a date: ${JSON.stringify(value).slice(0, 60)}`);
  return date.toISOString().slice(0, 10);
}

export function optionalStringList(row: Row, field: string): string[] | undefined {
  if (row[field] === undefined || row[field] === null || row[field] === '') return undefined;
  const value = jsonField(row, field);
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value) || value.some((s) => typeof s !== 'string')) throw new FieldError(field, 'expected a list of code strings');
  return value as string[];
}

export const PROBLEM_FIELDS = ['problem', 'question', 'prompt', 'question_content'] as const;
