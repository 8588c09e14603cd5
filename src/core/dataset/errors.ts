// A problem with one input row, located precisely enough for a researcher to fix it in an editor.
export interface RowProblem {
  file: string;
  /** 1-based line for JSONL; 1-based row for JSON arrays and Parquet (see `unit`). */
  line: number;
  unit?: 'line' | 'row';
  /** The field that was missing or malformed, when one is to blame. */
  field?: string;
  error: string;
}

export function describeRowProblem(p: RowProblem): string {
  const where = `${p.file}:${p.unit === 'row' ? 'row ' : ''}${p.line}`;
  return p.field ? `${where}: field '${p.field}': ${p.error}` : `${where}: ${p.error}`;
}

/** Thrown by a preset's mapper; the loader adds file and line, reports the row and skips it. */
export class FieldError extends Error {
  constructor(readonly field: string, message: string) {
    super(message);
    this.name = 'FieldError';
  }
}

/** A whole file (or the whole request) cannot be read: wrong format, unknown preset, unreadable. */
export class DatasetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatasetError';
  }
}
