// One code grading request as the CLI (`acereason verify code`, one JSON object per line) and the
// HTTP service (`POST /verify/code`, a JSON array of the same objects) accept it, and its answer.
// Our own curated records (curated.jsonl: `fnName`, `starterCode`, `solutions`, `timeLimitS`,
// `memoryLimitMb`) are read as they are, next to the snake_case request fields.
import { extractCodeBlock, languageOfFence } from './extract';
import type { CodeTestResult, RunTestsRequest, RunTestsResult } from './sandbox';

export type CodeJob = { request: RunTestsRequest } | { noCode: string };

/** Parses one JSONL line into a job. */
export function parseCodeJobLine(text: string): CodeJob {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new Error(`not JSON: ${(e as Error).message}`);
  }
  return parseCodeJob(value);
}

/** Validates one request object; throws an Error naming the offending field. */
export function parseCodeJob(value: unknown): CodeJob {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('expected a JSON object');
  const o = value as Record<string, unknown>;
  let language = o.language;
  if (language !== undefined && language !== 'python' && language !== 'javascript') {
    throw new Error(`field "language" must be "python" or "javascript", got ${JSON.stringify(language)}`);
  }
  let code: string;
  if (typeof o.code === 'string') code = o.code;
  else if (typeof o.response === 'string') {
    const block = extractCodeBlock(o.response);
    if (!block) return { noCode: 'no complete fenced code block after </think> in "response"' };
    code = block.code;
    language ??= languageOfFence(block.lang);
  } else if (Array.isArray(o.solutions) && typeof o.solutions[0] === 'string') {
    code = o.solutions[0]; // a curated record: check its first reference solution
  } else throw new Error('needs a string field "code" or "response" (or "solutions", as in curated.jsonl)');
  if (!Array.isArray(o.tests)) throw new Error('field "tests" must be an array of {"input","output"}');
  o.tests.forEach((t, i) => {
    if (!t || typeof t !== 'object' || typeof (t as Record<string, unknown>).input !== 'string' || typeof (t as Record<string, unknown>).output !== 'string') {
      throw new Error(`field "tests[${i}]" must be {"input": string, "output": string}`);
    }
  });
  for (const field of ['fn_name', 'fnName', 'starterCode', 'starter_code'] as const) {
    if (o[field] !== undefined && o[field] !== null && typeof o[field] !== 'string') throw new Error(`field "${field}" must be a string`);
  }
  for (const field of ['timeout_s', 'memory_mb', 'timeLimitS', 'memoryLimitMb', 'float_tolerance'] as const) {
    if (o[field] !== undefined && (typeof o[field] !== 'number' || !((o[field] as number) >= 0))) throw new Error(`field "${field}" must be a non-negative number`);
  }
  const starter = (o.starterCode ?? o.starter_code) as string | undefined;
  const fnName = ((o.fn_name ?? o.fnName) as string | undefined) || (starter ? functionNameOfStarter(starter) : undefined);
  if (!fnName && o.format === 'functional') {
    throw new Error('the record is "functional" but names no function: add "fn_name" (or "fnName", or a "starterCode" with a def)');
  }
  if (!fnName && (language ?? 'python') === 'python' && definesSolutionClassOnly(code)) {
    throw new Error('the program defines class Solution but the line has no "fn_name"/"fnName" (nor a "starterCode" to take it from): '
      + 'run as a stdin script it would print nothing');
  }
  return {
    request: {
      code, language: (language as 'python' | 'javascript' | undefined) ?? 'python',
      tests: (o.tests as { input: string; output: string }[]).map((t) => ({ input: t.input, output: t.output })),
      fnName,
      timeoutS: (o.timeout_s ?? o.timeLimitS) as number | undefined,
      memoryMb: (o.memory_mb ?? o.memoryLimitMb) as number | undefined,
      floatTolerance: o.float_tolerance as number | undefined,
    },
  };
}

/** The method LeetCode's starter code declares (`class Solution:\n    def twoSum(self, …)`), or a top-level def. */
export function functionNameOfStarter(starter: string): string | undefined {
  return /^\s+def\s+([A-Za-z_]\w*)\s*\(\s*self\b/m.exec(starter)?.[1] ?? /^def\s+([A-Za-z_]\w*)\s*\(/m.exec(starter)?.[1];
}

/** A LeetCode-style program: a Solution class and no top-level statement that reads input or prints. */
function definesSolutionClassOnly(code: string): boolean {
  if (!/^class\s+Solution\b/m.test(code)) return false;
  const topLevel = code.split('\n').filter((l) => /^[^\s#]/.test(l) && !/^(class|def|import|from|@)\b/.test(l) && !/^[A-Za-z_]\w*\s*(:[^=]*)?=/.test(l));
  return !topLevel.some((l) => /\b(input|print|sys\.stdin|open)\b|^if\s+__name__/.test(l));
}

function testToJson(t: CodeTestResult): Record<string, unknown> {
  const out: Record<string, unknown> = { status: t.status, time_ms: Math.round(t.timeMs * 1000) / 1000 };
  if (t.cpuMs !== undefined) out.cpu_ms = Math.round(t.cpuMs * 1000) / 1000;
  if (t.message !== undefined) out.message = t.message;
  if (t.stdout !== undefined) out.stdout = t.stdout;
  if (t.stderr !== undefined) out.stderr = t.stderr;
  if (t.expected !== undefined) out.expected = t.expected;
  if (t.traceback !== undefined) out.traceback = t.traceback;
  return out;
}

/** The answer line. `partial` (fraction of tests passed) only with partial credit: without it the run stops at the first failure, so the fraction would be misleading. */
export function codeJobResult(r: RunTestsResult, options: { partialCredit?: boolean } = {}): Record<string, unknown> {
  return options.partialCredit
    ? { passed: r.passed, reward: r.reward, partial: r.partial, tests: r.tests.map(testToJson) }
    : { passed: r.passed, reward: r.reward, tests: r.tests.map(testToJson) };
}

/** The answer for a response with no code block to run: a verdict (reward 0), not a request error. */
export function noCodeResult(message: string, options: { partialCredit?: boolean } = {}): Record<string, unknown> {
  return options.partialCredit ? { passed: false, reward: 0, partial: 0, tests: [], message } : { passed: false, reward: 0, tests: [], message };
}
