// The audit report of `acereason verify math --summary`: verdict counts per state and per class of
// reference answer and, when lines carry an "expected" label, agreement and false positives and
// negatives, so a researcher can check a verifier change against a labelled file before training.
import { ANSWER_CLASSES, answerClass, type AnswerClass } from './answerClass';
import { MATH_VERDICT_STATES, type MathVerdictState } from './verify';

export interface ClassCounts {
  total: number;
  states: Partial<Record<MathVerdictState, number>>;
  labelled: number;
  agree: number;
  falsePositives: number;
  falseNegatives: number;
}

export interface MathSummary {
  total: number;
  /** Lines that were not a valid request (reported as {"error", "line"}). */
  malformed: number;
  states: Record<MathVerdictState, number>;
  classes: Partial<Record<AnswerClass, ClassCounts>>;
  /** Over the lines with an "expected" label; absent when none had one. */
  labels?: { labelled: number; agree: number; agreement: number; falsePositives: number; falseNegatives: number };
}

export class MathSummaryBuilder {
  private total = 0;
  private malformed = 0;
  private readonly states = Object.fromEntries(MATH_VERDICT_STATES.map((s) => [s, 0])) as Record<MathVerdictState, number>;
  private readonly classes = new Map<AnswerClass, ClassCounts>();

  addMalformed(): void {
    this.malformed++;
  }

  add(gold: string, state: MathVerdictState, expected?: boolean): void {
    this.total++;
    this.states[state]++;
    const cls = answerClass(gold);
    let c = this.classes.get(cls);
    if (!c) this.classes.set(cls, (c = { total: 0, states: {}, labelled: 0, agree: 0, falsePositives: 0, falseNegatives: 0 }));
    c.total++;
    c.states[state] = (c.states[state] ?? 0) + 1;
    if (expected === undefined) return;
    const said = state === 'correct';
    c.labelled++;
    if (said === expected) c.agree++;
    else if (said) c.falsePositives++;
    else c.falseNegatives++;
  }

  build(): MathSummary {
    const classes: Partial<Record<AnswerClass, ClassCounts>> = {};
    for (const cls of ANSWER_CLASSES) {
      const c = this.classes.get(cls);
      if (c) classes[cls] = c;
    }
    const all = [...this.classes.values()];
    const labelled = all.reduce((n, c) => n + c.labelled, 0);
    const out: MathSummary = { total: this.total, malformed: this.malformed, states: { ...this.states }, classes };
    if (labelled > 0) {
      const agree = all.reduce((n, c) => n + c.agree, 0);
      out.labels = {
        labelled, agree, agreement: agree / labelled,
        falsePositives: all.reduce((n, c) => n + c.falsePositives, 0),
        falseNegatives: all.reduce((n, c) => n + c.falseNegatives, 0),
      };
    }
    return out;
  }
}

/** The report as a table for a terminal. */
export function formatMathSummary(s: MathSummary): string {
  const lines = [`math verify summary: ${s.total} checked${s.malformed ? `, ${s.malformed} malformed line(s)` : ''}`];
  lines.push('by state:  ' + MATH_VERDICT_STATES.map((st) => `${st} ${s.states[st]}`).join('  '));
  if (s.labels) {
    const l = s.labels;
    lines.push(`labels:    agree ${l.agree}/${l.labelled} (${(100 * l.agreement).toFixed(1)}%)  false positives ${l.falsePositives}  false negatives ${l.falseNegatives}`);
  }
  lines.push('by class of the reference answer:');
  for (const [cls, c] of Object.entries(s.classes) as Array<[AnswerClass, ClassCounts]>) {
    const states = MATH_VERDICT_STATES.filter((st) => c.states[st]).map((st) => `${st} ${c.states[st]}`).join('  ');
    const labels = c.labelled ? `   | agree ${c.agree}/${c.labelled}, FP ${c.falsePositives}, FN ${c.falseNegatives}` : '';
    lines.push(`  ${cls.padEnd(11)} ${String(c.total).padStart(5)}   ${states}${labels}`);
  }
  return lines.join('\n');
}
