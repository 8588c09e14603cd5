// What a stage did to every held-out set: the change in pass@1 of each source between the
// evaluation before the stage and the one after it, and a plain-words comment when a source fell
// by more than the threshold (the paper's claim is that code RL costs math little or nothing; a run
// where it does not hold should say so where the researcher looks: events, metrics, report).
import type { MetricsLine } from '../../core/protocol/metrics';
import { HELD_OUT_DROP_THRESHOLD } from '../../core/runs/charts';

export { HELD_OUT_DROP_THRESHOLD };

const VAL_CORE = /^val-core\/(.+)\/acc\/mean@\d+$/;

export interface HeldOutChange {
  source: string;
  before: number;
  after: number;
  /** after − before, as a fraction. */
  delta: number;
  /** Set when the source fell by more than the threshold. */
  comment?: string;
}

/** source → pass@1 (avg@k) of one evaluation's metrics line. */
export function passAt1BySource(data: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(data)) {
    const m = VAL_CORE.exec(key);
    if (m && Number.isFinite(value)) out[m[1]] = value;
  }
  return out;
}

/** The latest evaluation in a metrics file, as source → pass@1 (empty when there is none). */
export function latestEvaluation(lines: readonly MetricsLine[]): Record<string, number> {
  for (let i = lines.length - 1; i >= 0; i--) {
    const found = passAt1BySource(lines[i].data);
    if (Object.keys(found).length) return found;
  }
  return {};
}

/** The change of every source evaluated both before and after `stage`. */
export function heldOutChanges(before: Record<string, number>, after: Record<string, number>, stage: string, threshold = HELD_OUT_DROP_THRESHOLD): HeldOutChange[] {
  const points = (v: number) => (100 * v).toFixed(1);
  return Object.keys(after).filter((s) => s in before).sort().map((source) => {
    const delta = after[source] - before[source];
    const change: HeldOutChange = { source, before: before[source], after: after[source], delta };
    // A tolerance keeps a fall of exactly the threshold (0.3 − 0.28) from tripping on float error.
    if (-delta > threshold + 1e-9) {
      change.comment = `held-out ${source} pass@1 fell ${points(-delta)} points during ${stage} (${points(before[source])} → ${points(after[source])})`;
    }
    return change;
  });
}

/** Metrics for the evaluation line: `val-aux/<source>/pass@1_change` per source. */
export function changeMetrics(changes: readonly HeldOutChange[]): Record<string, number> {
  return Object.fromEntries(changes.map((c) => [`val-aux/${c.source}/pass@1_change`, c.delta]));
}
