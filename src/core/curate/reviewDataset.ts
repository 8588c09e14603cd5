// The dataset the curator reviews: a curation output (curated.jsonl + removed.jsonl with reasons)
// or any dataset file the readers understand. The extension host keeps the rows; the webview gets
// summaries in chunks and one prompt in full on request. Loading a Parquet or JSON-array file runs in
// the CLI's `job` process (the formats have no streaming boundary), which hands the host the entries
// as JSONL (`writeReviewEntries` / `readReviewEntries`).
import fs from 'node:fs';
import path from 'node:path';
import { loadDataset, detectPreset } from '../dataset/load';
import { readRawRows } from '../dataset/rawRows';
import { describeRowProblem, DatasetError, type RowProblem } from '../dataset/errors';
import { CURATED_FILE, REMOVED_FILE } from './pipeline';
import { sharedSpans } from './evidence';
import type { PromptRecord } from '../dataset/records';
import {
  ROW_TEXT_CHARS, type CuratorRow, type OverlapEvidence, type PipelineStatus, type PromptDetail, type RemovalDetail, type RowLabel, type Rollout,
} from '../protocol/curator';

/** What removed.jsonl recorded about one overlapping benchmark item (decontamination evidence). */
export interface RecordedOverlap {
  benchmark: string;
  id: string;
  sharedNgrams: number;
  exact: boolean;
  shared: string[];
  benchmarkProblem: string;
}

/** A removal as the host keeps it: what the view shows, plus the recorded evidence to lay out on request. */
export interface HostRemoval extends RemovalDetail {
  recorded?: RecordedOverlap[];
}

export interface CuratorEntry {
  record: PromptRecord;
  status: PipelineStatus;
  removals: HostRemoval[];
}

export interface CuratorDataset {
  /** What the view shows as the dataset's name (a path, relative to the workspace when inside it). */
  name: string;
  /** The file or folder it was loaded from. */
  location: string;
  curated: boolean;
  entries: CuratorEntry[];
  /** Index into `entries` by prompt id. */
  byId: Map<string, number>;
  /** Lines that could not be read, each with file, line and field. */
  problems: RowProblem[];
}


/** A curation output folder for `target` (the folder itself, or a folder holding curated.jsonl), if any. */
export function curationDirOf(target: string): string | undefined {
  const dir = fs.existsSync(target) && fs.statSync(target).isDirectory() ? target : path.dirname(target);
  const base = path.basename(target);
  const isDir = dir === target;
  if (!isDir && base !== CURATED_FILE && base !== REMOVED_FILE) return undefined;
  return fs.existsSync(path.join(dir, CURATED_FILE)) || fs.existsSync(path.join(dir, REMOVED_FILE)) ? dir : undefined;
}

export async function loadCuratorDataset(target: string, workspace?: string): Promise<CuratorDataset> {
  if (!fs.existsSync(target)) throw new DatasetError(`${target}: no such file or folder`);
  const name = workspace && !path.relative(workspace, target).startsWith('..') ? path.relative(workspace, target) || path.basename(target) : target;
  const dir = curationDirOf(target);
  if (dir) return loadCurationOutput(dir, name);
  if (fs.statSync(target).isDirectory()) {
    throw new DatasetError(`${target}: a folder without ${CURATED_FILE} or ${REMOVED_FILE}; pick a dataset file or a curation output folder`);
  }
  const domain = await detectDomain(target);
  const loaded = await loadDataset([target], { domain });
  return withIndex({
    name, location: target, curated: false, problems: loaded.skipped, byId: new Map(),
    entries: loaded.records.map((record) => ({ record, status: 'uncurated', removals: [] })),
  });
}

/** 'code' when the first rows fit a code layout (tests), otherwise 'math'. */
export async function detectDomain(file: string): Promise<'math' | 'code'> {
  const sample: Record<string, unknown>[] = [];
  for await (const r of readRawRows(file)) {
    if (r.ok) sample.push(r.row.value);
    if (sample.length >= 20) break;
  }
  const declared = sample.map((r) => r.domain).find((d) => d === 'math' || d === 'code');
  if (declared) return declared as 'math' | 'code';
  try {
    detectPreset(file, sample, 'code');
    return 'code';
  } catch {
    return 'math';
  }
}

async function loadCurationOutput(dir: string, name: string): Promise<CuratorDataset> {
  const out: CuratorDataset = { name, location: dir, curated: true, entries: [], problems: [], byId: new Map() };
  const curated = path.join(dir, CURATED_FILE);
  const removed = path.join(dir, REMOVED_FILE);
  if (fs.existsSync(curated) && fs.statSync(curated).size > 0) {
    const domain = await detectDomain(curated);
    const loaded = await loadDataset([curated], { domain });
    out.problems.push(...loaded.skipped);
    const overridden = await overriddenRemovalsById(curated);
    for (const record of loaded.records) out.entries.push({ record, status: 'kept', removals: overridden.get(record.id) ?? [] });
  }
  if (fs.existsSync(removed)) await readRemoved(removed, out);
  return withIndex(out);
}

function withIndex(ds: CuratorDataset): CuratorDataset {
  ds.byId.clear();
  ds.entries.forEach((e, i) => { if (!ds.byId.has(e.record.id)) ds.byId.set(e.record.id, i); });
  return ds;
}

/**
 * removed.jsonl lines carry a record and its reasons, either nested (`{record, reasons}`) or flat
 * (the record's fields plus `reasons`). Reasons are strings or `{reason, detail?, overlaps?}`.
 */
async function readRemoved(file: string, out: CuratorDataset): Promise<void> {
  const rows: { line: number; inner: Record<string, unknown>; reasons: RemovalDetail[] }[] = [];
  for await (const r of readRawRows(file)) {
    if (!r.ok) { out.problems.push(r.problem); continue; }
    const value = r.row.value;
    const inner = isObject(value.record) ? value.record : value;
    try {
      rows.push({ line: r.row.line, inner, reasons: parseReasons(value.reasons ?? value.removal_reasons ?? value.reason, file, r.row.line) });
    } catch (e) {
      out.problems.push({ file, line: r.row.line, field: 'reasons', error: (e as Error).message });
    }
  }
  if (rows.length === 0) return;
  const byDomain = new Map<'math' | 'code', typeof rows>();
  for (const row of rows) {
    const domain = row.inner.domain === 'code' || row.inner.domain === 'math' ? row.inner.domain : undefined;
    const key = domain ?? (looksLikeCode(row.inner) ? 'code' : 'math');
    byDomain.set(key, [...(byDomain.get(key) ?? []), row]);
  }
  const base = path.basename(file, '.jsonl');
  for (const [domain, group] of byDomain) {
    let preset;
    try {
      preset = detectPreset(file, group.slice(0, 20).map((g) => g.inner), domain);
    } catch (e) {
      for (const g of group) out.problems.push({ file, line: g.line, error: (e as Error).message });
      continue;
    }
    for (const g of group) {
      try {
        const record = preset.toRecord(g.inner, { fallbackId: `${base}-${g.line}`, fallbackSource: base });
        out.entries.push({ record, status: 'removed', removals: g.reasons });
      } catch (e) {
        out.problems.push({ file, line: g.line, field: (e as { field?: string }).field, error: (e as Error).message });
      }
    }
  }
}

/**
 * A prompt the researcher labelled "keep" survives steps that would have removed it; the pipeline
 * records those reasons in meta.overriddenRemovals (which the dataset presets do not carry over, so
 * they are read from the raw rows), and the curator shows them as overridden.
 */
async function overriddenRemovalsById(file: string): Promise<Map<string, RemovalDetail[]>> {
  const out = new Map<string, RemovalDetail[]>();
  for await (const r of readRawRows(file)) {
    if (!r.ok) continue;
    const meta = r.row.value.meta;
    const raw = isObject(meta) ? meta.overriddenRemovals : undefined;
    const id = r.row.value.id;
    if (!Array.isArray(raw) || raw.length === 0 || (typeof id !== 'string' && typeof id !== 'number')) continue;
    try {
      out.set(String(id), parseReasons(raw, file, r.row.line).map((x) => ({ ...x, detail: `overridden by a keep label${x.detail ? ` — ${x.detail}` : ''}`.slice(0, 5000) })));
    } catch {
      // A malformed note about overrides does not make the prompt unreadable.
    }
  }
  return out;
}

function looksLikeCode(row: Record<string, unknown>): boolean {
  return 'tests' in row || 'input_output' in row || 'fn_name' in row || 'test_code' in row;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseReasons(raw: unknown, file: string, line: number): HostRemoval[] {
  if (raw === undefined || raw === null) return [{ reason: 'removed' }];
  const list = Array.isArray(raw) ? raw : [raw];
  return list.map((r, i) => {
    if (typeof r === 'string') return { reason: r.slice(0, 500) };
    if (!isObject(r) || typeof r.reason !== 'string') {
      throw new Error(`${file}:${line}: reasons[${i}] must be a string or an object with a string 'reason'`);
    }
    const detail: HostRemoval = { reason: r.reason.slice(0, 500) };
    if (typeof r.detail === 'string') detail.detail = r.detail.slice(0, 5000);
    if (typeof r.duplicateOf === 'string') detail.detail = `${detail.detail ? `${detail.detail}; ` : ''}duplicate of ${r.duplicateOf}`.slice(0, 5000);
    if (Array.isArray(r.overlaps)) {
      detail.overlaps = r.overlaps.slice(0, 200).map(overlapName);
      const recorded = r.overlaps.slice(0, 10).map(recordedOverlap).filter((o): o is RecordedOverlap => !!o);
      if (recorded.length) detail.recorded = recorded;
    }
    return detail;
  });
}

/** The evidence of an overlap object written by the decontamination step; undefined when it carries none. */
function recordedOverlap(o: unknown): RecordedOverlap | undefined {
  if (!isObject(o) || typeof o.benchmarkProblem !== 'string') return undefined;
  const shared = Array.isArray(o.shared) ? o.shared.filter((g): g is string => typeof g === 'string').slice(0, 200).map((g) => g.slice(0, 2000)) : [];
  return {
    benchmark: typeof o.benchmark === 'string' ? o.benchmark.slice(0, 500) : '?',
    id: typeof o.id === 'string' || typeof o.id === 'number' ? String(o.id).slice(0, 500) : '?',
    sharedNgrams: typeof o.sharedNgrams === 'number' && Number.isInteger(o.sharedNgrams) && o.sharedNgrams >= 0 ? o.sharedNgrams : shared.length,
    exact: o.exact === true,
    shared,
    benchmarkProblem: o.benchmarkProblem.slice(0, 20_000),
  };
}

/** The recorded overlaps of a removal laid out against the prompt: highlighted spans on both sides. */
export function evidenceOf(problem: string, recorded: readonly RecordedOverlap[]): OverlapEvidence[] {
  return recorded.map((o) => {
    const n = o.shared.length ? o.shared[0].split(' ').length : 1;
    // A whole-statement match shares every word: highlight all of both texts.
    const all = (t: string): [number, number][] => (t.length ? [[0, t.length]] : []);
    return {
      benchmark: o.benchmark, id: o.id, sharedNgrams: o.sharedNgrams, n, exact: o.exact, shared: o.shared, benchmarkProblem: o.benchmarkProblem,
      promptSpans: o.exact && !o.shared.length ? all(problem) : sharedSpans(problem, o.shared, n).slice(0, 5000),
      benchmarkSpans: o.exact && !o.shared.length ? all(o.benchmarkProblem) : sharedSpans(o.benchmarkProblem, o.shared, n).slice(0, 5000),
    };
  });
}

/** Why the verifier cannot parse the reference answer, from the removal that says so or a flag on the record. */
export function verifierFailureOf(entry: CuratorEntry): string | null {
  const removal = entry.removals.find((r) => r.reason === 'answer-unparseable');
  if (removal) return (removal.detail ?? 'the verifier cannot parse the reference answer').replace(/^overridden by a keep label — /, '').slice(0, 2000);
  const flag = entry.record.meta?.verifierFailure ?? entry.record.meta?.answerUnparseable;
  if (typeof flag === 'string' && flag) return flag.slice(0, 2000);
  if (flag === true) return 'the verifier cannot parse the reference answer';
  return null;
}

/** "math500:test/algebra/1" (benchmark:id), from an overlap object or a plain string. */
function overlapName(o: unknown): string {
  if (typeof o === 'string') return o.slice(0, 500);
  if (isObject(o)) {
    const bench = typeof o.benchmark === 'string' ? o.benchmark : typeof o.file === 'string' ? path.basename(o.file) : '?';
    const id = typeof o.id === 'string' || typeof o.id === 'number' ? String(o.id) : '?';
    return `${bench}:${id}`.slice(0, 500);
  }
  return String(o).slice(0, 500);
}

export function describeProblems(problems: readonly RowProblem[], max = 20): string {
  const lines = problems.slice(0, max).map(describeRowProblem);
  if (problems.length > max) lines.push(`… and ${problems.length - max} more`);
  return lines.join('\n');
}

// ---- views of an entry ---------------------------------------------------------------------------

function numberField(record: PromptRecord, key: 'difficulty' | 'passRate'): number | null {
  const direct = record[key];
  if (typeof direct === 'number' && Number.isFinite(direct)) return direct;
  const meta = record.meta?.[key] ?? record.meta?.[key === 'passRate' ? 'pass_rate' : key];
  return typeof meta === 'number' && Number.isFinite(meta) ? meta : null;
}

export interface Measured { passRate: number | null; difficulty: number | null }

export function measuredOf(entry: CuratorEntry, passRates?: ReadonlyMap<string, { passRate: number }>): Measured {
  const measured = passRates?.get(entry.record.id)?.passRate;
  return {
    passRate: measured ?? numberField(entry.record, 'passRate'),
    difficulty: numberField(entry.record, 'difficulty'),
  };
}

export function toRow(entry: CuratorEntry, label: RowLabel | null, measured: Measured): CuratorRow {
  const r = entry.record;
  return {
    id: r.id.slice(0, 500),
    source: r.source.slice(0, 500),
    domain: r.domain,
    text: r.problem.slice(0, ROW_TEXT_CHARS),
    status: entry.status,
    // Only the reasons that removed it: reasons a keep label overrode show in the detail pane.
    reasons: entry.status === 'removed' ? entry.removals.map((x) => x.reason).slice(0, 100) : [],
    label,
    difficulty: measured.difficulty,
    passRate: measured.passRate,
  };
}

const DETAIL_TESTS = 20;

export function toDetail(entry: CuratorEntry, label: RowLabel | null, measured: Measured, rollouts: Rollout[]): PromptDetail {
  const r = entry.record;
  const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
  return {
    id: r.id.slice(0, 500),
    source: r.source.slice(0, 500),
    domain: r.domain,
    problem: cut(r.problem, 200_000),
    answer: r.domain === 'math' ? cut(r.answer, 20_000) : null,
    tests: r.domain === 'code' ? r.tests.slice(0, DETAIL_TESTS).map((t) => ({ input: cut(t.input, 20_000), output: cut(t.output, 20_000) })) : [],
    testCount: r.domain === 'code' ? r.tests.length : 0,
    status: entry.status,
    removals: entry.removals.slice(0, 100).map(({ recorded, ...shown }) => (recorded ? { ...shown, evidence: evidenceOf(r.problem, recorded) } : shown)),
    verifierFailure: verifierFailureOf(entry),
    label,
    difficulty: measured.difficulty,
    passRate: measured.passRate,
    rollouts: rollouts.slice(0, 200),
  };
}

// ---- entries as JSONL (from the job process to the host) ---------------------------------------

/** What a loaded dataset is besides its entries. */
export interface ReviewDatasetHeader {
  name: string;
  location: string;
  curated: boolean;
  problems: RowProblem[];
}

/** One line per entry, so the reader can parse them one at a time. */
export function reviewEntriesJsonl(ds: CuratorDataset): string {
  return ds.entries.map((e) => JSON.stringify(e)).join('\n') + (ds.entries.length ? '\n' : '');
}

/** Reads entries written by reviewEntriesJsonl, line by line (the host's event loop keeps turning). */
export async function readReviewEntries(file: string, header: ReviewDatasetHeader): Promise<CuratorDataset> {
  const readline = await import('node:readline');
  const out: CuratorDataset = { ...header, entries: [], byId: new Map() };
  const lines = readline.createInterface({ input: fs.createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line++;
    if (!text) continue;
    const e = JSON.parse(text) as CuratorEntry;
    if (!e || typeof e !== 'object' || !e.record || typeof e.record.id !== 'string') throw new DatasetError(`${file}:${line}: not a curator entry`);
    out.entries.push(e);
  }
  return withIndex(out);
}

/** Whether loading `target` parses a whole file at once (Parquet row groups, JSON arrays): such loads go to the job process. */
export function loadsInOneBlock(target: string): boolean {
  if (!fs.existsSync(target) || fs.statSync(target).isDirectory()) return false;
  return /\.(parquet|json)$/i.test(target);
}
