// The curator view protocol: host ⇄ webview, one discriminated union per direction, both validated on
// receipt. Large datasets never cross in one message: the host streams row summaries in chunks and
// sends the full record of one prompt only when the webview asks for its detail.
import { z } from 'zod';
import type { Parsed } from './trainer';

const text = (max: number) => z.string().max(max);
const id = text(500);
const finite = z.number().finite();

/** How many characters of a prompt a row summary carries (display + search). */
export const ROW_TEXT_CHARS = 1000;
/** Rows per `rows` message. */
export const ROW_CHUNK_SIZE = 5000;

export const LabelDecision = z.enum(['keep', 'exclude', 'flag']);
export type LabelDecision = z.infer<typeof LabelDecision>;

/** The pipeline's verdict for a prompt: kept, removed (with reasons), or not curated (a plain dataset). */
export const PipelineStatus = z.enum(['kept', 'removed', 'uncurated']);
export type PipelineStatus = z.infer<typeof PipelineStatus>;

export const RowLabel = z.object({
  decision: LabelDecision,
  note: text(10_000).optional(),
});
export type RowLabel = z.infer<typeof RowLabel>;

export const CuratorRow = z.object({
  id,
  source: text(500),
  domain: z.enum(['math', 'code']),
  /** The first ROW_TEXT_CHARS characters of the prompt. */
  text: text(ROW_TEXT_CHARS),
  status: PipelineStatus,
  reasons: z.array(text(500)).max(100),
  label: RowLabel.nullable(),
  difficulty: finite.nullable(),
  passRate: finite.nullable(),
});
export type CuratorRow = z.infer<typeof CuratorRow>;

/** [start, end) character ranges to highlight. */
const Spans = z.array(z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()])).max(5000);

/** One benchmark item a prompt overlaps, with what they share, to read side by side. */
export const OverlapEvidence = z.object({
  benchmark: text(500),
  id: text(500),
  /** How many distinct n-grams they share (1 for a whole-statement match). */
  sharedNgrams: z.number().int().nonnegative(),
  n: z.number().int().positive(),
  exact: z.boolean(),
  /** The shared n-grams (normalised words), as recorded by the decontamination step. */
  shared: z.array(text(2000)).max(200),
  benchmarkProblem: text(20_000),
  promptSpans: Spans,
  benchmarkSpans: Spans,
});
export type OverlapEvidence = z.infer<typeof OverlapEvidence>;

export const RemovalDetail = z.object({
  reason: text(500),
  detail: text(5000).optional(),
  /** Benchmark items this prompt overlaps (decontamination), e.g. "math500:test/algebra/123". */
  overlaps: z.array(text(500)).max(200).optional(),
  /** Side-by-side evidence for the strongest overlaps (detail messages only). */
  evidence: z.array(OverlapEvidence).max(10).optional(),
});
export type RemovalDetail = z.infer<typeof RemovalDetail>;

export const Rollout = z.object({
  runId: text(200),
  step: z.number().int().nonnegative(),
  stage: text(200),
  reward: finite,
  verdict: text(20_000),
  extracted: text(10_000).nullable().optional(),
  response: text(20_000),
  tests: z.array(z.object({ status: text(16), timeMs: finite.optional() })).max(1000).optional(),
});
export type Rollout = z.infer<typeof Rollout>;

export const PromptDetail = z.object({
  id,
  source: text(500),
  domain: z.enum(['math', 'code']),
  problem: text(200_000),
  answer: text(20_000).nullable(),
  tests: z.array(z.object({ input: text(20_000), output: text(20_000) })).max(50),
  testCount: z.number().int().nonnegative(),
  /** Why the math verifier cannot parse the reference answer, when the record or its removal says so. */
  verifierFailure: text(2000).nullable().optional(),
  status: PipelineStatus,
  removals: z.array(RemovalDetail).max(100),
  label: RowLabel.nullable(),
  difficulty: finite.nullable(),
  passRate: finite.nullable(),
  rollouts: z.array(Rollout).max(200),
});
export type PromptDetail = z.infer<typeof PromptDetail>;

/** Host → curator webview. */
export const CuratorHostMessage = z.discriminatedUnion('type', [
  /** No dataset is active: the view offers to open or curate one. */
  z.object({ type: z.literal('empty'), hint: text(2000).optional() }),
  /** A dataset starts streaming; `rows` chunks follow, then `datasetEnd`. */
  z.object({
    type: z.literal('datasetBegin'),
    name: text(4096),
    total: z.number().int().nonnegative(),
    curated: z.boolean(),
  }),
  z.object({ type: z.literal('rows'), offset: z.number().int().nonnegative(), rows: z.array(CuratorRow).max(ROW_CHUNK_SIZE) }),
  z.object({ type: z.literal('datasetEnd'), skippedLines: z.number().int().nonnegative() }),
  /** Label changes (after a decision was appended, or labels.jsonl changed on disk). null = unlabeled. */
  z.object({
    type: z.literal('labels'),
    labels: z.array(z.object({ id, label: RowLabel.nullable() })).max(100_000),
  }),
  z.object({ type: z.literal('detail'), detail: PromptDetail }),
  z.object({ type: z.literal('error'), message: text(20_000) }),
]);
export type CuratorHostMessage = z.infer<typeof CuratorHostMessage>;

/** Curator webview → host. */
export const CuratorViewMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  /** Append decisions to labels.jsonl (one line per prompt). */
  z.object({
    type: z.literal('label'),
    items: z.array(z.object({ id, label: RowLabel })).min(1).max(100_000),
  }),
  /** Undo the latest decision of each prompt (labels.jsonl gets an undo line per prompt). */
  z.object({ type: z.literal('undo'), ids: z.array(id).min(1).max(100_000) }),
  z.object({ type: z.literal('requestDetail'), id }),
  z.object({ type: z.literal('openDataset') }),
  z.object({ type: z.literal('curateDataset') }),
  /** Open the active dataset in an editor tab (the wide table with the detail beside it). */
  z.object({ type: z.literal('openInEditor') }),
]);
export type CuratorViewMessage = z.infer<typeof CuratorViewMessage>;

function parseWith<T>(schema: z.ZodType<T>, raw: unknown, what: string): Parsed<T> {
  const r = schema.safeParse(raw);
  if (r.success) return { ok: true, value: r.data };
  const first = r.error.issues[0];
  const where = first?.path.length ? first.path.join('.') : '(root)';
  return { ok: false, error: `invalid ${what} at ${where}: ${first?.message ?? 'unknown error'}` };
}

export function parseCuratorHostMessage(raw: unknown): Parsed<CuratorHostMessage> {
  return parseWith(CuratorHostMessage, raw, 'curator host message');
}

export function parseCuratorViewMessage(raw: unknown): Parsed<CuratorViewMessage> {
  return parseWith(CuratorViewMessage, raw, 'curator view message');
}
