// Under the held-out chart: one note for every held-out set that fell by more than 2 points during a
// stage — the trainer's `val-aux/<source>/pass@1_change`, logged with the evaluation after each stage
// (the same numbers as its WARN event and report.html). Source and stage names come from the run
// folder, so the notes are text nodes only.
import type { MetricsTable } from '../../src/core/runs/metricsTable';
import type { StageMark } from '../../src/core/runs/stages';
import { HELD_OUT_CHANGE_PATTERN, HELD_OUT_DROP_THRESHOLD as DROP_THRESHOLD } from '../../src/core/runs/charts';

export interface HeldOutDrop {
  source: string;
  step: number;
  /** How far pass@1 fell, in points (positive). */
  points: number;
  /** The stage that ended at `step`, when the run's stage marks say. */
  stage?: string;
}

/** The stage running at `step`: the last one that started at or before it. */
function stageAt(stages: readonly StageMark[], step: number): string | undefined {
  let found: string | undefined;
  for (const m of stages) if (m.startStep <= step) found = m.name;
  return found;
}

export function heldOutDrops(table: MetricsTable, stages: readonly StageMark[]): HeldOutDrop[] {
  const drops: HeldOutDrop[] = [];
  const steps = table.steps;
  for (const key of table.keys().sort()) {
    const m = HELD_OUT_CHANGE_PATTERN.exec(key);
    const column = m && table.column(key);
    if (!m || !column) continue;
    column.forEach((delta, i) => {
      // A tolerance keeps a fall of exactly 2 points (0.30 − 0.28) from tripping on float error.
      if (-delta > DROP_THRESHOLD + 1e-9) drops.push({ source: m[1], step: steps[i], points: -delta * 100, stage: stageAt(stages, steps[i]) });
    });
  }
  return drops.sort((a, b) => a.step - b.step || a.source.localeCompare(b.source));
}

export function heldOutDropText(d: HeldOutDrop): string {
  return `${d.source} pass@1 fell ${d.points.toFixed(1)} points during ${d.stage ?? `the stage ending at step ${d.step}`}`;
}

/** Replaces `el`'s notes; hidden when there is no drop. */
export function renderHeldOutNotes(el: HTMLElement, drops: readonly HeldOutDrop[]): void {
  el.replaceChildren(...drops.map((d) => {
    const p = document.createElement('p');
    p.className = 'held-out-drop';
    p.textContent = `⚠ ${heldOutDropText(d)} (step ${d.step})`;
    return p;
  }));
  el.hidden = drops.length === 0;
}
