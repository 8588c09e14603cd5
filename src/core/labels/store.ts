// The researcher's curation decisions: <workspace>/.acereason/labels.jsonl, append-only.
// One JSON line per decision, written with a single write(2) + fsync, so a crash loses at most the
// line being written and never an earlier one. The latest decision for a prompt wins; an 'undo'
// line reverts that prompt to the decision it had before its most recent one.
// The trainer calls excludedIds() every step, so it is cached. The cache is checked by content, not
// only by (inode, size, mtime): the first and last bytes already read must still be there, so a hand
// edit that keeps or grows the size is seen and the file read again; a file that only grew is read
// from where the last read stopped. The file is read in bounded chunks (any size streams), and
// `compactLabels` rewrites it atomically with only the decisions still in force.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { readLineRange, type LineChunkOptions } from './lineChunks';

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
  appendLines(file, JSON.stringify(withoutUndefined(entry)) + '\n');
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
  appendLines(file, entries.map((e) => JSON.stringify(withoutUndefined(e))).join('\n') + '\n');
  return entries;
}

/** Appends an undo line: the prompt goes back to the decision it had before its latest one. */
export function appendUndo(file: string, input: { id: string; time?: string; dataset?: string; by?: string }): LabelUndo {
  const entry = validateForWrite(LabelUndoLine, { type: 'undo', ...input, time: input.time ?? new Date().toISOString() });
  appendLines(file, JSON.stringify(withoutUndefined(entry)) + '\n');
  return entry;
}

/**
 * One write(2) + fsync of whole lines (never interleaved with another writer's), on a fresh line if a
 * crash left a torn one. If `compactLabels` replaced the file while we wrote, our lines went to the
 * old file: they are written again to the new one (readers skip a repeated identical line).
 */
function appendLines(file: string, lines: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  for (let attempt = 0; attempt < 10; attempt++) {
    const fd = fs.openSync(file, 'a+');
    let ino: number;
    try {
      const st = fs.fstatSync(fd);
      ino = st.ino;
      let prefix = '';
      if (st.size > 0) {
        const last = Buffer.alloc(1);
        fs.readSync(fd, last, 0, 1, st.size - 1);
        if (last[0] !== 0x0a) prefix = '\n';
      }
      fs.writeSync(fd, prefix + lines);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    let now: number | undefined;
    try {
      now = fs.statSync(file).ino;
    } catch {
      now = undefined; // mid-rename; write again
    }
    if (now === ino) return;
  }
  throw new Error(`${file}: the file kept being replaced while writing a label decision`);
}

/** Reads the whole file, streaming. A missing file is an empty store. */
export function loadLabels(file: string, opts: LineChunkOptions = {}): LoadedLabels {
  const state = new LabelsState(true);
  if (!fs.existsSync(file)) return state.snapshot();
  const fd = fs.openSync(file, 'r');
  try {
    state.consumeRange(fd, 0, fs.fstatSync(fd).size, opts);
  } finally {
    fs.closeSync(fd);
  }
  return state.snapshot();
}

/** The ids whose decision in force is 'exclude'. Cheap on an unchanged file (one stat, two small reads). */
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
  readonly stacks = new Map<string, LabelDecision[]>();
  private readonly lastApplied = new Map<string, string>();
  readonly history: LabelHistoryEntry[] = [];
  readonly bad: BadLabelLine[] = [];
  /** Number of '\n'-terminated lines consumed so far. */
  linesConsumed = 0;
  /** Byte offset just after the last line consumed. */
  offset = 0;
  private excludedCache: Set<string> | undefined;
  private latestCache: Map<string, LabelDecision> | undefined;
  /** A trailing line without '\n' seen on the last read (reported, re-read when the file grows). */
  pendingTail: BadLabelLine | undefined;
  private appliedUnterminatedTail = false;

  /** keepHistory: the cached reader only needs the decisions in force, not every line. */
  constructor(private readonly keepHistory: boolean) {}

  /**
   * Consumes bytes [start, end) of fd, chunk by chunk. Complete lines advance the offset; an
   * unterminated tail is reported as torn but not consumed, so a later read sees it again.
   */
  consumeRange(fd: number, start: number, end: number, opts: LineChunkOptions = {}): void {
    this.pendingTail = undefined;
    // The '\n' that a later append put after an unterminated-but-complete line we already applied.
    if (this.appliedUnterminatedTail && end > start) {
      const first = Buffer.alloc(1);
      fs.readSync(fd, first, 0, 1, start);
      if (first[0] === 0x0a) start++;
      this.appliedUnterminatedTail = false;
    }
    const range = readLineRange(fd, start, end, (line, oversized) => {
      this.linesConsumed++;
      if (oversized) this.bad.push({ line: this.linesConsumed, error: 'line too long to be a label decision (corrupt)' });
      else this.applyLine(line.toString('utf8'), this.linesConsumed, this.bad);
    }, opts);
    this.offset = range.endOfLastLine;
    const tail = range.tail.toString('utf8');
    if (range.tailOversized) {
      this.pendingTail = { line: this.linesConsumed + 1, error: 'unterminated line too long to be a label decision (corrupt)' };
    } else if (tail.trim()) {
      const tailErrors: BadLabelLine[] = [];
      const tailLine = this.linesConsumed + 1;
      // A complete JSON object without its '\n' (writer died between the object and the newline)
      // is still a whole decision: apply it, but keep the offset so it is not applied twice.
      if (this.tryParse(tail, tailLine, tailErrors)) {
        this.applyLine(tail, tailLine, tailErrors);
        this.offset = end;
        this.linesConsumed++;
        this.appliedUnterminatedTail = true;
      } else {
        this.pendingTail = tailErrors[0];
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
    // A line identical to the last one applied for this prompt is the same write repeated (a writer
    // that raced a compaction writes again); applying it twice would make an undo go back twice.
    const key = text.trim();
    if (this.lastApplied.get(entry.id) === key) return;
    this.lastApplied.set(entry.id, key);
    if (this.keepHistory) this.history.push(entry);
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

/** Bytes compared to decide that what was read is still what the file holds. */
const WITNESS_BYTES = 4096;

interface ReadWitness {
  ino: number;
  size: number;
  mtimeMs: number;
  /** The first and the last WITNESS_BYTES of [0, offset) as read. */
  head: Buffer;
  tail: Buffer;
  offset: number;
}

function readAt(fd: number, start: number, length: number): Buffer {
  const out = Buffer.alloc(Math.max(0, length));
  let got = 0;
  while (got < out.length) {
    const n = fs.readSync(fd, out, got, out.length - got, start + got);
    if (n <= 0) break;
    got += n;
  }
  return out.subarray(0, got);
}

function witnessOf(fd: number, st: fs.Stats, offset: number): ReadWitness {
  const headLength = Math.min(WITNESS_BYTES, offset);
  const tailStart = Math.max(0, offset - WITNESS_BYTES);
  return { ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, head: readAt(fd, 0, headLength), tail: readAt(fd, tailStart, offset - tailStart), offset };
}

function sameBytes(fd: number, w: ReadWitness): boolean {
  return readAt(fd, 0, w.head.length).equals(w.head) && readAt(fd, w.offset - w.tail.length, w.tail.length).equals(w.tail);
}

class CachedLabelsReader {
  private state = new LabelsState(false);
  private seen: ReadWitness | undefined;

  constructor(private readonly file: string, private readonly opts: LineChunkOptions = {}) {}

  read(): LabelsState {
    let fd: number;
    try {
      fd = fs.openSync(this.file, 'r');
    } catch {
      this.state = new LabelsState(false);
      this.seen = undefined;
      return this.state;
    }
    try {
      const st = fs.fstatSync(fd);
      const seen = this.seen;
      const sameFile = seen !== undefined && seen.ino === st.ino && st.size >= seen.offset && sameBytes(fd, seen);
      if (sameFile && st.size === seen.size && st.mtimeMs === seen.mtimeMs) return this.state;
      // Grown (or rewritten in place, same size, new mtime): what was read is still there only if its bytes are.
      const appendOnly = sameFile && st.size > seen.size;
      if (!appendOnly) this.state = new LabelsState(false);
      this.state.consumeRange(fd, this.state.offset, st.size, this.opts);
      this.seen = witnessOf(fd, st, this.state.offset);
      return this.state;
    } finally {
      fs.closeSync(fd);
    }
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

/** A reader with its own cache (tests of the chunk logic pass a small chunk size). */
export function createLabelsReader(file: string, opts: LineChunkOptions = {}): { excluded(): ReadonlySet<string>; latest(): ReadonlyMap<string, LabelDecision> } {
  const reader = new CachedLabelsReader(file, opts);
  return { excluded: () => reader.read().excluded, latest: () => reader.read().latest };
}

// --- compaction ---------------------------------------------------------------------------------

export interface CompactOptions extends LineChunkOptions {
  /**
   * Decisions kept per prompt: the one in force and the ones an undo would go back to, newest
   * first. Default 2 (one undo still goes back exactly as before); 1 keeps only the decision in
   * force; Infinity keeps every decision not undone. The journal then holds at most this many
   * lines per prompt, whatever the number of decisions made.
   */
  keepPerPrompt?: number;
}

export interface CompactReport {
  bytesBefore: number;
  bytesAfter: number;
  linesBefore: number;
  linesAfter: number;
  /** Corrupt lines left out of the compacted file, saved in `<file>.rejected`. */
  rejected: number;
  rejectedFile?: string;
}

export const DEFAULT_KEEP_PER_PROMPT = 2;

/**
 * Rewrites labels.jsonl with only what is in force: for each prompt the last `keepPerPrompt` of
 * its decisions not undone (default 2), no undo lines, no undone decisions. Written to a temp file, fsync'd
 * and renamed over the journal, so a kill at any moment leaves the old or the new file. Lines
 * appended while it runs are carried over; corrupt lines go to `<file>.rejected`, never lost.
 * `excludedIds` and `latestLabels` answer the same before and after; so do the first keepPerPrompt − 1 undos.
 */
export function compactLabels(file: string, opts: CompactOptions = {}): CompactReport {
  if (!fs.existsSync(file)) throw new Error(`${file}: no such file`);
  const keep = opts.keepPerPrompt ?? DEFAULT_KEEP_PER_PROMPT;
  if (!(keep >= 1)) throw new Error(`keepPerPrompt must be at least 1, got ${keep}`);
  const fd = fs.openSync(file, 'r');
  const tmp = `${file}.compact-${process.pid}-${Date.now().toString(36)}`;
  try {
    const state = new LabelsState(false);
    const rejectedLines: string[] = [];
    const size = fs.fstatSync(fd).size;
    // Read once more with the raw text of the bad lines, to save them.
    state.consumeRange(fd, 0, size, opts);
    if (state.bad.length) {
      const badNumbers = new Set(state.bad.map((b) => b.line));
      let n = 0;
      readLineRange(fd, 0, state.offset, (line, oversized) => {
        n++;
        if (badNumbers.has(n) && !oversized && line.toString('utf8').trim()) rejectedLines.push(line.toString('utf8'));
      }, opts);
    }
    const out = fs.openSync(tmp, 'w');
    let linesAfter = 0;
    let copied = state.offset;
    try {
      const write = (text: string) => fs.writeSync(out, text);
      let buffered = '';
      for (const stack of state.stacks.values()) {
        for (const entry of stack.slice(-keep)) {
          buffered += JSON.stringify(withoutUndefined(entry)) + '\n';
          linesAfter++;
          if (buffered.length > 1 << 20) { write(buffered); buffered = ''; }
        }
      }
      write(buffered);
      // The unread rest (a torn tail, or lines a writer appended meanwhile), byte for byte, until it stops growing.
      for (;;) {
        const now = fs.fstatSync(fd).size;
        if (now <= copied) break;
        copyRange(fd, out, copied, now);
        copied = now;
      }
      fs.fsyncSync(out);
    } finally {
      fs.closeSync(out);
    }
    let rejectedFile: string | undefined;
    if (rejectedLines.length) {
      rejectedFile = `${file}.rejected`;
      fs.appendFileSync(rejectedFile, rejectedLines.map((l) => l + '\n').join(''));
    }
    fs.renameSync(tmp, file);
    fsyncDir(path.dirname(file));
    // A writer that wrote to the old file between our last look and the rename: carry its lines over
    // (writers that see the rename write again themselves; the repeat is skipped by readers).
    const late = fs.fstatSync(fd).size;
    if (late > copied) {
      const bytes = Buffer.alloc(late - copied);
      fs.readSync(fd, bytes, 0, bytes.length, copied);
      appendLines(file, bytes.toString('utf8').replace(/^\n+/, '').replace(/\n?$/, '\n'));
    }
    return { bytesBefore: size, bytesAfter: fs.statSync(file).size, linesBefore: state.linesConsumed + (state.pendingTail ? 1 : 0), linesAfter, rejected: rejectedLines.length, rejectedFile };
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  } finally {
    fs.closeSync(fd);
  }
}

function copyRange(from: number, to: number, start: number, end: number): void {
  const buf = Buffer.allocUnsafe(Math.min(8 << 20, end - start));
  for (let pos = start; pos < end;) {
    const n = fs.readSync(from, buf, 0, Math.min(buf.length, end - pos), pos);
    if (n <= 0) break;
    fs.writeSync(to, buf.subarray(0, n));
    pos += n;
  }
}

function fsyncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try { fs.fsyncSync(fd); } finally { fs.closeSync(fd); }
  } catch {
    // Some filesystems refuse fsync on directories; the rename is still atomic.
  }
}
