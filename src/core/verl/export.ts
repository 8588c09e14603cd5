// Curated records → verl parquet (docs/preparation/prepare_data.rst): one row per prompt with
// data_source, prompt (a chat list), ability, reward_model {style: "rule", ground_truth} and
// extra_info {id, source, split, index, ability}. Written with hyparquet-writer (explicit nested
// schema); prompts excluded in .acereason/labels.jsonl are left out.
import fs from 'node:fs';
import path from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { CODE_INSTRUCTION, MATH_INSTRUCTION, type CodeRecord, type PromptRecord } from '../dataset/records';
import { excludedIds } from '../labels/store';
import { DatasetError, type RowProblem } from '../dataset/errors';
import { loadDataset } from '../dataset/load';
import { readRawRows } from '../dataset/rawRows';
import { writeFileAtomic } from '../util/atomic';

export interface VerlRow {
  data_source: string;
  prompt: { role: string; content: string }[];
  ability: 'math' | 'code';
  reward_model: { style: 'rule'; ground_truth: string };
  extra_info: { id: string; source: string; split: string; index: bigint; ability: string };
}

const str = { type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' } as const;
/** The parquet schema of a verl row, flattened depth-first as parquet wants it. */
const VERL_SCHEMA = [
  { name: 'root', num_children: 5 },
  { name: 'data_source', ...str },
  { name: 'prompt', repetition_type: 'REQUIRED', converted_type: 'LIST', num_children: 1 },
  { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
  { name: 'element', repetition_type: 'REQUIRED', num_children: 2 },
  { name: 'role', ...str },
  { name: 'content', ...str },
  { name: 'ability', ...str },
  { name: 'reward_model', repetition_type: 'REQUIRED', num_children: 2 },
  { name: 'style', ...str },
  { name: 'ground_truth', ...str },
  { name: 'extra_info', repetition_type: 'REQUIRED', num_children: 5 },
  { name: 'id', ...str },
  { name: 'source', ...str },
  { name: 'split', ...str },
  { name: 'index', type: 'INT64', repetition_type: 'REQUIRED' },
  { name: 'ability', ...str },
];

/** The user turn of the recipe's prompt (AceReason-Nemotron appendix A.1). */
export function promptText(record: PromptRecord): string {
  if (record.domain === 'math') return `${record.problem.trim()}\n\n${MATH_INSTRUCTION}`;
  const header = record.starterCode?.trim() ? `\n\nFunction header:\n\`\`\`python\n${record.starterCode.trimEnd()}\n\`\`\`` : '';
  return `${record.problem.trim()}\n\n${CODE_INSTRUCTION}${header}`;
}

/** verl's sandbox ground-truth shape for code: {"inputs": [...], "outputs": [...], "fn_name"?}. */
export function codeGroundTruth(record: CodeRecord): string {
  return JSON.stringify({
    inputs: record.tests.map((t) => t.input),
    outputs: record.tests.map((t) => t.output),
    ...(record.format === 'functional' && record.fnName ? { fn_name: record.fnName } : {}),
  });
}

export function toVerlRow(record: PromptRecord, index: number, split: string): VerlRow {
  return {
    data_source: record.source,
    prompt: [{ role: 'user', content: promptText(record) }],
    ability: record.domain,
    reward_model: { style: 'rule', ground_truth: record.domain === 'math' ? record.answer : codeGroundTruth(record) },
    extra_info: { id: record.id, source: record.source, split, index: BigInt(index), ability: record.domain },
  };
}

export function verlParquetBuffer(rows: VerlRow[]): ArrayBuffer {
  return parquetWriteBuffer({
    schema: VERL_SCHEMA as never,
    columnData: [
      { name: 'data_source', data: rows.map((r) => r.data_source) },
      { name: 'prompt', data: rows.map((r) => r.prompt) },
      { name: 'ability', data: rows.map((r) => r.ability) },
      { name: 'reward_model', data: rows.map((r) => r.reward_model) },
      { name: 'extra_info', data: rows.map((r) => r.extra_info) },
    ],
  });
}

// --- reading: the one dataset reader (core/dataset), our curated layout or any preset's -------

/** A line that was not exported (or was altered), with file, line and field. */
export type ReadIssue = RowProblem;

export interface ExportRecords {
  records: PromptRecord[];
  /** Lines that could not be read, each named. */
  issues: ReadIssue[];
  /** Lines read but altered (invalid UTF-8 replaced). */
  warnings: ReadIssue[];
  /** Rows read. */
  rowsRead: number;
}

const SAMPLE_ROWS = 20;

/** The domains the file's first rows declare (our curated layout names its domain), if any. */
async function declaredDomains(file: string): Promise<Set<'math' | 'code'>> {
  const found = new Set<'math' | 'code'>();
  let seen = 0;
  for await (const r of readRawRows(file)) {
    if (r.ok && (r.row.value.domain === 'math' || r.row.value.domain === 'code')) found.add(r.row.value.domain);
    if (++seen >= SAMPLE_ROWS) break;
  }
  return found;
}

const OTHER_DOMAIN = /^is "(math|code)", not '(math|code)'$/;

/**
 * Our curated JSONL (records that name their domain) as it is, any other layout (a benchmark file,
 * NuminaMath, LeetCode, a Parquet file, …) through the dataset presets — both with loadDataset, the
 * reader every command shares. With `domain`, records of the other domain are left out, not reported.
 */
export async function readExportRecords(file: string, domain?: 'math' | 'code'): Promise<ExportRecords> {
  const declared = await declaredDomains(file);
  if (declared.size === 0) {
    if (!domain) throw new DatasetError(`${file}: not curated JSONL (its records have no "domain"): pass --domain math|code to read it through the dataset presets`);
    const loaded = await loadDataset([file], { domain });
    return { records: loaded.records, issues: loaded.skipped, warnings: loaded.warnings, rowsRead: loaded.rowsRead };
  }
  // One pass per domain with our own preset; a row is a problem only if no pass could read it.
  const passes = [];
  for (const d of domain ? [domain] : (['math', 'code'] as const)) passes.push(await loadDataset([file], { domain: d, preset: `acereason-${d}` }));
  const records = passes.flatMap((p) => p.records);
  const problemsByLine = new Map<number, ReadIssue[]>();
  for (const p of passes) for (const problem of p.skipped) problemsByLine.set(problem.line, [...(problemsByLine.get(problem.line) ?? []), problem]);
  const issues: ReadIssue[] = [];
  for (const [, problems] of [...problemsByLine].sort((x, y) => x[0] - y[0])) {
    // Read by another pass: one problem per pass that could not, e.g. "domain is code, not math" — fine.
    if (problems.length < passes.length) continue;
    const real = problems.find((p) => !(p.field === 'domain' && OTHER_DOMAIN.test(p.error)));
    if (real) issues.push(real);
    else if (!domain) issues.push(problems[0]);
    // With --domain, a valid record of the other domain is filtered out, not a bad line.
  }
  return { records, issues, warnings: passes[0].warnings, rowsRead: passes[0].rowsRead };
}

export interface ExportOptions {
  inputs: string[];
  /** Validation files (e.g. AIME, a LiveCodeBench window), exported as val-<domain>.parquet. */
  validation: string[];
  outDir: string;
  /** Only this domain (default: every domain present). */
  domain?: 'math' | 'code';
  labelsFile?: string;
  /** Drop these prompt ids (the curriculum filter's output). */
  dropIds?: ReadonlySet<string>;
}

export interface ExportReport {
  files: { file: string; rows: number; domain: string; split: string }[];
  excludedByLabel: number;
  droppedByFilter: number;
  /** Every line not exported because it could not be read, with file, line and field. */
  skippedLines: ReadIssue[];
  /** Lines exported but altered (invalid UTF-8 replaced). */
  warnings: ReadIssue[];
  rowsRead: number;
}

/** Writes train-<domain>.parquet and val-<domain>.parquet (atomically) into outDir. */
export async function exportVerl(opts: ExportOptions): Promise<ExportReport> {
  const excluded = opts.labelsFile && fs.existsSync(opts.labelsFile) ? excludedIds(opts.labelsFile) : new Set<string>();
  const report: ExportReport = { files: [], excludedByLabel: 0, droppedByFilter: 0, skippedLines: [], warnings: [], rowsRead: 0 };
  const collect = async (files: string[], split: string) => {
    const byDomain = new Map<string, VerlRow[]>();
    for (const f of files) {
      const { records, issues, warnings, rowsRead } = await readExportRecords(f, opts.domain);
      report.skippedLines.push(...issues);
      report.warnings.push(...warnings);
      report.rowsRead += rowsRead;
      for (const rec of records) {
        if (opts.domain && rec.domain !== opts.domain) continue;
        if (excluded.has(rec.id)) { report.excludedByLabel++; continue; }
        if (split === 'train' && opts.dropIds?.has(rec.id)) { report.droppedByFilter++; continue; }
        const rows = byDomain.get(rec.domain) ?? [];
        rows.push(toVerlRow(rec, rows.length, split));
        byDomain.set(rec.domain, rows);
      }
    }
    return byDomain;
  };
  fs.mkdirSync(opts.outDir, { recursive: true });
  for (const [split, files] of [['train', opts.inputs], ['val', opts.validation]] as const) {
    for (const [domain, rows] of await collect(files, split)) {
      const file = path.join(opts.outDir, `${split}-${domain}.parquet`);
      writeFileAtomic(file, new Uint8Array(verlParquetBuffer(rows)));
      report.files.push({ file, rows: rows.length, domain, split });
    }
  }
  return report;
}
