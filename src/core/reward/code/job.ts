// One code grading request as the CLI (`acereason verify code`, one JSON object per line) and the
// HTTP service (`POST /verify/code`, a JSON array of the same objects) accept it, and its answer.
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
  } else throw new Error('needs a string field "code" or "response"');
  if (!Array.isArray(o.tests)) throw new Error('field "tests" must be an array of {"input","output"}');
  o.tests.forEach((t, i) => {
    if (!t || typeof t !== 'object' || typeof (t as Record<string, unknown>).input !== 'string' || typeof (t as Record<string, unknown>).output !== 'string') {
      throw new Error(`field "tests[${i}]" must be {"input": string, "output": string}`);
    }
  });
  for (const field of ['fn_name'] as const) {
    if (o[field] !== undefined && typeof o[field] !== 'string') throw new Error(`field "${field}" must be a string`);
  }
  for (const field of ['timeout_s', 'memory_mb'] as const) {
    if (o[field] !== undefined && (typeof o[field] !== 'number' || !((o[field] as number) > 0))) throw new Error(`field "${field}" must be a positive number`);
  }
  return {
    request: {
      code, language: (language as 'python' | 'javascript' | undefined) ?? 'python',
      tests: (o.tests as { input: string; output: string }[]).map((t) => ({ input: t.input, output: t.output })),
      fnName: (o.fn_name as string | undefined) || undefined,
      timeoutS: o.timeout_s as number | undefined,
      memoryMb: o.memory_mb as number | undefined,
    },
  };
}

function testToJson(t: CodeTestResult): Record<string, unknown> {
  const out: Record<string, unknown> = { status: t.status, time_ms: Math.round(t.timeMs * 1000) / 1000 };
  if (t.cpuMs !== undefined) out.cpu_ms = Math.round(t.cpuMs * 1000) / 1000;
  if (t.message !== undefined) out.message = t.message;
  if (t.stdout !== undefined) out.stdout = t.stdout;
  if (t.stderr !== undefined) out.stderr = t.stderr;
  if (t.expected !== undefined) out.expected = t.expected;
  return out;
}

export function codeJobResult(r: RunTestsResult): Record<string, unknown> {
  return { passed: r.passed, reward: r.reward, partial: r.partial, tests: r.tests.map(testToJson) };
}

/** The answer for a response with no code block to run: a verdict (reward 0), not a request error. */
export function noCodeResult(message: string): Record<string, unknown> {
  return { passed: false, reward: 0, partial: 0, tests: [], message };
}
