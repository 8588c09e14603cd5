// The seed paper's qualitative claims (AceReason-Nemotron §4), checked on held-out sets over seeds
// with the acceptance rules of issue 14: a gain counts when its mean over seeds exceeds twice the
// seeds' standard deviation of that gain; "no loss" allows 2 points; "solves new problems" needs
// pass@k with k ≥ 16 up on every seed. A claim whose rows a run does not have is "not checked".
import type { Domain, EvalRow, RunSummary } from './runSummary';
import { meanSd, type MeanSd } from './stats';

export interface ClaimCheck {
  id: string;
  claim: string;
  /** The rule applied, in words. */
  rule: string;
  /** undefined: the runs have no rows to check it on. */
  held: boolean | undefined;
  evidence: string;
  /** Per-seed values the rule was applied to (points), for the table. */
  perSeed: number[];
  stats?: MeanSd;
}

/** Largest drop (points) of math pass@1 during code RL that still counts as "minimal or no loss". */
export const MAX_MATH_LOSS_POINTS = 2;
/** pass@k is only a "solves new problems" measure at large k. */
export const MIN_K_FOR_NEW_PROBLEMS = 16;

export interface ClaimRows {
  before: EvalRow;
  afterMath: EvalRow;
  afterCode?: EvalRow;
  final: EvalRow;
}

/** Before RL, after the first math block, after the code block that follows it, and the last evaluation. */
export function claimRows(run: RunSummary): ClaimRows | undefined {
  const before = run.blocks.find((r) => r.label === 'before RL');
  const iMath = run.blocks.findIndex((r) => r.label === 'after math RL');
  if (!before || iMath < 0) return undefined;
  const next = run.blocks[iMath + 1];
  return { before, afterMath: run.blocks[iMath], afterCode: next?.label.startsWith('after code RL') ? next : undefined, final: run.blocks[run.blocks.length - 1] };
}

const pts = (v: number) => `${v >= 0 ? '+' : ''}${v.toFixed(1)}`;

function gainClaim(id: string, claim: string, values: number[]): ClaimCheck {
  const stats = meanSd(values);
  const single = stats.n === 1;
  const held = stats.n === 0 ? undefined : single ? stats.mean > 0 : stats.mean > 0 && stats.mean > 2 * stats.sd;
  const rule = single ? 'gain > 0 (one seed: no spread to compare with)' : 'mean gain > 0 and > 2 sd of the gains over seeds';
  const evidence = stats.n === 0 ? 'no rows to compare' : `gain ${pts(stats.mean)} points${single ? '' : ` (sd ${stats.sd.toFixed(1)}, 2 sd = ${(2 * stats.sd).toFixed(1)})`}; per seed ${values.map(pts).join(', ')}`;
  return { id, claim, rule, held, evidence, perSeed: values, stats };
}

function score(row: EvalRow | undefined, domain: Domain, what: 'pass1' | 'passK'): number {
  return 100 * (row?.byDomain[domain]?.[what] ?? NaN);
}

export function checkClaims(runs: readonly RunSummary[]): ClaimCheck[] {
  const rows = runs.map(claimRows).filter((r): r is ClaimRows => !!r);
  const diff = (f: (r: ClaimRows) => number) => rows.map(f).filter((v) => Number.isFinite(v));
  const checks: ClaimCheck[] = [];

  checks.push(gainClaim('1', 'math-only RL improves held-out math', diff((r) => score(r.afterMath, 'math', 'pass1') - score(r.before, 'math', 'pass1'))));
  const codeAfterMath = gainClaim('1b', 'math-only RL also helps held-out code', diff((r) => score(r.afterMath, 'code', 'pass1') - score(r.before, 'code', 'pass1')));
  checks.push(codeAfterMath);

  const withCode = rows.filter((r) => r.afterCode);
  checks.push(gainClaim('2a', 'code-only RL afterwards improves held-out code', withCode.map((r) => score(r.afterCode, 'code', 'pass1') - score(r.afterMath, 'code', 'pass1')).filter(Number.isFinite)));
  const mathChange = withCode.map((r) => score(r.afterCode, 'math', 'pass1') - score(r.afterMath, 'math', 'pass1')).filter(Number.isFinite);
  const m = meanSd(mathChange);
  checks.push({
    id: '2b', claim: 'code-only RL costs held-out math little or nothing',
    rule: `mean change of math pass@1 during code RL ≥ −${MAX_MATH_LOSS_POINTS} points`,
    held: m.n === 0 ? undefined : m.mean >= -MAX_MATH_LOSS_POINTS,
    evidence: m.n === 0 ? 'no code RL after math RL' : `math pass@1 changed ${pts(m.mean)} points during code RL${Number.isFinite(m.sd) ? ` (sd ${m.sd.toFixed(1)})` : ''}; per seed ${mathChange.map(pts).join(', ')}${m.mean > MAX_MATH_LOSS_POINTS + 1e-9 ? ` — a rise, not a loss; read as "within ${MAX_MATH_LOSS_POINTS} points either way" it would not hold` : ''}`,
    perSeed: mathChange, stats: m,
  });

  const k = Math.min(...rows.map((r) => r.before.byDomain.math?.k ?? 0));
  const passK = rows.map((r) => score(r.final, 'math', 'passK') - score(r.before, 'math', 'passK')).filter(Number.isFinite);
  const enoughK = rows.length > 0 && k >= MIN_K_FOR_NEW_PROBLEMS;
  checks.push({
    id: '3', claim: `RL solves held-out math problems the starting model could not (pass@${k} up)`,
    rule: `pass@k with k ≥ ${MIN_K_FOR_NEW_PROBLEMS} higher after all RL than before, on every seed`,
    held: !enoughK || passK.length === 0 ? undefined : passK.every((d) => d > 0),
    evidence: !enoughK ? `evaluated with k = ${k}; needs k ≥ ${MIN_K_FOR_NEW_PROBLEMS}` : `math pass@${k} changed ${passK.map(pts).join(', ')} points per seed`,
    perSeed: passK, stats: meanSd(passK),
  });
  return checks;
}

export function heldWord(held: boolean | undefined): string {
  return held === undefined ? 'not checked' : held ? 'held' : 'not held';
}
