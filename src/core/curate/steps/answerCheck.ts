// The reference answer must be something the math verifier can parse into values: otherwise every
// rollout, right or wrong, would be graded by text comparison (or not at all). Uses the verifier's
// own normaliser, structure parser and LaTeX compiler, so "parseable" means exactly what the
// reward function will do with it.
import { compileLatex } from '../../reward/math/evaluate';
import { normalizeAnswer } from '../../reward/math/normalize';
import { parseAnswer, type Answer } from '../../reward/math/structure';
import { removeWith, type CurationStep, type RemovalReason } from '../step';

/** Why the verifier cannot use this reference answer, or undefined when it can. */
export function unparseableAnswerReason(answer: string): string | undefined {
  const normalized = normalizeAnswer(answer).text;
  if (!normalized) return 'the answer is empty after normalisation';
  return leafProblem(parseAnswer(normalized));
}

function leafProblem(a: Answer): string | undefined {
  switch (a.kind) {
    case 'text':
      return `"${a.source.slice(0, 60)}" is text, not a value`;
    case 'expr':
      return compiles(a.source);
    case 'relation':
      return compiles(a.lhs) ?? compiles(a.rhs);
    case 'list':
      for (const item of a.items) {
        const p = leafProblem(item);
        if (p) return p;
      }
      return undefined;
    case 'union':
      for (const part of a.parts) {
        const p = leafProblem(part);
        if (p) return p;
      }
      return undefined;
    case 'matrix':
      for (const row of a.rows) {
        for (const cell of row) {
          const p = leafProblem(cell);
          if (p) return p;
        }
      }
      return undefined;
  }
}

function compiles(latex: string): string | undefined {
  try {
    compileLatex(latex);
    return undefined;
  } catch (e) {
    return `the verifier cannot parse "${latex.slice(0, 60)}": ${(e as Error).message.slice(0, 160)}`;
  }
}

export const answerCheckStep: CurationStep = {
  name: 'answer-check',
  description: 'remove math prompts whose reference answer the verifier cannot parse',
  domains: ['math'],
  enabled: () => true,
  run(records, ctx) {
    const removed = new Map<number, RemovalReason[]>();
    records.forEach((record, i) => {
      if (i % 500 === 0) ctx.progress?.(i, records.length);
      if (record.domain !== 'math') return;
      const problem = unparseableAnswerReason(record.answer);
      if (problem) removeWith(removed, i, { reason: 'answer-unparseable', detail: problem });
    });
    return { removed };
  },
};
