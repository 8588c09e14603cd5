// A preset maps one public dataset layout onto our records. One file per preset, one line in
// ./index.ts to register it.
import type { PromptRecord } from '../records';
import type { Row } from './fields';

export interface RowContext {
  /** Default id when the row has none: `<file basename>-<line>`. */
  fallbackId: string;
  /** Default source when the row has none: the file's basename. */
  fallbackSource: string;
}

export interface DatasetPreset {
  name: string;
  domain: 'math' | 'code';
  /** One line for `--help` and error messages. */
  description: string;
  /** Whether a row has this layout's distinguishing fields (used to auto-detect the preset). */
  matches(row: Row): boolean;
  /** Maps one row; throws FieldError naming the field when the row does not fit. */
  toRecord(row: Row, ctx: RowContext): PromptRecord;
}

const ID_FIELDS = ['id', 'unique_id', 'task_id', 'question_id', 'problem_id', 'uid'];
const SOURCE_FIELDS = ['source', 'data_source', 'dataset'];

export function rowId(row: Row, ctx: RowContext): string {
  for (const f of ID_FIELDS) {
    const v = row[f];
    if ((typeof v === 'string' && v.trim()) || typeof v === 'number') return String(v);
  }
  return ctx.fallbackId;
}

export function rowSource(row: Row, ctx: RowContext): string {
  for (const f of SOURCE_FIELDS) {
    const v = row[f];
    if (typeof v === 'string' && v.trim()) return v;
  }
  return ctx.fallbackSource;
}

/** Fields we keep in `meta` so nothing the dataset said is lost (small scalars only). */
export function scalarMeta(row: Row, used: readonly string[]): Record<string, unknown> | undefined {
  const meta: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    if (used.includes(k)) continue;
    if (typeof v === 'number' || typeof v === 'boolean' || (typeof v === 'string' && v.length <= 200)) meta[k] = v;
  }
  return Object.keys(meta).length ? meta : undefined;
}
