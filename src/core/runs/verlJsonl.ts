// One line of verl's file logger (`{"step": N, "data": {"metric/name": value}}`), which is also the
// line format of our runs/<id>/metrics.jsonl. Python's json.dumps writes NaN and ±Infinity as bare
// tokens that JSON.parse rejects, so they are turned into null (a missing value) first.
import type { MetricsLine } from '../protocol/metrics';

export type ParsedMetricsLine = { ok: true; value: MetricsLine } | { ok: false; error: string };

const NON_FINITE_TOKEN = /([:,[]\s*)(-?Infinity|NaN)(?=\s*[,}\]])/g;

export function parseMetricsLine(text: string): ParsedMetricsLine {
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(NON_FINITE_TOKEN, '$1null'));
  } catch (e) {
    return { ok: false, error: `not JSON (${(e as Error).message})` };
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, error: 'not a JSON object' };
  const { step, data } = raw as { step?: unknown; data?: unknown };
  if (typeof step !== 'number' || !Number.isInteger(step) || step < 0) {
    return { ok: false, error: `field 'step' must be a non-negative integer, got ${JSON.stringify(step) ?? 'nothing'}` };
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) return { ok: false, error: "field 'data' must be an object" };
  const numeric: Record<string, number> = {};
  // verl also logs the odd string or list; only numbers are charted, the rest is skipped silently.
  for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
    if (typeof value === 'number' && Number.isFinite(value)) numeric[key] = value;
    else if (typeof value === 'boolean') numeric[key] = value ? 1 : 0;
  }
  return { ok: true, value: { step, data: numeric } };
}
