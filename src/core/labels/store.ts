// The researcher's curation decisions: <workspace>/.acereason/labels.jsonl, append-only.
// One JSON line per decision, written with a single write(2) + fsync, so a crash loses at most the
// line being written and never an earlier one. The latest decision for a prompt wins; an 'undo'
// line reverts that prompt to the decision it had before its most recent one.
// The trainer calls excludedIds() every step, so it is cached on (inode, size, mtime) and a file
// that only grew is read from where the last read stopped.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { appendJsonLine } from '../util/atomic';

export const LABEL_DECISIONS = ['keep', 'exclude', 'flag'] as const;
export type LabelDecisionKind = (typeof LABEL_DECISIONS)[number];

const isoTime = z.string().min(1).max(64);
const promptId = z.string().min(1).max(500);

export const LabelDecisionLine = z.object({
  type: z.literal('label').optional(),
  id: promptId,
  decision: z.enum(LABEL_DECISIONS),
  note: z.string().max(20_000).optional(),
  time: isoTime,
  dataset: z.string().max(1000).optional(),
  by: z.string().max(200).optional(),
});
export type LabelDecision = z.infer<typeof LabelDecisionLine>;

export const LabelUndoLine = z.object({
  type: z.literal('undo'),
  id: promptId,
  time: isoTime,
  dataset: z.string().max(1000).optional(),
  by: z.string().max(200).optional(),
});
export type LabelUndo = z.infer<typeof LabelUndoLine>;

export type LabelHistoryEntry = LabelDecision | LabelUndo;

export interface LabelDecisionInput {
  id: string;
  decision: LabelDecisionKind;
  note?: string;
  /** ISO time; defaults to now. */
  time?: string;
  dataset?: string;
  by?: string;
}

export interface BadLabelLine {
  /** 1-based line number in labels.jsonl. */
  line: number;
  error: string;
}

export interface LoadedLabels {
  /** The decision in force for each prompt id (after undos). Ids whose every decision was undone are absent. */
  latest: Map<string, LabelDecision>;
  /** Every valid line, in file order. */
  history: LabelHistoryEntry[];
  /** Lines that are not a valid decision: a torn last line after a crash, or a corrupt line. Ignored. */
  tornLines: BadLabelLine[];
}

/** Appends one decision as one line (fsync'd). Throws on invalid input, naming the field. */
export function appendLabel(file: string, input: LabelDecisionInput): LabelDecision {
  const entry = validateForWrite(LabelDecisionLine, { ...input, time: input.time ?? new Date().toISOString() });
  appendJsonLine(file, withoutUndefined(entry), { fsync: true });
  return entry;
}

/**
 * Appends many decisions (a bulk action on a selection) with one write and one fsync. All are
 * validated first: nothing is written if one is invalid. A crash mid-write keeps every complete
 * line before the tear.
 */
export function appendLabels(file: string, inputs: readonly LabelDecisionInput[]): LabelDecision[] {
  const time = new Date().toISOString();
  const entries = inputs.map((input, i) => {
    try {
      return validateForWrite(LabelDecisionLine, { ...input, time: input.time ?? time });
    } catch (e) {
      throw new Error(`decision ${i + 1} of ${inputs.length} (id ${JSON.stringify(input.id)}): ${(e as Error).message}`);
    }
  });
  if (!entries.length) return entries;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const fd = fs.openSync(file, 'a+');
  try {
    // Start on a fresh line if a crash left a torn one (same rule as appendJsonLine).
    const size = fs.fstatSync(fd).size;
    let prefix = '';
    if (size > 0) {
      const last = Buffer.alloc(1);
      fs.readSync(fd, last, 0, 1, size - 1);
      if (last[0] !== 0x0a) prefix = '\n';
    }
    fs.writeSync(fd, prefix + entries.map((e) => JSON.stringify(withoutUndefined(e))).join('\n') + '\n');
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return entries;
}

/** Appends an undo line: the prompt goes back to the decision it had before its latest one. */
export function appendUndo(file: string, input: { id: string; time?: string; dataset?: string; by?: string }): LabelUndo {
  const entry = validateForWrite(LabelUndoLine, { type: 'undo', ...input, time: input.time ?? new Date().toISOString() });
  appendJsonLine(file, withoutUndefined(entry), { fsync: true });
  return entry;
}

/** Reads the whole file. A missing file is an empty store. */
export function loadLabels(file: string): LoadedLabels {
  const state = new LabelsState();
  if (!fs.existsSync(file)) return state.snapshot();
  state.consume(fs.readFileSync(file), 0);
  return state.snapshot();
}

/** The ids whose decision in force is 'exclude'. Cheap on an unchanged file (one stat). */
export function excludedIds(file: string): ReadonlySet<string> {
  return cachedReader(file).read().excluded;
}

/** The decision in force per id, cached like excludedIds. */
export function latestLabels(file: string): ReadonlyMap<string, LabelDecision> {
  return cachedReader(file).read().latest;
}

/** Forget cached state (tests, or after the file was replaced by another tool). */
export function clearLabelsCache(): void {
  readers.clear();
}

// ---------------------------------------------------------------------------------------------

function validateForWrite<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new Error(`invalid label decision: ${describeZodError(parsed.error)}`);
  return parsed.data;
}

function describeZodError(error: z.ZodError): string {
  return error.issues.map((i) => `field '${i.path.join('.') || '(root)'}': ${i.message}`).join('; ');
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** Folds lines into the per-id decision stacks; can be fed incrementally. */
class LabelsState {
  private readonly stacks = new Map<string, LabelDecision[]>();
  readonly history: LabelHistoryEntry[] = [];
  readonly bad: BadLabelLine[] = [];
  /** Number of '\n'-terminated lines consumed so far. */
  linesConsumed = 0;
  /** Byte offset just after the last '\n' consumed. */
  offset = 0;
  private excludedCache: Set<string> | undefined;
  private latestCache: Map<string, LabelDecision> | undefined;
  /** A trailing line without '\n' seen on the last read (reported, re-read when the file grows). */
  pendingTail: BadLabelLine | undefined;
  private appliedUnterminatedTail = false;

  /**
   * Consumes bytes starting at file offset `start`. Complete lines advance the offset; an
   * unterminated tail is reported as torn but not consumed, so a later read sees it again.
   */
  consume(bytes: Buffer, start: number): void {
    let lineStart = 0;
    this.pendingTail = undefined;
    // The '\n' that a later append put after an unterminated-but-complete line we already applied.
    if (this.appliedUnterminatedTail && bytes.length > 0) {
      if (bytes[0] === 0x0a) lineStart = 1;
      this.appliedUnterminatedTail = false;
    }
    for (;;) {
      const nl = bytes.indexOf(0x0a, lineStart);
      if (nl < 0) break;
      this.linesConsumed++;
      this.applyLine(bytes.subarray(lineStart, nl).toString('utf8'), this.linesConsumed, this.bad);
      lineStart = nl + 1;
    }
    this.offset = start + lineStart;
    if (lineStart < bytes.length) {
      const tail = bytes.subarray(lineStart).toString('utf8');
      if (tail.trim()) {
        const tailErrors: BadLabelLine[] = [];
        const tailLine = this.linesConsumed + 1;
        // A complete JSON object without its '\n' (writer died between the object and the newline)
        // is still a whole decision: apply it, but keep the offset so it is not applied twice.
        if (this.tryParse(tail, tailLine, tailErrors)) {
          this.applyLine(tail, tailLine, tailErrors);
          this.offset = start + bytes.length;
          this.linesConsumed++;
          this.appliedUnterminatedTail = true;
        } else {
          this.pendingTail = tailErrors[0];
        }
      }
    }
    this.excludedCache = undefined;
    this.latestCache = undefined;
  }

  private tryParse(text: string, line: number, errors: BadLabelLine[]): boolean {
    try {
      const value = JSON.parse(text);
      const r = (value?.type === 'undo' ? LabelUndoLine : LabelDecisionLine).safeParse(value);
      if (!r.success) errors.push({ line, error: describeZodError(r.error) });
      return r.success;
    } catch (e) {
      errors.push({ line, error: `not valid JSON (torn or corrupt line): ${(e as Error).message}` });
      return false;
    }
  }

  private applyLine(text: string, line: number, errors: BadLabelLine[]): void {
    if (!text.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      errors.push({ line, error: `not valid JSON (torn or corrupt line): ${(e as Error).message}` });
      return;
    }
    const isUndo = (value as { type?: unknown } | null)?.type === 'undo';
    const parsed = (isUndo ? LabelUndoLine : LabelDecisionLine).safeParse(value);
    if (!parsed.success) {
      errors.push({ line, error: describeZodError(parsed.error) });
      return;
    }
    const entry = parsed.data as LabelHistoryEntry;
    this.history.push(entry);
    const stack = this.stacks.get(entry.id) ?? [];
    if (entry.type === 'undo') stack.pop();
    else stack.push(entry);
    if (stack.length) this.stacks.set(entry.id, stack);
    else this.stacks.delete(entry.id);
  }

  get latest(): Map<string, LabelDecision> {
    if (!this.latestCache) {
      this.latestCache = new Map();
      for (const [id, stack] of this.stacks) this.latestCache.set(id, stack[stack.length - 1]);
    }
    return this.latestCache;
  }

  get excluded(): Set<string> {
    if (!this.excludedCache) {
      this.excludedCache = new Set();
      for (const [id, stack] of this.stacks) if (stack[stack.length - 1].decision === 'exclude') this.excludedCache.add(id);
    }
    return this.excludedCache;
  }

  snapshot(): LoadedLabels {
    return {
      latest: new Map(this.latest),
      history: [...this.history],
      tornLines: this.pendingTail ? [...this.bad, this.pendingTail] : [...this.bad],
    };
  }
}

interface FileIdentity {
  ino: number;
  size: number;
  mtimeMs: number;
}

class CachedLabelsReader {
  private state = new LabelsState();
  private seen: FileIdentity | undefined;

  constructor(private readonly file: string) {}

  read(): LabelsState {
    let st: fs.Stats;
    try {
      st = fs.statSync(this.file);
    } catch {
      this.state = new LabelsState();
      this.seen = undefined;
      return this.state;
    }
    const now: FileIdentity = { ino: st.ino, size: st.size, mtimeMs: st.mtimeMs };
    const seen = this.seen;
    if (seen && seen.ino === now.ino && seen.size === now.size && seen.mtimeMs === now.mtimeMs) return this.state;
    const grewOnly = seen !== undefined && seen.ino === now.ino && now.size > seen.size;
    if (!grewOnly) this.state = new LabelsState();
    const from = this.state.offset;
    const fd = fs.openSync(this.file, 'r');
    try {
      const bytes = Buffer.alloc(now.size - from);
      let got = 0;
      while (got < bytes.length) {
        const n = fs.readSync(fd, bytes, got, bytes.length - got, from + got);
        if (n <= 0) break;
        got += n;
      }
      this.state.consume(bytes.subarray(0, got), from);
      this.seen = { ...now, size: from + got };
    } finally {
      fs.closeSync(fd);
    }
    return this.state;
  }
}

const readers = new Map<string, CachedLabelsReader>();

function cachedReader(file: string): CachedLabelsReader {
  let reader = readers.get(file);
  if (!reader) {
    reader = new CachedLabelsReader(file);
    readers.set(file, reader);
  }
  return reader;
}
