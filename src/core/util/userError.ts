// An error caused by what the user gave us (a file, a line, a field, a flag), not by a bug. Commands
// print its message as one line and exit non-zero; a stack trace is shown only with --debug.
export interface ErrorLocation {
  readonly file?: string;
  /** 1-based line (JSONL) or row (JSON arrays, Parquet). */
  readonly line?: number;
  readonly field?: string;
}

export class UserError extends Error {
  constructor(message: string, readonly where: ErrorLocation = {}) {
    super(formatLocated(message, where));
    this.name = 'UserError';
  }
}

export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError;
}

/** `file:line: field 'x': message`, with whatever parts are known. */
export function formatLocated(message: string, where: ErrorLocation): string {
  const place = [where.file, where.line !== undefined ? String(where.line) : undefined].filter(Boolean).join(':');
  const field = where.field ? `field '${where.field}': ` : '';
  return place ? `${place}: ${field}${message}` : `${field}${message}`;
}
