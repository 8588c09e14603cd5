// LiveCodeBench code_generation rows: question_content, public_test_cases (JSON string of
// {input, output, testtype}), metadata JSON with func_name, contest_date. private_test_cases is
// often a compressed pickle; plain JSON lists are used, anything else is left out (noted in meta).
import { FieldError } from '../errors';
import type { CodeRecord, CodeTest } from '../records';
import { jsonField, optionalDate, optionalText, parseTestList, requireText } from './fields';
import { rowId, rowSource, type DatasetPreset } from './preset';

export const liveCodeBenchPreset: DatasetPreset = {
  name: 'livecodebench',
  domain: 'code',
  description: 'LiveCodeBench: question_content, public_test_cases, metadata.func_name, contest_date',
  matches: (row) => typeof row.question_content === 'string' && row.public_test_cases !== undefined,
  toRecord(row, ctx): CodeRecord {
    const problem = requireText(row, ['question_content']);
    const tests: CodeTest[] = parseTestList(jsonField(row, 'public_test_cases'), 'public_test_cases');
    let privateTestsSkipped = false;
    if (typeof row.private_test_cases === 'string' && row.private_test_cases.trim().startsWith('[')) {
      tests.push(...parseTestList(jsonField(row, 'private_test_cases'), 'private_test_cases'));
    } else if (row.private_test_cases) {
      privateTestsSkipped = true;
    }
    const metadata = row.metadata === undefined ? {} : jsonField(row, 'metadata');
    if (!metadata || typeof metadata !== 'object') throw new FieldError('metadata', 'expected a JSON object');
    const fnName = (metadata as Record<string, unknown>).func_name;
    if (fnName !== undefined && typeof fnName !== 'string') throw new FieldError('metadata.func_name', 'expected a string');
    const record: CodeRecord = {
      id: rowId(row, ctx),
      source: rowSource(row, { ...ctx, fallbackSource: String(row.platform ?? ctx.fallbackSource) }),
      domain: 'code',
      problem: problem.text,
      format: fnName ? 'functional' : 'stdin',
      tests,
    };
    if (fnName) record.fnName = fnName;
    const starter = optionalText(row, ['starter_code']);
    if (starter) record.starterCode = starter;
    const date = optionalDate(row, ['contest_date', 'date']);
    if (date) record.date = date;
    if (privateTestsSkipped || row.difficulty !== undefined) {
      record.meta = { ...(row.difficulty !== undefined ? { difficulty: row.difficulty } : {}), ...(privateTestsSkipped ? { privateTestsSkipped } : {}) };
    }
    return record;
  },
};
