// Stage boundaries of a run (where each curriculum stage starts, in steps), drawn on every chart.
// Learned from whichever source has them: the trainer's `stage` events, status.json's `stages`,
// or the `stage` field of sampled responses (first step seen per stage).
export interface StageMark {
  name: string;
  startStep: number;
}

export class StageTracker {
  private marks: StageMark[] = [];

  get all(): readonly StageMark[] {
    return this.marks;
  }

  /** Records a stage start; returns true when that changed the marks. */
  add(name: string, startStep: number): boolean {
    const existing = this.marks.find((m) => m.name === name);
    if (existing) {
      if (startStep >= existing.startStep) return false;
      existing.startStep = startStep;
    } else {
      this.marks.push({ name, startStep });
    }
    this.marks.sort((a, b) => a.startStep - b.startStep);
    return true;
  }

  addAll(marks: Iterable<StageMark>): boolean {
    let changed = false;
    for (const m of marks) changed = this.add(m.name, m.startStep) || changed;
    return changed;
  }

  clear(): void {
    this.marks = [];
  }
}

/**
 * Samples of held-out evaluations carry `before-rl` / `after-<stage>` as their stage: those are
 * moments, not stages, and mark no boundary.
 */
export function isEvaluationLabel(name: string): boolean {
  return /^(before|after)-/.test(name);
}

/** Stage starts learned from sampled responses (first step seen per training stage). */
export function stageMarksOfSamples(samples: readonly { stage: string; step: number }[]): StageMark[] {
  return samples.filter((s) => !isEvaluationLabel(s.stage)).map((s) => ({ name: s.stage, startStep: s.step }));
}
