// The code sandbox: verifies programs (Python 3 or JavaScript/node) against tests, for the code reward
// of the trainer, the curation step "reference solutions must pass their tests", the CodeLens, the
// CLI (`acereason verify code`) and the SandboxFusion-compatible service (`acereason sandbox serve`).
//
//   const sandbox = new CodeSandbox({ concurrency: 4 });           // warm fork-server workers
//   const code = extractCode(response);                              // last fenced block after </think>
//   const r = await sandbox.runTests({ code, tests, fnName });      // r.reward: 1 only if all pass
//   sandbox.close();
//
// Semantics are LiveCodeBench's: stdin/stdout tests compare stripped lines (exact, else token-wise
// exact decimals); function-call tests (`fnName`) call `Solution().fnName` or a top-level function with
// one JSON argument per input line and compare the returned JSON with Python equality. Python
// function-call tests get the LeetCode import prelude (typing, collections, heapq, math, bisect,
// itertools, functools, string, operator, datetime).
//
// Isolation per test: forked child in its own session, scratch dir (removed afterwards) as cwd,
// scrubbed environment, CPU/wall/address-space/file-size/process-count limits, output cap, a dedicated
// unprivileged uid when run as root (every leftover process of that uid is killed after the test),
// one memory limit for the whole process tree (a memory cgroup, else polling), and, when `unshare` can
// make namespaces: no network, a minimal read-only root (interpreters and their libraries only), a
// /proc with only the test's processes, and a seccomp filter against namespaces and ptrace.
// `sandbox.info()` says which of these are in force on this machine. Verdicts: AC, WA, TLE, RE, MLE, OLE.
export { CodeSandbox } from './sandbox';
export type {
  CodeSandboxOptions, CodeTestResult, RunCodeRequest, RunCodeResult, RunTestsRequest, RunTestsResult, SandboxInfo, SandboxLanguage,
} from './sandbox';
export type { Verdict } from './verdict';
export { extractCode, extractCodeBlock, languageOfFence, type ExtractedCode } from './extract';
export { compareJson, compareStdout } from './compare';
export { SandboxError } from './forkServer';
export { createRunCodeHandler, startSandboxServer, toRunCodeResponse, type SandboxServer, type SandboxServerOptions } from './server';
export type { CodeTest } from '../../dataset/records';
