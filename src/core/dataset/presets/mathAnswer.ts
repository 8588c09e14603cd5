// {problem, answer}: AceReason-Math, DeepScaleR, most RL-ready math sets.
import type { MathRecord } from '../records';
import { PROBLEM_FIELDS, firstPresent, optionalText, requireText } from './fields';
import { rowId, rowSource, scalarMeta, type DatasetPreset } from './preset';

const ANSWER_FIELDS = ['answer', 'final_answer', 'ground_truth', 'gt_answer'];

export const mathAnswerPreset: DatasetPreset = {
  name: 'math-answer',
  domain: 'math',
  description: 'math {problem, answer} (AceReason-Math, DeepScaleR)',
  matches: (row) => firstPresent(row, PROBLEM_FIELDS) !== undefined && firstPresent(row, ANSWER_FIELDS) !== undefined,
  toRecord(row, ctx): MathRecord {
    const problem = requireText(row, PROBLEM_FIELDS, 'problem');
    const answer = requireText(row, ANSWER_FIELDS, 'answer', { numbers: true });
    const solution = optionalText(row, ['solution']);
    const record: MathRecord = { id: rowId(row, ctx), source: rowSource(row, ctx), domain: 'math', problem: problem.text, answer: answer.text.trim() };
    if (solution) record.solution = solution;
    const meta = scalarMeta(row, ['id', 'source', problem.field, answer.field, 'solution']);
    if (meta) record.meta = meta;
    return record;
  },
};
