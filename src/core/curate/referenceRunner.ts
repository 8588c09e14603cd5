// The slice of the code sandbox the reference-solutions step uses, in its own module so the step
// context can name it without importing a step (tests hand in a fake, the pipeline a CodeSandbox).
import type { CodeRecord } from '../dataset/records';

export interface ReferenceRunner {
  runTests(req: { code: string; tests: CodeRecord['tests']; fnName?: string; timeoutS?: number; memoryMb?: number; stopOnFirstFailure?: boolean }): Promise<{
    passed: boolean;
    tests: { status: string; message?: string }[];
  }>;
}
