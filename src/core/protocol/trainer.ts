// The trainer ⇄ extension-host protocol: one discriminated union per direction, each validated at
// run time (zod). A message that fails validation is logged and dropped, never trusted. The run folder
// is the record of a run (metrics.jsonl, samples.jsonl, status.json): what a run logged is read from
// there, by the dashboard as by any other reader; these messages say whether the trainer is alive and
// what it is doing, for the supervisor, the status bar and the CLI.
import { z } from 'zod';

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
});
export type StartRunRequest = z.infer<typeof StartRunRequest>;

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

export function parseTrainerMessage(raw: unknown): Parsed<TrainerMessage> {
  const r = TrainerMessage.safeParse(raw);
  return r.success ? { ok: true, value: r.data } : { ok: false, error: describe(r.error) };
}

export function parseHostMessage(raw: unknown): Parsed<HostMessage> {
  const r = HostMessage.safeParse(raw);
  return r.success ? { ok: true, value: r.data } : { ok: false, error: describe(r.error) };
}

export { describe as describeZodError };
