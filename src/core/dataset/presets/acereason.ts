// Our own record layout (what `acereason curate` writes to curated.jsonl, and run data files): read
// as it is, field for field, so every command takes curated.jsonl unchanged (fnName, starterCode,
// meta and pass rates included). A row of the other domain is reported, not silently dropped.
import { z } from 'zod';
import { FieldError } from '../errors';
import type { CodeRecord, MathRecord, PromptRecord } from '../records';
import type { DatasetPreset, RowContext } from './preset';
import type { Row } from './fields';

const text = z.string().min(1);
const idValue = z.union([text, z.number().finite()]).transform(String);
const common = {
  id: idValue.optional(),
  source: text.optional(),
  problem: text,
  split: z.enum(['train', 'test', 'val']).optional(),
  passRate: z.number().min(0).max(1).optional(),
  difficulty: z.number().optional(),
  date: z.string().optional(),
  meta: z.record(z.string(), z.unknown()).optional(),
};
const MathRow = z.object({
  ...common,
  domain: z.literal('math'),
  answer: z.union([text, z.number().finite()]).transform(String),
  solution: z.string().optional(),
}).passthrough();
const CodeRow = z.object({
  ...common,
  domain: z.literal('code'),
  format: z.enum(['stdin', 'functional']),
  tests: z.array(z.object({ input: z.string(), output: z.string() })).min(1),
  fnName: text.optional(),
  starterCode: z.string().optional(),
  solutions: z.array(z.string()).optional(),
  language: z.enum(['python', 'javascript']).optional(),
  timeLimitS: z.number().positive().optional(),
  memoryLimitMb: z.number().positive().optional(),
}).passthrough().refine((r) => r.format !== 'functional' || r.fnName !== undefined, { message: "missing for a function-call problem (format 'functional')", path: ['fnName'] });

function toRecord<T extends PromptRecord>(schema: z.ZodType<T>, row: Row, domain: 'math' | 'code', ctx: RowContext): T {
  if (row.domain !== domain) throw new FieldError('domain', `is ${JSON.stringify(row.domain)}, not '${domain}'`);
  const parsed = schema.safeParse(row);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new FieldError(issue.path.join('.') || '(record)', issue.message);
  }
  // Like the other presets: a row without id or source gets `<file>-<line>` and the file's name.
  return { ...parsed.data, id: parsed.data.id ?? ctx.fallbackId, source: parsed.data.source ?? ctx.fallbackSource };
}

export const acereasonMathPreset: DatasetPreset = {
  name: 'acereason-math',
  domain: 'math',
  description: 'our math records {domain: "math", id, source, problem, answer} (curated.jsonl)',
  matches: (row) => row.domain === 'math' && typeof row.problem === 'string' && row.answer !== undefined,
  toRecord: (row, ctx) => toRecord(MathRow as unknown as z.ZodType<MathRecord>, row, 'math', ctx),
};

export const acereasonCodePreset: DatasetPreset = {
  name: 'acereason-code',
  domain: 'code',
  description: 'our code records {domain: "code", id, source, problem, format, tests, fnName?} (curated.jsonl)',
  matches: (row) => row.domain === 'code' && typeof row.problem === 'string' && Array.isArray(row.tests),
  toRecord: (row, ctx) => toRecord(CodeRow as unknown as z.ZodType<CodeRecord>, row, 'code', ctx),
};
