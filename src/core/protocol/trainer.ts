// The trainer ⇄ extension-host protocol: one discriminated union per direction, each validated at
// run time (zod). A message that fails validation is logged and dropped, never trusted. The run folder
// is the record of a run (metrics.jsonl, samples.jsonl, status.json): what a run logged is read from
// there, by the dashboard as by any other reader; these messages say whether the trainer is alive and
// what it is doing, for the supervisor, the status bar and the CLI.
import { z } from 'zod';
import { PROJECTIONS } from '../model/projections';

const finite = z.number().finite();
const metricData = z.record(z.string().max(200), z.number());

export const RunStatus = z.enum(['starting', 'running', 'stopping', 'stopped', 'finished', 'crashed']);
export type RunStatus = z.infer<typeof RunStatus>;

export const BackendName = z.enum(['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']);
export type BackendName = z.infer<typeof BackendName>;
export const BackendSetting = z.enum(['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']);
export type BackendSetting = z.infer<typeof BackendSetting>;

export const SampleRecord = z.object({
  step: z.number().int().nonnegative(),
  stage: z.string().max(200),
  promptId: z.string().max(500),
  source: z.string().max(200).optional(),
  domain: z.enum(['math', 'code']),
  prompt: z.string().max(200_000),
  response: z.string().max(1_000_000),
  reward: finite,
  /** Math: the extracted answer. Code: null. */
  extracted: z.string().max(10_000).nullable().optional(),
  /** Math: the reference (gold) answer the extracted one was compared with. */
  reference: z.string().max(10_000).optional(),
  /** Human-readable verdict: the verifier's reason, or per-test statuses. */
  verdict: z.string().max(20_000),
  tests: z.array(z.object({ status: z.string().max(16), timeMs: finite.optional() })).max(1000).optional(),
  truncated: z.boolean().optional(),
  /**
   * The verifier's verdict state: math `correct | wrong | no-answer | gold-unparseable | timeout | error`;
   * code `correct | wrong | error`. `verifierFailed` marks states that are the verifier's failure, not
   * the response's (left out of the group's advantages, counted in reward/verifier_failed_ratio).
   */
  verdictState: z.string().max(32).optional(),
  verifierFailed: z.boolean().optional(),
});
export type SampleRecord = z.infer<typeof SampleRecord>;

/** Trainer → host. */
export const TrainerMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), pid: z.number().int(), version: z.string().max(100), backend: BackendName, backendNote: z.string().max(2000) }),
  z.object({ type: z.literal('heartbeat'), time: finite }),
  z.object({ type: z.literal('pong'), id: z.number().int() }),
  z.object({ type: z.literal('log'), level: z.enum(['debug', 'info', 'warn', 'error']), message: z.string().max(20_000) }),
  z.object({ type: z.literal('status'), runId: z.string().max(200), status: RunStatus, detail: z.string().max(2000).optional() }),
  z.object({
    type: z.literal('progress'), runId: z.string().max(200), stage: z.string().max(200), stageIndex: z.number().int().nonnegative(),
    stageCount: z.number().int().positive(), step: z.number().int().nonnegative(), totalSteps: z.number().int().nonnegative(),
    etaSeconds: finite.nullable(), phase: z.string().max(200).optional(),
  }),
  z.object({ type: z.literal('metrics'), runId: z.string().max(200), step: z.number().int().nonnegative(), data: metricData }),
  z.object({ type: z.literal('stage'), runId: z.string().max(200), stage: z.string().max(200), stageIndex: z.number().int().nonnegative(), startStep: z.number().int().nonnegative() }),
  z.object({ type: z.literal('error'), message: z.string().max(20_000), fatal: z.boolean() }),
]);
export type TrainerMessage = z.infer<typeof TrainerMessage>;

/**
 * The model picked in Start Math RL / Start Code RL: a model folder, with LoRA or (no `lora`) full
 * fine-tuning. The trainer applies it to the recipe as `acereason train --model DIR` does, then sets
 * `model.lora` to this `lora` (removing the recipe's own when absent); the recipe's validation checks
 * it again with the same field paths.
 */
export const StartModelLora = z.object({
  rank: z.number().int().positive().max(4096),
  alpha: z.number().positive().max(1_000_000),
  dropout: z.number().min(0).lt(1).optional(),
  targets: z.array(z.enum(PROJECTIONS)).min(1, `name at least one of ${PROJECTIONS.join(', ')}`).max(PROJECTIONS.length)
    .refine((t) => new Set(t).size === t.length, { message: 'a target is listed twice' }),
}).strict();
export type StartModelLora = z.infer<typeof StartModelLora>;

export const StartModelChoice = z.object({
  /** An absolute path to the model folder (the one holding config.json). */
  path: z.string().min(1, 'the model folder path is empty').max(4096),
  lora: StartModelLora.optional(),
}).strict();
export type StartModelChoice = z.infer<typeof StartModelChoice>;

export const StartRunRequest = z.object({
  runId: z.string().min(1).max(200).regex(/^[A-Za-z0-9._-]+$/),
  runsDir: z.string().min(1).max(4096),
  workspaceDir: z.string().max(4096).optional(),
  /** A preset name ("demo", "acereason") or a path to a recipe JSON file. */
  recipe: z.string().min(1).max(4096),
  /** Which part of the recipe: all stages, only math stages, or only code stages. */
  phase: z.enum(['all', 'math', 'code']).default('all'),
  /** Continue from this run's latest checkpoint (resume or "Start Code RL" from a math run). */
  resumeFrom: z.string().max(4096).optional(),
  dataset: z.string().max(4096).optional(),
  seed: z.number().int().optional(),
  /** Train this Hugging Face model folder instead of the recipe's model (the editor's model pick). Absent: the recipe's model. */
  model: StartModelChoice.optional(),
});
export type StartRunRequest = z.infer<typeof StartRunRequest>;

/** The editor's default LoRA: rank 16, alpha 32 (PEFT's scale 2), every projection of a decoder block. */
export const DEFAULT_EDITOR_LORA: StartModelLora = { rank: 16, alpha: 32, targets: [...PROJECTIONS] };

/**
 * What the trainer records about its model in the run folder's config.json (`model`), for the
 * dashboard header: a label, the parameter counts, LoRA, the peak-memory estimate. Every field is
 * optional here because runs written before it have none of them and a reader shows what is there.
 */
export const RunModelSummary = z.object({
  label: z.string().min(1).max(500).optional(),
  source: z.enum(['builtin', 'pretrained']).optional(),
  path: z.string().min(1).max(4096).optional(),
  architecture: z.string().min(1).max(200).optional(),
  parameters: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).optional(),
  trainableParameters: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).optional(),
  lora: z.object({
    rank: z.number().int().positive().max(1_000_000),
    alpha: z.number().positive().finite(),
    targets: z.array(z.string().min(1).max(100)).max(100),
  }).optional(),
  memoryEstimateBytes: z.number().nonnegative().finite().optional(),
}).strict();
export type RunModelSummary = z.infer<typeof RunModelSummary>;

/**
 * The `model` of a run's config.json, field by field: a field that is missing or malformed is left
 * out (the rest still shows); undefined when no field is usable (an older run, or no config yet).
 */
export function readRunModelSummary(config: unknown): RunModelSummary | undefined {
  const raw = config && typeof config === 'object' ? (config as { model?: unknown }).model : undefined;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const out: Record<string, unknown> = {};
  for (const [field, schema] of Object.entries(RunModelSummary.shape)) {
    const value = (raw as Record<string, unknown>)[field];
    if (value === undefined) continue;
    const parsed = schema.safeParse(value);
    if (parsed.success) out[field] = parsed.data;
  }
  return Object.keys(out).length ? (out as RunModelSummary) : undefined;
}

/** Host → trainer. */
export const HostMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ping'), id: z.number().int() }),
  z.object({ type: z.literal('start'), request: StartRunRequest }),
  /** Stop cleanly after the current step and write a checkpoint. */
  z.object({ type: z.literal('stop') }),
  /** Exit the process now (after a stop, or when the extension deactivates). */
  z.object({ type: z.literal('shutdown') }),
]);
export type HostMessage = z.infer<typeof HostMessage>;

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

function describe(err: z.ZodError): string {
  return err.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

export function parseStartRunRequest(raw: unknown): Parsed<StartRunRequest> {
  const r = StartRunRequest.safeParse(raw);
  return r.success ? { ok: true, value: r.data } : { ok: false, error: describe(r.error) };
}

export function parseTrainerMessage(raw: unknown): Parsed<TrainerMessage> {
  const r = TrainerMessage.safeParse(raw);
  return r.success ? { ok: true, value: r.data } : { ok: false, error: describe(r.error) };
}

export function parseHostMessage(raw: unknown): Parsed<HostMessage> {
  const r = HostMessage.safeParse(raw);
  return r.success ? { ok: true, value: r.data } : { ok: false, error: describe(r.error) };
}

export { describe as describeZodError };
