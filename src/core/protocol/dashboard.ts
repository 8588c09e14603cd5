// The extension host ⇄ dashboard webview protocol: one discriminated union per direction, both
// validated on receipt (the webview validates what the host sends, the host what the webview sends).
import { z } from 'zod';
import { RunModelSummary, RunStatus, SampleRecord, describeZodError, type Parsed } from './trainer';

const runKey = z.string().min(1).max(4096);
const step = z.number().int().nonnegative();

/** A metric series in transit: steps[i] pairs with columns[key][i]; null = not logged at that step. */
export const ColumnarMetricsSchema = z.object({
  steps: z.array(step).max(5_000_000),
  columns: z.record(z.string().max(200), z.array(z.number().finite().nullable()).max(5_000_000)),
}).refine((m) => Object.values(m.columns).every((c) => c.length === m.steps.length), {
  message: 'every column must have one value per step',
});

export const MetricsTableName = z.enum(['rl', 'sft']);
export type MetricsTableName = z.infer<typeof MetricsTableName>;

export const StageMarkSchema = z.object({ name: z.string().max(200), startStep: step });

/** What a dashboard shows: a run folder, or any verl file-logger JSONL. */
export const DashboardSource = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('run'), runsDir: z.string().min(1).max(4096), runId: z.string().min(1).max(200) }),
  z.object({ kind: z.literal('metricsFile'), file: z.string().min(1).max(4096) }),
]);
export type DashboardSource = z.infer<typeof DashboardSource>;

export const RunInfo = z.object({
  /** Unique key of a shown source (run dir or file path). */
  key: runKey,
  /** What a researcher calls the run: recipe · model · seed (from config.json), else its id or file name. */
  label: z.string().max(500),
  /** The run id or file path, shown next to the label. */
  detail: z.string().max(4096).optional(),
  role: z.enum(['primary', 'compare']),
  status: RunStatus.or(z.literal('unknown')).optional(),
});
export type RunInfo = z.infer<typeof RunInfo>;

/** Webview-side persisted state (vscode.setState), handed to the serializer after a reload. */
export const DashboardState = z.object({
  source: DashboardSource,
  compare: z.array(DashboardSource).max(15).optional(),
  /** The smoothing slider's weight (kept across reloads by the page itself). */
  smoothing: z.number().min(0).max(0.99).optional(),
});
export type DashboardState = z.infer<typeof DashboardState>;

/** Host → webview. */
export const HostToDashboard = z.discriminatedUnion('type', [
  /** Start over: these are the shown sources (primary first); metrics, stages and samples follow. */
  z.object({ type: z.literal('reset'), runs: z.array(RunInfo).min(1).max(16), state: DashboardState }),
  /**
   * Metric rows to append to a run, read from its folder: the same columnar shape for a snapshot (a
   * whole history) and a live append (new lines). `table` says which file: the RL steps'
   * metrics.jsonl (default) or the SFT warm-up's sft-metrics.jsonl, whose steps count SFT steps.
   */
  z.object({ type: z.literal('metrics'), key: runKey, metrics: ColumnarMetricsSchema, table: MetricsTableName.optional() }),
  z.object({ type: z.literal('stages'), key: runKey, stages: z.array(StageMarkSchema).max(1000) }),
  z.object({ type: z.literal('samples'), key: runKey, samples: z.array(SampleRecord).max(2000), replace: z.boolean().optional() }),
  /**
   * The run's state as its folder says (status.json, and whether the pid in it is alive). A crashed
   * run carries the error (`detail`) and the end of its events.log (`logTail`) for the banner.
   */
  z.object({
    type: z.literal('progress'), key: runKey, status: RunStatus.or(z.literal('unknown')),
    stage: z.string().max(200).optional(), step: step.optional(), totalSteps: step.optional(),
    etaSeconds: z.number().finite().nullable().optional(),
    detail: z.string().max(4000).optional(),
    logTail: z.array(z.string().max(2000)).max(50).optional(),
  }),
  /** The model a run folder's config.json names (`model`, written by the trainer), for the header; sent again when it changes. */
  z.object({ type: z.literal('model'), key: runKey, model: RunModelSummary }),
  /** Result of a curation request (a label appended to labels.jsonl, or why not). */
  z.object({ type: z.literal('labelResult'), requestId: z.number().int(), ok: z.boolean(), message: z.string().max(2000) }),
  /** Something went wrong host-side that the user should see in the dashboard. */
  z.object({ type: z.literal('notice'), level: z.enum(['info', 'warn', 'error']), message: z.string().max(4000) }),
]);
export type HostToDashboard = z.infer<typeof HostToDashboard>;

/** Webview → host. */
export const DashboardToHost = z.discriminatedUnion('type', [
  /** The page loaded (first time, after a reload, or after being shown again): send everything. */
  z.object({ type: z.literal('ready') }),
  /** Open a sample's response as an editor document. */
  z.object({ type: z.literal('openSample'), key: runKey, sample: SampleRecord }),
  /** Exclude or flag the prompt of a sample in <workspace>/.acereason/labels.jsonl (after the user confirmed the id and text). */
  z.object({
    type: z.literal('label'), requestId: z.number().int(), key: runKey, promptId: z.string().min(1).max(500),
    decision: z.enum(['exclude', 'flag']), note: z.string().max(2000).optional(),
  }),
  /** Ask the host to pick runs to overlay (a quick pick). */
  z.object({ type: z.literal('pickCompare') }),
  z.object({ type: z.literal('removeCompare'), key: runKey }),
]);
export type DashboardToHost = z.infer<typeof DashboardToHost>;

export function parseHostToDashboard(raw: unknown): Parsed<HostToDashboard> {
  const r = HostToDashboard.safeParse(raw);
  return r.success ? { ok: true, value: r.data } : { ok: false, error: describeZodError(r.error) };
}

export function parseDashboardToHost(raw: unknown): Parsed<DashboardToHost> {
  const r = DashboardToHost.safeParse(raw);
  return r.success ? { ok: true, value: r.data } : { ok: false, error: describeZodError(r.error) };
}

export function parseDashboardState(raw: unknown): Parsed<DashboardState> {
  const r = DashboardState.safeParse(raw);
  return r.success ? { ok: true, value: r.data } : { ok: false, error: describeZodError(r.error) };
}
