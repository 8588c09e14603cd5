// APPS / TACO: `input_output` is a JSON string {inputs, outputs, fn_name?}; `solutions` a JSON
// string list. Call-based rows give each input as a list of arguments, which we turn into our
// one-JSON-argument-per-line convention.
import { FieldError } from '../errors';
import type { CodeRecord, CodeTest } from '../records';
import { describeType, jsonField, optionalDate, optionalStringList, optionalText, requireText, testText, type Row } from './fields';
import { rowId, rowSource, type DatasetPreset } from './preset';

function appsTests(io: Row, functional: boolean): CodeTest[] {
  const { inputs, outputs } = io;
  if (!Array.isArray(inputs)) throw new FieldError('input_output.inputs', `expected an array, got ${describeType(inputs)}`);
  if (!Array.isArray(outputs)) throw new FieldError('input_output.outputs', `expected an array, got ${describeType(outputs)}`);
  if (inputs.length !== outputs.length) throw new FieldError('input_output', `${inputs.length} inputs but ${outputs.length} outputs`);
  return inputs.map((input, i) => {
    if (functional) {
      if (!Array.isArray(input)) throw new FieldError(`input_output.inputs[${i}]`, 'expected a list of call arguments');
      return { input: input.map((a) => JSON.stringify(a)).join('\n'), output: JSON.stringify(outputs[i]) };
    }
    const text = Array.isArray(input) ? input.join('\n') : testText(input);
    const expected = Array.isArray(outputs[i]) ? (outputs[i] as unknown[]).join('\n') : testText(outputs[i]);
    return { input: text, output: expected };
  });
}

export const appsPreset: DatasetPreset = {
  name: 'apps',
  domain: 'code',
  description: "APPS / TACO: input_output JSON string {inputs, outputs, fn_name?}, solutions JSON list",
  matches: (row) => row.input_output !== undefined && (typeof row.question === 'string' || typeof row.problem === 'string'),
  toRecord(row, ctx): CodeRecord {
    const problem = requireText(row, ['question', 'problem'], 'question');
    const io = jsonField(row, 'input_output');
    if (!io || typeof io !== 'object' || Array.isArray(io)) throw new FieldError('input_output', `expected an object, got ${describeType(io)}`);
    const fnName = typeof (io as Row).fn_name === 'string' ? ((io as Row).fn_name as string) : undefined;
    const record: CodeRecord = {
      id: rowId(row, ctx),
      source: rowSource(row, ctx),
      domain: 'code',
      problem: problem.text,
      format: fnName ? 'functional' : 'stdin',
      tests: appsTests(io as Row, !!fnName),
    };
    if (fnName) record.fnName = fnName;
    const starter = optionalText(row, ['starter_code']);
    if (starter) record.starterCode = starter;
    const solutions = optionalStringList(row, 'solutions');
    if (solutions?.length) record.solutions = solutions;
    const date = optionalDate(row, ['date', 'contest_date']);
    if (date) record.date = date;
    const meta: Record<string, unknown> = {};
    for (const k of ['difficulty', 'url', 'skill_types', 'tags']) if (row[k] !== undefined) meta[k] = row[k];
    if (Object.keys(meta).length) record.meta = meta;
    return record;
  },
};
