// The arithmetic facts the math families are built from, drilled during the SFT warm-up as a real
// model learns them in pretraining. Every step of every math family (mathFamilies.ts) is one of these
// facts, so the warmed-up policy can carry out whichever method it picks and RL's job is the method.
// A drill is a bare fact (`7+5=?`), never a held-out problem: no family poses a bare fact, and the
// drills are SFT demonstrations only (never RL prompts, never evaluated).
import type { MathRecord } from '../../core/dataset/records';
import type { Demonstration } from './sftData';

/**
 * Addends 1..maxAddend onto 0..maxBase (and back: the subtractions), factors 1..maxFactor (and the
 * divisions): about 120 facts, few enough for the 0.26M-parameter demo model to learn in its
 * warm-up (with addends up to 6 — 210 facts — it still wrote 3*3=6 and 6+5=10 after 500 steps).
 */
export const FACT_LIMITS = { maxAddend: 4, maxBase: 9, maxFactor: 3 } as const;

export interface Fact {
  problem: string;
  result: number;
}

function allFacts(): Fact[] {
  const { maxAddend, maxBase, maxFactor } = FACT_LIMITS;
  const out: Fact[] = [];
  for (let x = 0; x <= maxBase; x++) {
    for (let y = 1; y <= maxAddend; y++) {
      out.push({ problem: `${x}+${y}`, result: x + y }, { problem: `${x + y}-${y}`, result: x });
      if (x >= 1) out.push({ problem: `${y}+${x}`, result: x + y });
    }
  }
  for (let a = 1; a <= maxFactor; a++) {
    for (let b = 1; b <= maxFactor; b++) out.push({ problem: `${a}*${b}`, result: a * b }, { problem: `${a * b}/${a}`, result: b });
  }
  const seen = new Set<string>();
  return out.filter((f) => !seen.has(f.problem) && seen.add(f.problem));
}

export const FACTS: readonly Fact[] = allFacts();

/** One drill demonstration per fact: `x+y=?` answered `<think>x+y=z</think> \boxed{z}`. */
export function factDrills(): Demonstration[] {
  return FACTS.map((f, i): Demonstration => {
    const record: MathRecord = { id: `builtin-math-fact-${i}`, source: 'builtin-math-facts', domain: 'math', problem: `${f.problem}=?`, answer: String(f.result), meta: { family: 'fact' } };
    return { record, response: `<think>${f.problem}=${f.result}</think> \\boxed{${f.result}}`, imperfect: false };
  });
}
