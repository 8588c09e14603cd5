// From what the fork server measured to a verdict. Order matters: a program killed for printing too
// much is OLE even if it also ran long; a wall/CPU limit hit is TLE; a crash that looks like memory
// exhaustion is MLE; any other abnormal end is RE. AC/WA are decided by comparing outputs afterwards.
import type { RawRun } from './forkServer';

export type Verdict = 'AC' | 'WA' | 'TLE' | 'RE' | 'MLE' | 'OLE';

const SIGKILL = 9;
const SIGXCPU = 24;
const SIGXFSZ = 25;
const MEMORY_MESSAGES = /\bMemoryError\b|JavaScript heap out of memory|Allocation failed|std::bad_alloc|Cannot allocate memory|out of memory|Fatal process OOM/i;

/** The failure verdict of a run, or undefined if it ended normally (exit code 0). */
export function runFailure(raw: RawRun, limits: { timeoutS: number; memoryMb: number }): { status: Verdict; message: string } | undefined {
  if (raw.outputExceeded) return { status: 'OLE', message: 'output limit exceeded' };
  if (raw.timedOut) return { status: 'TLE', message: `wall time limit of ${limits.timeoutS} s exceeded` };
  if (raw.memoryLimitHit && !(raw.exitCode === 0 && raw.signal === null)) {
    return { status: 'MLE', message: `memory limit of ${limits.memoryMb} MiB exceeded (all processes of the test together)` };
  }
  const cpuLimitMs = Math.max(1, Math.ceil(limits.timeoutS)) * 1000;
  if (raw.signal === SIGXCPU || (raw.signal === SIGKILL && (raw.cpuMs ?? 0) >= cpuLimitMs - 50)) {
    return { status: 'TLE', message: `CPU time limit of ${Math.ceil(limits.timeoutS)} s exceeded` };
  }
  if (raw.signal === SIGXFSZ) return { status: 'OLE', message: 'file size limit exceeded' };
  if (raw.exitCode === 0 && raw.signal === null) return undefined;
  const nearMemoryLimit = raw.maxRssKb !== null && raw.maxRssKb * 1024 >= limits.memoryMb * 1024 * 1024 * 0.9;
  if (MEMORY_MESSAGES.test(raw.stderr.slice(-4000)) || nearMemoryLimit) {
    return { status: 'MLE', message: `memory limit of ${limits.memoryMb} MiB exceeded` };
  }
  if (raw.signal !== null) return { status: 'RE', message: `killed by signal ${raw.signal}` };
  return { status: 'RE', message: `exit code ${raw.exitCode}` };
}
