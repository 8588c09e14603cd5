// The words the CodeLens, diagnostics and hover use for a verification: pure, so tests pin them.
import type { CodeTest } from '../dataset/records';
import type { RunTestsResult } from '../reward/code';

export interface TestFailure {
  /** 0-based test index. */
  index: number;
  status: string;
  input: string;
  expected: string;
  actual: string;
  message?: string;
}

export interface VerificationSummary {
  passed: number;
  total: number;
  allPassed: boolean;
  /** Sum of the tests' wall times. */
  timeMs: number;
  failures: TestFailure[];
}

const FIELD_CHARS = 400;

export function clip(text: string, max = FIELD_CHARS): string {
  const t = text.replace(/\r\n/g, '\n');
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

/** Tests the sandbox did not run (after a stop on first failure) count as failed, not passed. */
export function summarizeRun(result: RunTestsResult, tests: readonly CodeTest[]): VerificationSummary {
  const failures: TestFailure[] = [];
  let passed = 0;
  let timeMs = 0;
  tests.forEach((t, index) => {
    const r = result.tests[index];
    if (r) timeMs += r.timeMs;
    if (r?.status === 'AC') { passed++; return; }
    failures.push({
      index, status: r?.status ?? 'not run', input: t.input, expected: r?.expected ?? t.output,
      actual: r?.stdout ?? '', message: r?.message ?? r?.stderr?.trim().split('\n').pop(),
    });
  });
  return { passed, total: tests.length, allPassed: tests.length > 0 && passed === tests.length, timeMs, failures };
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

export function idleLensTitle(testCount: number | undefined): string {
  if (testCount === undefined) return 'Verify against tests';
  return `Verify against ${testCount} test${testCount === 1 ? '' : 's'}`;
}

export function resultLensTitle(s: VerificationSummary): string {
  if (s.allPassed) return `✓ ${s.passed}/${s.total} passed · ${formatMs(s.timeMs)}`;
  const first = s.failures[0];
  return `✗ ${s.passed}/${s.total} passed${first ? ` · test ${first.index + 1}: ${first.status}` : ''}`;
}

/** One diagnostic's message: which test, its verdict, input, expected and actual output. */
export function failureMessage(f: TestFailure): string {
  const lines = [`Test ${f.index + 1}: ${f.status}${f.message ? ` — ${clip(f.message, 200)}` : ''}`];
  lines.push(`input: ${oneLine(f.input)}`, `expected: ${oneLine(f.expected)}`, `actual: ${f.actual ? oneLine(f.actual) : '(no output)'}`);
  return lines.join('\n');
}

function oneLine(text: string): string {
  return clip(text.trimEnd(), 200).replace(/\n/g, '⏎');
}
