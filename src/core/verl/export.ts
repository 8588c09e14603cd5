// Curated records → verl parquet (docs/preparation/prepare_data.rst): one row per prompt with
// data_source, prompt (a chat list), ability, reward_model {style: "rule", ground_truth} and
// extra_info {id, source, split, index, ability}. Written with hyparquet-writer (explicit nested
// schema); prompts excluded in .acereason/labels.jsonl are left out.
import fs from 'node:fs';
import path from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { z } from 'zod';
import { CODE_INSTRUCTION, MATH_INSTRUCTION, type CodeRecord, type MathRecord, type PromptRecord } from '../dataset/records';
import { excludedIds } from '../labels/store';
import { loadDataset } from '../dataset/load';
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

// --- reading our curated JSONL, with errors that name file, line and field ---------------------

const CodeTestSchema = z.object({ input: z.string(), output: z.string() });
const RecordSchema = z.discriminatedUnion('domain', [
  z.object({ domain: z.literal('math'), id: z.string().min(1), source: z.string().min(1), problem: z.string().min(1), answer: z.string().min(1) }).passthrough(),
  z.object({
    domain: z.literal('code'), id: z.string().min(1), source: z.string().min(1), problem: z.string().min(1),
    format: z.enum(['stdin', 'functional']), tests: z.array(CodeTestSchema).min(1), fnName: z.string().optional(), starterCode: z.string().optional(),
  }).passthrough(),
]);

export interface ReadIssue { file: string; line: number; error: string }

export function readCuratedRecords(file: string): { records: PromptRecord[]; issues: ReadIssue[] } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`cannot read ${file}: ${(e as Error).message}`);
  }
  const records: PromptRecord[] = [];
  const issues: ReadIssue[] = [];
  text.split('\n').forEach((raw, i) => {
    if (!raw.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (e) {
      issues.push({ file, line: i + 1, error: `not valid JSON: ${(e as Error).message}` });
      return;
    }
    const r = RecordSchema.safeParse(value);
    if (!r.success) {
      const first = r.error.issues[0];
      issues.push({ file, line: i + 1, error: `field '${first.path.join('.') || '(record)'}': ${first.message}` });
      return;
    }
    records.push(r.data as unknown as MathRecord | CodeRecord);
  });
  return { records, issues };
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
  skippedLines: ReadIssue[];
}

/** True when the file's first record is in our curated layout (it names its domain). */
function isCuratedLayout(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024);
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    const first = buf.subarray(0, n).toString('utf8').split('\n').find((l) => l.trim());
    if (!first) return true;
    const value = JSON.parse(first);
    return !!value && typeof value === 'object' && (value.domain === 'math' || value.domain === 'code');
  } catch {
    return true; // let the curated reader report the bad line with its number
  } finally {
    fs.closeSync(fd);
  }
}

/** Our curated JSONL as is; any other layout (a benchmark file, NuminaMath, LeetCode, …) through the dataset presets. */
export async function readExportRecords(file: string, domain?: 'math' | 'code'): Promise<{ records: PromptRecord[]; issues: ReadIssue[] }> {
  if (isCuratedLayout(file)) return readCuratedRecords(file);
  if (!domain) throw new Error(`${file} is not curated JSONL (its records have no "domain"): pass --domain math|code to read it through the dataset presets`);
  const loaded = await loadDataset([file], { domain });
  return { records: loaded.records, issues: loaded.skipped.map((p) => ({ file, line: p.line, error: p.field ? `field '${p.field}': ${p.error}` : p.error })) };
}

/** Writes train-<domain>.parquet and val-<domain>.parquet (atomically) into outDir. */
export async function exportVerl(opts: ExportOptions): Promise<ExportReport> {
  const excluded = opts.labelsFile && fs.existsSync(opts.labelsFile) ? excludedIds(opts.labelsFile) : new Set<string>();
  const report: ExportReport = { files: [], excludedByLabel: 0, droppedByFilter: 0, skippedLines: [] };
  const collect = async (files: string[], split: string) => {
    const byDomain = new Map<string, VerlRow[]>();
    for (const f of files) {
      const { records, issues } = await readExportRecords(f, opts.domain);
      report.skippedLines.push(...issues);
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
