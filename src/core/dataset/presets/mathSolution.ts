// {problem, solution}: NuminaMath, MATH. The reference answer is the solution's last \boxed{}.
import { lastBoxedContent } from '../boxed';
import { FieldError } from '../errors';
import type { MathRecord } from '../records';
import { PROBLEM_FIELDS, firstPresent, requireText } from './fields';
import { rowId, rowSource, scalarMeta, type DatasetPreset } from './preset';

export const mathSolutionPreset: DatasetPreset = {
  name: 'math-solution',
  domain: 'math',
  description: "math {problem, solution}, answer = the solution's last \\boxed{} (NuminaMath, MATH)",
  matches: (row) => firstPresent(row, PROBLEM_FIELDS) !== undefined && typeof row.solution === 'string',
  toRecord(row, ctx): MathRecord {
    const problem = requireText(row, PROBLEM_FIELDS, 'problem');
    const solution = requireText(row, ['solution']);
    const answer = lastBoxedContent(solution.text);
    if (!answer) throw new FieldError('solution', 'has no \\boxed{…} final answer');
    const record: MathRecord = {
      id: rowId(row, ctx),
      source: rowSource(row, ctx),
      domain: 'math',
      problem: problem.text,
      answer,
      solution: solution.text,
    };
    const meta = scalarMeta(row, ['id', 'source', problem.field, 'solution']);
    if (meta) record.meta = meta;
    return record;
  },
};
