// Code problems with explicit tests: [{input, output}] or {inputs, outputs}. Function-call rows
// (LeetCode / LiveCodeBench style: fn_name + starter code, one JSON argument per input line) and
// stdin/stdout rows may be mixed in one file; `format` or the presence of fn_name decides.
import { FieldError } from '../errors';
import type { CodeRecord } from '../records';
import {
  PROBLEM_FIELDS, firstPresent, jsonField, optionalDate, optionalNumber, optionalStringList, optionalText, parseTestList, requireText, type Row,
} from './fields';
import { rowId, rowSource, type DatasetPreset, type RowContext } from './preset';

const TEST_FIELDS = ['tests', 'test_cases', 'public_tests'];
const FN_FIELDS = ['fn_name', 'func_name', 'entry_point'];
const DATE_FIELDS = ['date', 'contest_date', 'release_date'];

function hasTests(row: Row): boolean {
  return firstPresent(row, PROBLEM_FIELDS) !== undefined && firstPresent(row, TEST_FIELDS) !== undefined;
}

function codeRecord(row: Row, ctx: RowContext, forced?: 'stdin' | 'functional'): CodeRecord {
  const problem = requireText(row, PROBLEM_FIELDS, 'problem');
  const testField = firstPresent(row, TEST_FIELDS);
  if (!testField) throw new FieldError('tests', `missing (looked for ${TEST_FIELDS.join(', ')})`);
  const tests = parseTestList(jsonField(row, testField), testField);
  const fnName = optionalText(row, FN_FIELDS);
  const declared = row.format;
  if (declared !== undefined && declared !== 'stdin' && declared !== 'functional') {
    throw new FieldError('format', `expected 'stdin' or 'functional', got ${JSON.stringify(declared)}`);
  }
  const format = forced ?? (declared as 'stdin' | 'functional' | undefined) ?? (fnName ? 'functional' : 'stdin');
  if (format === 'functional' && !fnName) throw new FieldError('fn_name', 'missing for a function-call problem');
  const record: CodeRecord = { id: rowId(row, ctx), source: rowSource(row, ctx), domain: 'code', problem: problem.text, format, tests };
  if (format === 'functional') record.fnName = fnName;
  const starter = optionalText(row, ['starter_code']);
  if (starter) record.starterCode = starter;
  const solutions = optionalStringList(row, 'solutions');
  if (solutions?.length) record.solutions = solutions;
  const timeLimit = optionalNumber(row, 'time_limit_s');
  if (timeLimit !== undefined) record.timeLimitS = timeLimit;
  const memory = optionalNumber(row, 'memory_limit_mb');
  if (memory !== undefined) record.memoryLimitMb = memory;
  const date = optionalDate(row, DATE_FIELDS);
  if (date) record.date = date;
  const meta: Record<string, unknown> = {};
  if (typeof row.test_code === 'string') meta.testCode = row.test_code;
  if (typeof row.reference_verified === 'boolean') meta.referenceVerified = row.reference_verified;
  if (row.tags !== undefined) meta.tags = row.tags;
  if (Object.keys(meta).length) record.meta = meta;
  return record;
}

export const codeTestsPreset: DatasetPreset = {
  name: 'code-tests',
  domain: 'code',
  description: 'code with a tests list; function-call rows (fn_name, starter_code) and stdin rows may be mixed',
  matches: hasTests,
  toRecord: (row, ctx) => codeRecord(row, ctx),
};

export const codeStdinPreset: DatasetPreset = {
  name: 'code-stdin',
  domain: 'code',
  description: 'code with stdin/stdout tests',
  matches: (row) => hasTests(row) && firstPresent(row, FN_FIELDS) === undefined,
  toRecord: (row, ctx) => codeRecord(row, ctx, 'stdin'),
};

export const codeFunctionalPreset: DatasetPreset = {
  name: 'code-functional',
  domain: 'code',
  description: 'code with function-call tests: fn_name, starter_code, one JSON argument per input line (LeetCode, LiveCodeBench)',
  matches: (row) => hasTests(row) && firstPresent(row, FN_FIELDS) !== undefined,
  toRecord: (row, ctx) => codeRecord(row, ctx, 'functional'),
};
