// A user's field mapping for layouts no preset knows: `problem=question,answer=final`, meaning
// "our field `problem` comes from the dataset's `question`". Sources may be dotted paths
// (`answer=meta.final`). Applied to each row before the preset reads it.
import { DatasetError, FieldError } from './errors';

export interface FieldMapping {
  target: string;
  source: string;
}

export function parseFieldMapping(spec: string): FieldMapping[] {
  const out: FieldMapping[] = [];
  for (const part of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    const target = part.slice(0, eq).trim();
    const source = part.slice(eq + 1).trim();
    if (eq <= 0 || !target || !source) throw new DatasetError(`--map: '${part}' is not of the form ourField=datasetField`);
    if (!/^[A-Za-z_][\w]*$/.test(target)) throw new DatasetError(`--map: '${target}' is not a field name`);
    out.push({ target, source });
  }
  if (!out.length) throw new DatasetError('--map: empty mapping');
  return out;
}

function readPath(row: Record<string, unknown>, path: string): unknown {
  if (path in row) return row[path];
  let value: unknown = row;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

export function applyFieldMapping(row: Record<string, unknown>, mapping: readonly FieldMapping[]): Record<string, unknown> {
  const out = { ...row };
  for (const { target, source } of mapping) {
    const value = readPath(row, source);
    if (value === undefined) throw new FieldError(source, `missing (mapped to '${target}' by --map)`);
    out[target] = value;
  }
  return out;
}
