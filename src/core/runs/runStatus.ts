// What state a run is in, as the Runs view shows it: running / stopped / crashed / finished.
// status.json is written by the trainer when a run ends (and may be refreshed while it runs); a run
// whose file still says it is running but whose process is gone was killed — that is a crash.
import fs from 'node:fs';
import { z } from 'zod';
import { RunStatus, describeZodError } from '../protocol/trainer';

export const StatusFile = z.object({
  status: RunStatus,
  detail: z.string().max(2000).optional().nullable(),
  time: z.string().max(64).optional(),
  pid: z.number().int().optional(),
  stage: z.string().max(200).optional(),
  step: z.number().int().nonnegative().optional(),
  /** Steps the whole plan has, and the trainer's estimate of the time left (null: not known yet). */
  totalSteps: z.number().int().nonnegative().optional(),
  etaSeconds: z.number().finite().nullable().optional(),
  stages: z.array(z.object({ name: z.string().max(200), startStep: z.number().int().nonnegative() })).max(1000).optional(),
}).passthrough();
export type StatusFile = z.infer<typeof StatusFile>;

export type DisplayStatus = 'running' | 'stopped' | 'crashed' | 'finished';

export type StatusFileRead = { kind: 'missing' } | { kind: 'invalid'; error: string } | { kind: 'ok'; value: StatusFile };

export function readStatusFile(file: string): StatusFileRead {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return { kind: 'missing' };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { kind: 'invalid', error: `${file}: not JSON (${(e as Error).message})` };
  }
  const parsed = StatusFile.safeParse(raw);
  return parsed.success ? { kind: 'ok', value: parsed.data } : { kind: 'invalid', error: `${file}: ${describeZodError(parsed.error)}` };
}

export interface StatusEvidence {
  statusFile: StatusFileRead;
  /** The extension's trainer is running this run right now. */
  activeHere: boolean;
  /** Whether the pid recorded in status.json is alive (undefined: no pid recorded). */
  pidAlive?: boolean;
  /** Milliseconds since metrics.jsonl was last written (undefined: no metrics yet). */
  metricsAgeMs?: number;
}

/** A run written within this window by a process we do not supervise (the CLI) counts as running. */
export const RECENT_WRITE_MS = 120_000;

export function deriveRunStatus(e: StatusEvidence): DisplayStatus {
  if (e.activeHere) return 'running';
  const recent = e.metricsAgeMs !== undefined && e.metricsAgeMs < RECENT_WRITE_MS;
  if (e.statusFile.kind !== 'ok') return recent ? 'running' : 'crashed';
  switch (e.statusFile.value.status) {
    case 'finished': return 'finished';
    case 'stopped': return 'stopped';
    case 'crashed': return 'crashed';
    default:
      if (e.pidAlive === false) return 'crashed';
      if (e.pidAlive === true || recent) return 'running';
      return 'crashed';
  }
}

/** Whether a process with this pid exists (signal 0 checks without sending anything). */
export function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
