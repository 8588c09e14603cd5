// runCuration: read the inputs, run the registered steps over the surviving prompts, and (with
// outDir) write curated.jsonl, removed.jsonl and report.json. Used by `acereason curate` and the
// extension's "Curate Dataset" command. A prompt the researcher labelled "keep" survives the
// heuristic steps (the removal is recorded as overridden); one labelled "exclude" always goes.
import path from 'node:path';
import { describeRowProblem, type RowProblem } from '../dataset/errors';
import { loadDataset } from '../dataset/load';
import type { PromptRecord } from '../dataset/records';
import { loadLabels } from '../labels/store';
import { writeFileAtomic, writeJsonAtomic } from '../util/atomic';
import { loadBenchmarkIndex, type BenchmarkIndex } from './benchmarks';
import { ngramSize, type CurationOptions } from './options';
import { loadPassRates, type PassRateInfo } from './passRates';
import type { RemovalReason, StepContext } from './step';
import { CURATION_STEPS, stepByName } from './steps';
import type { ReferenceRunner } from './referenceRunner';

export interface CurationProgress {
  phase: 'read' | 'benchmarks' | 'step' | 'write' | 'done';
  /** The step running, in phase 'step'. */
  step?: string;
  done: number;
  /** Unknown while reading a stream. */
  total?: number;
  message: string;
}

export interface RemovedItem {
  id: string;
  source: string;
  /** The step that removed it. */
  step: string;
  reasons: RemovalReason[];
  record: PromptRecord;
}

export interface CurationReport {
  input: number;
  kept: number;
  /** Removed prompts per reason (a prompt with two reasons from one step counts under both). */
  removed: Record<string, number>;
  skipped_lines: number;
  removed_total: number;
  rows_read: number;
  domain: 'math' | 'code';
  inputs: string[];
  presets: Record<string, string>;
  ngram: number;
  benchmarks: { files: string[]; items: number; skipped_lines: number };
  steps: { name: string; input: number; removed: number; ms: number; stats?: Record<string, number> }[];
  kept_by_label: number;
  labels?: { file: string; decisions: number; torn_lines: number };
  /** The first skipped lines, each "file:line: field 'x': why". */
  skipped: string[];
  finished_at: string;
}

export interface CurationResult {
  report: CurationReport;
  curated: PromptRecord[];
  removed: RemovedItem[];
  /** Every skipped input line (the report lists only the first ones). */
  skipped: RowProblem[];
  /** Lines read but altered (invalid UTF-8 replaced, …), one warning each. */
  warnings: RowProblem[];
}

export interface CurationDependencies {
  /** Overrides the code sandbox used by --verify-references (tests hand in a fake). */
  referenceRunner?: ReferenceRunner;
}

const SKIPPED_IN_REPORT = 200;

export function validateOptions(options: CurationOptions): void {
  if (options.domain !== 'math' && options.domain !== 'code') throw new Error(`domain must be 'math' or 'code', got '${options.domain}'`);
  if (!options.inputs.length) throw new Error('no input files');
  const n = ngramSize(options);
  if (!Number.isInteger(n) || n < 1 || n > 100) throw new Error(`ngram must be an integer from 1 to 100, got ${options.ngram}`);
  for (const name of [...(options.steps ?? []), ...(options.skipSteps ?? [])]) {
    if (!stepByName(name)) throw new Error(`unknown step '${name}' (known: ${CURATION_STEPS.map((s) => s.name).join(', ')})`);
  }
  if (options.minSharedNgrams !== undefined && !(Number.isInteger(options.minSharedNgrams) && options.minSharedNgrams >= 1)) {
    throw new Error(`minSharedNgrams must be an integer of at least 1, got ${options.minSharedNgrams}`);
  }
  for (const [key, value] of [['minPassRate', options.minPassRate], ['maxPassRate', options.maxPassRate], ['nearDuplicateThreshold', options.nearDuplicateThreshold]] as const) {
    if (value !== undefined && !(value >= 0 && value <= 1)) throw new Error(`${key} must be within 0..1, got ${value}`);
  }
}

export async function runCuration(options: CurationOptions, onProgress: (p: CurationProgress) => void = () => {}, deps: CurationDependencies = {}): Promise<CurationResult> {
  validateOptions(options);
  const n = ngramSize(options);

  onProgress({ phase: 'read', done: 0, message: 'reading inputs' });
  const dataset = await loadDataset(options.inputs, {
    domain: options.domain,
    preset: options.preset,
    mapping: options.mapping,
    onProgress: (rows) => onProgress({ phase: 'read', done: rows, message: `read ${rows} rows` }),
  });

  let benchmarks: BenchmarkIndex | undefined;
  if (options.benchmarks?.length) {
    onProgress({ phase: 'benchmarks', done: 0, message: `indexing ${options.benchmarks.length} benchmark file(s)` });
    benchmarks = await loadBenchmarkIndex(options.benchmarks, n);
  }

  let labels: StepContext['labels'];
  let labelsInfo: CurationReport['labels'];
  if (options.labelsFile) {
    const loaded = loadLabels(options.labelsFile);
    labels = loaded.latest;
    labelsInfo = { file: options.labelsFile, decisions: loaded.history.length, torn_lines: loaded.tornLines.length };
  }

  let passRates: Map<string, PassRateInfo> | undefined;
  if (options.passRatesFile) passRates = loadPassRates(options.passRatesFile).rates;

  let referenceRunner = deps.referenceRunner;
  let closeSandbox: (() => void) | undefined;
  if (options.verifyReferences && !referenceRunner && options.domain === 'code') {
    // Loaded only when asked for: it starts Python workers.
    const { CodeSandbox } = await import('../reward/code');
    const sandbox = new CodeSandbox({ concurrency: options.sandboxConcurrency });
    referenceRunner = sandbox;
    closeSandbox = () => sandbox.close();
  }

  const baseContext: Omit<StepContext, 'progress'> = { domain: options.domain, options, benchmarks, labels, passRates, referenceRunner };
  const wanted = CURATION_STEPS.filter(
    (s) => s.domains.includes(options.domain) && (!options.steps || options.steps.includes(s.name)) && !options.skipSteps?.includes(s.name) && s.enabled(options, baseContext),
  );

  let survivors: PromptRecord[] = dataset.records;
  const removed: RemovedItem[] = [];
  const reasonCounts: Record<string, number> = {};
  const stepReports: CurationReport['steps'] = [];
  let keptByLabel = 0;
  try {
    for (const step of wanted) {
      const started = Date.now();
      onProgress({ phase: 'step', step: step.name, done: 0, total: survivors.length, message: step.description });
      const result = await step.run(survivors, {
        ...baseContext,
        progress: (done, total) => onProgress({ phase: 'step', step: step.name, done, total, message: step.description }),
      });
      const current = result.records ?? survivors;
      if (current.length !== survivors.length) throw new Error(`curation step '${step.name}' returned ${current.length} records for ${survivors.length}`);
      const next: PromptRecord[] = [];
      let removedHere = 0;
      current.forEach((record, i) => {
        const reasons = result.removed.get(i);
        if (!reasons?.length) {
          next.push(record);
          return;
        }
        const overridable = !reasons.some((r) => r.reason === 'label:exclude');
        if (overridable && labels?.get(record.id)?.decision === 'keep') {
          keptByLabel++;
          const overridden = [...((record.meta?.overriddenRemovals as RemovalReason[] | undefined) ?? []), ...reasons];
          next.push({ ...record, meta: { ...record.meta, overriddenRemovals: overridden } } as PromptRecord);
          return;
        }
        removedHere++;
        removed.push({ id: record.id, source: record.source, step: step.name, reasons, record });
        for (const key of new Set(reasons.map((r) => r.reason))) reasonCounts[key] = (reasonCounts[key] ?? 0) + 1;
      });
      stepReports.push({ name: step.name, input: survivors.length, removed: removedHere, ms: Date.now() - started, ...(result.stats ? { stats: result.stats } : {}) });
      survivors = next;
      onProgress({ phase: 'step', step: step.name, done: current.length, total: current.length, message: `${step.name}: removed ${removedHere}` });
    }
  } finally {
    closeSandbox?.();
  }

  const report: CurationReport = {
    input: dataset.records.length,
    kept: survivors.length,
    removed: reasonCounts,
    skipped_lines: dataset.skipped.length,
    removed_total: removed.length,
    rows_read: dataset.rowsRead,
    domain: options.domain,
    inputs: options.inputs,
    presets: dataset.presetByFile,
    ngram: n,
    benchmarks: { files: options.benchmarks ?? [], items: benchmarks?.items.length ?? 0, skipped_lines: benchmarks?.skipped.length ?? 0 },
    steps: stepReports,
    kept_by_label: keptByLabel,
    ...(labelsInfo ? { labels: labelsInfo } : {}),
    skipped: dataset.skipped.slice(0, SKIPPED_IN_REPORT).map(describeRowProblem),
    finished_at: new Date().toISOString(),
  };

  if (options.outDir) {
    onProgress({ phase: 'write', done: 0, total: 3, message: `writing ${options.outDir}` });
    writeCurationOutputs(options.outDir, { report, curated: survivors, removed, skipped: dataset.skipped, warnings: dataset.warnings ?? [] });
  }
  onProgress({ phase: 'done', done: survivors.length, total: dataset.records.length, message: `kept ${survivors.length} of ${dataset.records.length}` });
  return { report, curated: survivors, removed, skipped: dataset.skipped, warnings: dataset.warnings ?? [] };
}

export const CURATED_FILE = 'curated.jsonl';
export const REMOVED_FILE = 'removed.jsonl';
export const REPORT_FILE = 'report.json';

/** Each file is written atomically; the report last, so a complete report means complete outputs. */
export function writeCurationOutputs(outDir: string, result: CurationResult): void {
  const jsonl = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : '');
  writeFileAtomic(path.join(outDir, CURATED_FILE), jsonl(result.curated));
  writeFileAtomic(
    path.join(outDir, REMOVED_FILE),
    jsonl(result.removed.map((r) => ({ id: r.id, source: r.source, step: r.step, reasons: r.reasons, record: r.record }))),
  );
  writeJsonAtomic(path.join(outDir, REPORT_FILE), result.report);
}
