// One math grading request as the CLI (`acereason verify math`, one JSON object per line) and the
// HTTP service (`POST /verify/math`, a JSON array of the same objects) accept it, and its answer.
import type { MathVerdict } from './verify';

export interface MathJob {
  gold: string;
  text: string;
  /** 'response': a full model output (extract the answer); 'pred': already the final answer. */
  kind: 'response' | 'pred';
}

export interface MathJobResult {
  correct: boolean;
  extracted: string | null;
  reason: string;
}

/** Validates one request object; throws an Error naming the offending field. */
export function parseMathJob(value: unknown): MathJob {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('expected a JSON object');
  const o = value as Record<string, unknown>;
  if (typeof o.gold !== 'string') throw new Error(`field "gold" must be a string${o.gold === undefined ? ' (missing)' : `, got ${typeof o.gold}`}`);
  if (typeof o.response === 'string') return { gold: o.gold, text: o.response, kind: 'response' };
  if (typeof o.pred === 'string') return { gold: o.gold, text: o.pred, kind: 'pred' };
  if (o.response !== undefined || o.pred !== undefined) throw new Error('field "response" or "pred" must be a string');
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
  return { correct: v.correct, extracted: v.extracted, reason: v.reason };
}

/** Anything that grades jobs: the worker pool (hard timeouts) or the budgeted in-thread verifier. */
export interface MathGrader {
  verify(gold: string, response: string): Promise<MathVerdict>;
  verifyAnswer(gold: string, pred: string): Promise<MathVerdict>;
}

export function gradeMathJob(grader: MathGrader, job: MathJob): Promise<MathVerdict> {
  return job.kind === 'pred' ? grader.verifyAnswer(job.gold, job.text) : grader.verify(job.gold, job.text);
}
