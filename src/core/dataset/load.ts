// Loads dataset files into our records: reads rows (rawRows), applies the user's field mapping,
// picks a preset (given, or detected from the first rows of each file) and maps every row.
// A row that does not fit is reported with file, line and field and skipped — never dropped silently.
import path from 'node:path';
import { DatasetError, FieldError, describeRowProblem, type RowProblem } from './errors';
import { applyFieldMapping, type FieldMapping } from './fieldMapping';
import { PRESETS, presetByName, type DatasetPreset } from './presets';
import { readRawRows, type RawRow } from './rawRows';
import type { PromptRecord } from './records';

export interface LoadOptions {
  domain: 'math' | 'code';
  /** A preset name; detected per file from its first rows when absent. */
  preset?: string;
  mapping?: readonly FieldMapping[];
  /** How many rows auto-detection looks at. */
  detectRows?: number;
  /** Called every `progressEvery` rows read. */
  onProgress?: (rowsRead: number) => void;
  progressEvery?: number;
}

export interface LoadedDataset {
  records: PromptRecord[];
  /** Rows read (valid or not), over all files. */
  rowsRead: number;
  skipped: RowProblem[];
  /** Rows read but altered (invalid UTF-8 replaced): kept, and reported here line by line. */
  warnings: RowProblem[];
  presetByFile: Record<string, string>;
}

export function presetsFor(domain: 'math' | 'code'): DatasetPreset[] {
  return PRESETS.filter((p) => p.domain === domain);
}

export function resolvePreset(name: string, domain: 'math' | 'code'): DatasetPreset {
  const preset = presetByName(name);
  if (!preset) throw new DatasetError(`unknown preset '${name}' (known: ${PRESETS.map((p) => p.name).join(', ')})`);
  if (preset.domain !== domain) throw new DatasetError(`preset '${name}' is for ${preset.domain}, not ${domain}`);
  return preset;
}

/** The preset matching most of the sample rows (ties go to the earlier, more specific one). */
export function detectPreset(file: string, rows: readonly Record<string, unknown>[], domain: 'math' | 'code'): DatasetPreset {
  let best: DatasetPreset | undefined;
  let bestCount = 0;
  for (const preset of presetsFor(domain)) {
    const count = rows.filter((r) => preset.matches(r)).length;
    if (count > bestCount) {
      best = preset;
      bestCount = count;
    }
  }
  if (!best) {
    const fields = rows.length ? Object.keys(rows[0]).slice(0, 20).join(', ') : '(no readable rows)';
    throw new DatasetError(
      `${file}: no ${domain} preset fits its first rows (fields: ${fields}). ` +
        `Name one with --preset (${presetsFor(domain).map((p) => p.name).join(', ')}) or map fields with --map problem=…,answer=…`,
    );
  }
  return best;
}

export async function loadDataset(files: readonly string[], opts: LoadOptions): Promise<LoadedDataset> {
  const out: LoadedDataset = { records: [], rowsRead: 0, skipped: [], warnings: [], presetByFile: {} };
  const forced = opts.preset ? resolvePreset(opts.preset, opts.domain) : undefined;
  const detectRows = opts.detectRows ?? 20;
  const progressEvery = opts.progressEvery ?? 500;
  const seenIds = new Set<string>();

  for (const file of files) {
    const base = path.basename(file).replace(/\.(jsonl|ndjson|json|parquet)$/i, '');
    let preset = forced;
    const pending: { row: RawRow; mapped: Record<string, unknown> }[] = [];

    const mapRow = (row: RawRow, mapped: Record<string, unknown>, use: DatasetPreset) => {
      try {
        const record = use.toRecord(mapped, { fallbackId: `${base}-${row.line}`, fallbackSource: base });
        if (seenIds.has(record.id)) {
          // Labels and samples refer to prompts by id, so ids must be unique; keep the row, make its id so.
          record.meta = { ...record.meta, originalId: record.id };
          record.id = `${record.id}@${base}:${row.line}`;
        }
        seenIds.add(record.id);
        out.records.push(record);
      } catch (e) {
        // Any failure on one row is that row's problem, never the whole file's.
        if (e instanceof FieldError) out.skipped.push({ file, line: row.line, unit: row.unit, field: e.field, error: e.message });
        else out.skipped.push({ file, line: row.line, unit: row.unit, error: `cannot be read as a ${use.name} row: ${(e as Error)?.message ?? String(e)}` });
      }
    };

    for await (const result of readRawRows(file)) {
      out.rowsRead++;
      if (opts.onProgress && out.rowsRead % progressEvery === 0) opts.onProgress(out.rowsRead);
      if (!result.ok) {
        out.skipped.push(result.problem);
        continue;
      }
      if (result.warnings) out.warnings.push(...result.warnings);
      let mapped: Record<string, unknown>;
      try {
        mapped = opts.mapping ? applyFieldMapping(result.row.value, opts.mapping) : result.row.value;
      } catch (e) {
        if (!(e instanceof FieldError)) throw e;
        out.skipped.push({ file, line: result.row.line, unit: result.row.unit, field: e.field, error: e.message });
        continue;
      }
      if (preset) {
        mapRow(result.row, mapped, preset);
        continue;
      }
      pending.push({ row: result.row, mapped });
      if (pending.length >= detectRows) {
        preset = detectPreset(file, pending.map((p) => p.mapped), opts.domain);
        for (const p of pending.splice(0)) mapRow(p.row, p.mapped, preset);
      }
    }
    if (!preset && pending.length) {
      preset = detectPreset(file, pending.map((p) => p.mapped), opts.domain);
      for (const p of pending.splice(0)) mapRow(p.row, p.mapped, preset);
    }
    if (preset) out.presetByFile[file] = preset.name;
  }
  opts.onProgress?.(out.rowsRead);
  return out;
}

export { describeRowProblem };
