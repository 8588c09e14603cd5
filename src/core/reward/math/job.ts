// One math grading request as the CLI (`acereason verify math`, one JSON object per line) and the
// HTTP service (`POST /verify/math`, a JSON array of the same objects) accept it, and its answer.
// Options ride along per request, in snake_case: extract, precision, strict, allow_set_relation.
import { mathOptionsFromJson } from './options';
import type { MathVerdict, MathVerdictState, MathVerifyOptions } from './verify';

export interface MathJob {
  gold: string;
  text: string;
  /** 'response': a full model output (extract the answer); 'pred': already the final answer. */
  kind: 'response' | 'pred';
  /** This request's options (they override the grader's defaults). */
  opts: MathVerifyOptions;
  /** A label (`"expected": true|false`) for audit runs (`--summary`); never used to grade. */
  expected?: boolean;
}

export interface MathJobResult {
  correct: boolean;
  state: MathVerdictState;
  extracted: string | null;
  reason: string;
}

/** A string, or a number written as JSON ("gold": 3): answers are often numbers in datasets. */
function textField(o: Record<string, unknown>, name: string): string | undefined {
  const v = o[name];
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'bigint') return v.toString();
  return undefined;
}

function describe(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v;
}

/** Validates one request object; throws an Error naming the offending field. */
export function parseMathJob(value: unknown): MathJob {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('expected a JSON object');
  const o = value as Record<string, unknown>;
  const gold = textField(o, 'gold');
  if (gold === undefined) throw new Error(`field "gold" must be a string or a number${o.gold === undefined ? ' (missing)' : `, got ${describe(o.gold)}`}`);
  const opts = mathOptionsFromJson(o);
  if (o.expected !== undefined && typeof o.expected !== 'boolean') throw new Error(`field "expected" must be true or false, got ${JSON.stringify(o.expected)}`);
  const expected = o.expected as boolean | undefined;
  const response = textField(o, 'response');
  if (response !== undefined) return { gold, text: response, kind: 'response', opts, expected };
  const pred = textField(o, 'pred');
  if (pred !== undefined) return { gold, text: pred, kind: 'pred', opts, expected };
  if (o.response !== undefined) throw new Error(`field "response" must be a string, got ${describe(o.response)}`);
  if (o.pred !== undefined) throw new Error(`field "pred" must be a string or a number, got ${describe(o.pred)}`);
  throw new Error('needs a string field "response" or "pred"');
}

/** Parses one JSONL line into a job. */
export function parseMathJobLine(text: string): MathJob {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new Error(`not JSON: ${(e as Error).message}`);
  }
  return parseMathJob(value);
}

export function mathJobResult(v: MathVerdict): MathJobResult {
  return { correct: v.correct, state: v.state, extracted: v.extracted, reason: v.reason };
}

/** Anything that grades jobs: the worker pool (hard timeouts) or the budgeted in-thread verifier. */
export interface MathGrader {
  verify(gold: string, response: string, opts?: MathVerifyOptions): Promise<MathVerdict>;
  verifyAnswer(gold: string, pred: string, opts?: MathVerifyOptions): Promise<MathVerdict>;
}

export function gradeMathJob(grader: MathGrader, job: MathJob): Promise<MathVerdict> {
  return job.kind === 'pred' ? grader.verifyAnswer(job.gold, job.text, job.opts) : grader.verify(job.gold, job.text, job.opts);
}
