// CodeSandbox: runs untrusted Python/JavaScript against tests, with LiveCodeBench semantics, on a pool
// of warm fork servers (one per concurrency slot). See index.ts for the public surface.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CodeTest } from '../../dataset/records';
import { compareJson, compareStdout, parseJsonLossless } from './compare';
import {
  ForkServer, SandboxError, pythonAssetPath, type ForkRequest, type ForkServerHello, type MemoryEnforcement, type RawRun, type WorkerLeftovers,
} from './forkServer';
import { detectIsolation, type IsolationSupport } from './isolation';
import { isValidFunctionName, javascriptProgram } from './javascript';
import { resolvePython, type ResolvedPython } from './python';
import { runFailure, type Verdict } from './verdict';

export type SandboxLanguage = 'python' | 'javascript';

export interface CodeSandboxOptions {
  /** How many tests run at once (one warm worker each). Default 2. */
  concurrency?: number;
  /** Python interpreter (a shim is resolved to the real binary). Default: Debian's, else PATH's. */
  python?: string;
  /** node binary for JavaScript tests. Default: this process's node (or `node` on PATH under Electron). */
  node?: string;
  /** Default per-test wall limit (CPU limit is its ceiling in whole seconds). LiveCodeBench uses 6. */
  timeoutS?: number;
  /** Default per-test memory limit, MiB: for all processes of the test together (plus memfd/tmpfs pages), and per process (address space). */
  memoryMb?: number;
  /** A program printing more than this (stdout + function result) is stopped with OLE. */
  outputLimitBytes?: number;
  /** How much of stdout/stderr/expected is kept in results for display. */
  keepOutputChars?: number;
  /** Process (and thread) limit per test. */
  nproc?: number;
  /** 'warm' forks a pre-started interpreter per test; 'spawn' starts a new one (the baseline). */
  pythonStrategy?: 'warm' | 'spawn';
  /** Reward = fraction of tests passed instead of all-or-nothing. Off by default (the recipe). */
  partialCredit?: boolean;
  /**
   * Ceilings for per-request limits: a request asking for more time or memory gets these instead, so
   * a client of a shared service cannot hold a worker longer or use more memory than its operator
   * allowed (the HTTP services set them to their own limits). Default: 600 s and 65,536 MiB.
   */
  maxTimeoutS?: number;
  maxMemoryMb?: number;
  /** Numbers in outputs match within this relative-or-absolute tolerance (0 = exact decimals, LiveCodeBench's default). */
  floatTolerance?: number;
  /** Whole-test memory limit: a cgroup where the machine allows it ('auto'), or force one way (tests of the fallback). */
  memoryEnforcement?: MemoryEnforcement;
  /** Receives one-off notes (which interpreter, isolation that is unavailable here). */
  log?: (message: string) => void;
}

export interface RunTestsRequest {
  code: string;
  language?: SandboxLanguage;
  tests: CodeTest[];
  /** Function-call mode when set (LeetCode style); stdin/stdout mode otherwise. */
  fnName?: string;
  timeoutS?: number;
  memoryMb?: number;
  /** Default: true unless partial credit is on — a reward of 0 is known at the first failure. */
  stopOnFirstFailure?: boolean;
  /** Overrides the sandbox's floatTolerance for this request. */
  floatTolerance?: number;
}

export interface CodeTestResult {
  status: Verdict;
  timeMs: number;
  cpuMs?: number;
  stdout?: string;
  stderr?: string;
  expected?: string;
  /** Why the test did not pass (e.g. "line 2 differs", "exit code 1: ZeroDivisionError: division by zero"). */
  message?: string;
  /** RE: the program's last traceback (Python) or uncaught-error stack (node), from its stderr. */
  traceback?: string;
}

export interface RunTestsResult {
  passed: boolean;
  /** 1 only if every test passed (or the passed fraction with partialCredit). */
  reward: number;
  /** Fraction of all tests that passed (tests skipped after a failure count as not passed). */
  partial: number;
  /** One entry per test that ran, in test order; with stopOnFirstFailure it ends at the first failure. */
  tests: CodeTestResult[];
}

export interface RunCodeRequest {
  code: string;
  language: SandboxLanguage;
  stdin?: string;
  timeoutS?: number;
  memoryMb?: number;
}

export interface RunCodeResult {
  exitCode: number | null;
  signal: number | null;
  timedOut: boolean;
  outputExceeded: boolean;
  /** The failure verdict (TLE/MLE/OLE/RE) when the run did not end with exit code 0. */
  failure?: Verdict;
  timeMs: number;
  stdout: string;
  stderr: string;
}

export interface SandboxInfo {
  python: string;
  pythonHow: string;
  pythonVersion: string;
  node: string;
  isolation: IsolationSupport;
  /** What the first worker reported: the uid tests run as, masked directories. */
  worker?: ForkServerHello;
}

interface Job {
  request: ForkRequest;
  skip?: () => boolean;
  /** Runs as soon as the run ends, before the freed worker takes the next job (so `skip` sees it). */
  onDone?: (raw: RawRun) => void;
  resolve: (r: RawRun | undefined) => void;
  reject: (e: Error) => void;
}

const MAX_TIMEOUT_S = 600;
const MAX_MEMORY_MB = 65536;
const DEFAULTS = { concurrency: 2, timeoutS: 6, memoryMb: 1024, outputLimitBytes: 16 * 1024 * 1024, keepOutputChars: 2000, nproc: 32, floatTolerance: 0 };

function findOnPath(binary: string): string | undefined {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(path.delimiter)) {
    const candidate = path.join(dir, binary);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return fs.realpathSync(candidate);
    } catch { /* next */ }
  }
  return undefined;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… [${text.length - max} more chars]`;
}

export class CodeSandbox {
  private readonly opts: Required<Omit<CodeSandboxOptions, 'python' | 'node' | 'log'>> & Pick<CodeSandboxOptions, 'python' | 'node' | 'log'>;
  private loggedHello = false;
  private workers: ForkServer[] = [];
  private idle: ForkServer[] = [];
  private queue: Job[] = [];
  private scratchRoot?: string;
  private python?: ResolvedPython;
  private isolation?: IsolationSupport;
  private harnessSource?: string;
  private closed = false;

  constructor(options: CodeSandboxOptions = {}) {
    const concurrency = Math.floor(options.concurrency ?? DEFAULTS.concurrency);
    if (!(concurrency >= 1 && concurrency <= 256)) throw new Error(`concurrency must be an integer from 1 to 256, got ${options.concurrency}`);
    this.opts = {
      concurrency,
      timeoutS: options.timeoutS ?? DEFAULTS.timeoutS,
      memoryMb: options.memoryMb ?? DEFAULTS.memoryMb,
      outputLimitBytes: options.outputLimitBytes ?? DEFAULTS.outputLimitBytes,
      keepOutputChars: options.keepOutputChars ?? DEFAULTS.keepOutputChars,
      nproc: options.nproc ?? DEFAULTS.nproc,
      pythonStrategy: options.pythonStrategy ?? 'warm',
      partialCredit: options.partialCredit ?? false,
      maxTimeoutS: options.maxTimeoutS ?? MAX_TIMEOUT_S,
      maxMemoryMb: options.maxMemoryMb ?? MAX_MEMORY_MB,
      floatTolerance: options.floatTolerance ?? DEFAULTS.floatTolerance,
      memoryEnforcement: options.memoryEnforcement ?? 'auto',
      python: options.python,
      node: options.node,
      log: options.log,
    };
    checkLimits(this.opts.timeoutS, this.opts.memoryMb, 'options');
    checkLimits(this.opts.maxTimeoutS, this.opts.maxMemoryMb, 'options (ceilings)');
    if (!(this.opts.floatTolerance >= 0 && this.opts.floatTolerance < 1)) throw new Error(`floatTolerance must be a number in [0, 1), got ${options.floatTolerance}`);
  }

  /** The limits a request actually gets: its own, never above the sandbox's ceilings. */
  limitsFor(req: { timeoutS?: number; memoryMb?: number }): { timeoutS: number; memoryMb: number } {
    const timeoutS = Math.min(req.timeoutS ?? this.opts.timeoutS, this.opts.maxTimeoutS);
    const memoryMb = Math.min(req.memoryMb ?? this.opts.memoryMb, this.opts.maxMemoryMb);
    checkLimits(timeoutS, memoryMb, 'request');
    return { timeoutS, memoryMb };
  }

  /** Resolves the interpreter and starts one worker; reports what is in force. */
  async info(): Promise<SandboxInfo> {
    this.prepare();
    if (this.workers.length === 0) this.idle.push(this.addWorker());
    const hello = await this.workers[0].ready();
    this.logHello(hello);
    return {
      python: this.python!.path, pythonHow: this.python!.how, pythonVersion: this.python!.version,
      node: this.nodePath(), isolation: this.isolation!, worker: hello,
    };
  }

  async runTests(req: RunTestsRequest): Promise<RunTestsResult> {
    const language = req.language ?? 'python';
    validateTestsRequest(req, language);
    const { timeoutS, memoryMb } = this.limitsFor(req);
    const floatTolerance = req.floatTolerance ?? this.opts.floatTolerance;
    const stop = req.stopOnFirstFailure ?? !this.opts.partialCredit;
    const mode = req.fnName ? 'call' : 'stdin';
    let firstFailure = Infinity;
    const outcomes = await Promise.all(req.tests.map(async (test, index) => {
      let result: CodeTestResult | undefined;
      // Judged the moment the run ends, so a test queued behind it is skipped rather than run for
      // nothing (three `while True` tests took 2 × the limit before).
      await this.enqueue(this.forkRequest(language, mode, req.code, req.fnName, test.input, timeoutS, memoryMb),
        () => stop && index > firstFailure,
        (raw) => {
          result = this.judge(raw, test, mode, timeoutS, memoryMb, floatTolerance);
          if (result.status !== 'AC') firstFailure = Math.min(firstFailure, index);
        });
      return result;
    }));
    const ran: CodeTestResult[] = [];
    for (const outcome of outcomes) {
      if (!outcome) break;
      ran.push(outcome);
      if (stop && outcome.status !== 'AC') break;
    }
    // With stop-on-first-failure, a later test that happened to finish first still counts as not
    // passed: the fraction must not depend on which worker was faster.
    const passedCount = (stop ? ran : outcomes).filter((o) => o?.status === 'AC').length;
    const passed = passedCount === req.tests.length;
    const partial = passedCount / req.tests.length;
    return { passed, reward: this.opts.partialCredit ? partial : (passed ? 1 : 0), partial, tests: ran };
  }

  /** Runs a program once on the given stdin (SandboxFusion's /run_code), without judging. */
  async runCode(req: RunCodeRequest): Promise<RunCodeResult> {
    if (typeof req.code !== 'string') throw new Error('code must be a string');
    if (req.language !== 'python' && req.language !== 'javascript') throw new Error(`language must be 'python' or 'javascript', got '${String(req.language)}'`);
    const { timeoutS, memoryMb } = this.limitsFor(req);
    const raw = (await this.enqueue(this.forkRequest(req.language, 'stdin', req.code, undefined, req.stdin ?? '', timeoutS, memoryMb)))!;
    const failure = runFailure(raw, { timeoutS, memoryMb });
    return {
      exitCode: raw.exitCode, signal: raw.signal, timedOut: raw.timedOut, outputExceeded: raw.outputExceeded,
      failure: failure?.status, timeMs: raw.wallMs, stdout: raw.stdout, stderr: raw.stderr,
    };
  }

  /**
   * What each started worker holds between tests: scratch entries, private-tmp entries and processes
   * of its test uid. All empty when isolation works; the sandbox's own tests check this. Waits for
   * idle workers only (call it when no test is running).
   */
  async leftovers(): Promise<WorkerLeftovers[]> {
    return Promise.all(this.workers.map((w) => w.inspect()));
  }

  /** Process ids of the running fork servers (a worker crash shows up as a new pid). */
  workerPids(): number[] {
    return this.workers.map((w) => w.hello?.pid ?? -1);
  }

  /** Stops every worker and removes the scratch root. Pending tests fail with a SandboxError. */
  close(): void {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new SandboxError('the sandbox was closed'));
    for (const worker of this.workers) worker.close();
    this.workers = [];
    this.idle = [];
    this.removeScratchRoot();
    process.off('exit', this.removeScratchRoot);
  }

  /** Also run at process exit, for callers that never close the sandbox. */
  private readonly removeScratchRoot = (): void => {
    if (this.scratchRoot) fs.rmSync(this.scratchRoot, { recursive: true, force: true });
    this.scratchRoot = undefined;
  };

  // ---- internals ------------------------------------------------------------------------------

  private prepare(): void {
    if (this.closed) throw new SandboxError('the sandbox was closed');
    if (!this.python) {
      this.python = resolvePython(this.opts.python);
      this.isolation = detectIsolation();
      this.opts.log?.(`code sandbox: Python ${this.python.version} (${this.python.how}); ${this.opts.concurrency} warm worker(s)`);
      for (const note of this.isolation.notes) this.opts.log?.(`code sandbox: ${note}`);
    }
    if (!this.scratchRoot) {
      this.scratchRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'acereason-sandbox-'));
      fs.chmodSync(this.scratchRoot, 0o711);
      process.once('exit', this.removeScratchRoot);
    }
  }

  private addWorker(): ForkServer {
    // node may live outside /usr (nvm, a VS Code download): its install prefix is bound into the tests' root.
    const nodePrefix = (() => { try { return path.dirname(path.dirname(this.nodePath())); } catch { return undefined; } })();
    const worker = new ForkServer(this.python!.path, this.isolation!, this.scratchRoot!, {
      memoryEnforcement: this.opts.memoryEnforcement,
      readOnlyPaths: nodePrefix && nodePrefix !== '/' ? [nodePrefix] : [],
    });
    this.workers.push(worker);
    void worker.ready().then((hello) => this.logHello(hello), () => undefined);
    return worker;
  }

  private logHello(hello: ForkServerHello): void {
    if (this.loggedHello) return;
    this.loggedHello = true;
    this.opts.log?.(`code sandbox: ${hello.root === 'minimal' ? 'minimal read-only root' : 'host file system'}, whole-test memory limit by ${hello.memory}, seccomp ${hello.seccomp ? 'on' : 'off'}`);
    for (const note of hello.notes ?? []) this.opts.log?.(`code sandbox: ${note}`);
  }

  private nodePath(): string {
    if (this.opts.node) return this.opts.node;
    if (!process.versions.electron) return process.execPath;
    const found = findOnPath('node');
    if (!found) throw new Error('JavaScript tests need a `node` binary on PATH');
    return found;
  }

  private forkRequest(language: SandboxLanguage, mode: 'stdin' | 'call', code: string, fnName: string | undefined, input: string,
    timeoutS: number, memoryMb: number): () => ForkRequest {
    // Built lazily: the interpreter is resolved on first use.
    return (): ForkRequest => {
      const common = { timeoutS, memoryMb, outputLimitBytes: this.opts.outputLimitBytes, nproc: this.opts.nproc };
      if (language === 'javascript') {
        const heapMb = Math.max(16, Math.floor(memoryMb * 0.75));
        return {
          ...common, kind: 'exec', stdin: input, memoryRlimit: 'data',
          argv: [this.nodePath(), `--max-old-space-size=${heapMb}`, 'main.js'],
          files: { 'main.js': javascriptProgram(code, mode === 'call' ? fnName : undefined) },
        };
      }
      if (this.opts.pythonStrategy === 'spawn') {
        this.harnessSource ??= fs.readFileSync(pythonAssetPath('sandbox_harness.py'), 'utf8');
        return {
          ...common, kind: 'exec', stdin: mode === 'stdin' ? input : '',
          argv: [this.python!.path, '-I', '-B', 'harness.py'],
          files: { 'harness.py': this.harnessSource, 'request.json': JSON.stringify({ mode, code, fn_name: fnName, call_input: input }) },
        };
      }
      return { ...common, kind: 'python', mode, code, fnName, callInput: mode === 'call' ? input : undefined, stdin: mode === 'stdin' ? input : '' };
    };
  }

  private enqueue(build: () => ForkRequest, skip?: () => boolean, onDone?: (raw: RawRun) => void): Promise<RawRun | undefined> {
    this.prepare();
    return new Promise<RawRun | undefined>((resolve, reject) => {
      this.queue.push({ request: build(), skip, onDone, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let worker = this.idle.pop();
      if (!worker && this.workers.length < this.opts.concurrency) worker = this.addWorker();
      if (!worker) return;
      const job = this.queue.shift()!;
      if (job.skip?.()) {
        this.idle.push(worker);
        job.resolve(undefined);
        continue;
      }
      void this.runOn(worker, job);
    }
  }

  private async runOn(worker: ForkServer, job: Job): Promise<void> {
    try {
      let raw: RawRun;
      try {
        raw = await worker.run(job.request);
      } catch (e) {
        // A worker that died is restarted by its next run; retry once so a crash of the server
        // (not of the tested program, which is always a child) does not become a verdict.
        if (!(e instanceof SandboxError) || this.closed) throw e;
        raw = await worker.run(job.request);
      }
      job.onDone?.(raw);
      job.resolve(raw);
    } catch (e) {
      job.reject(e as Error);
    } finally {
      if (!this.closed) {
        this.idle.push(worker);
        this.dispatch();
      }
    }
  }

  private judge(raw: RawRun, test: CodeTest, mode: 'stdin' | 'call', timeoutS: number, memoryMb: number, floatTolerance: number): CodeTestResult {
    const keep = this.opts.keepOutputChars;
    const base = {
      timeMs: raw.wallMs, cpuMs: raw.cpuMs ?? undefined,
      stdout: raw.stdout ? truncate(raw.stdout, keep) : undefined,
      stderr: raw.stderr ? truncate(raw.stderr, keep) : undefined,
    };
    const failure = runFailure(raw, { timeoutS, memoryMb });
    if (failure) {
      const traceback = failure.status === 'RE' ? lastTraceback(raw.stderr) : undefined;
      const lastLine = traceback?.trimEnd().split('\n').at(-1)?.trim();
      const message = lastLine ? `${failure.message}: ${lastLine}` : failure.message;
      return { status: failure.status, ...base, message, ...(traceback ? { traceback: truncateStart(traceback, keep) } : {}) };
    }
    const actual = mode === 'call' ? raw.result : raw.stdout;
    if (mode === 'call' && actual === null) {
      return { status: 'WA', ...base, expected: truncate(test.output, keep), message: 'no return value (not JSON-serialisable, or the program exited early)' };
    }
    const comparison = mode === 'call' ? compareJson(actual!, test.output, { floatTolerance }) : compareStdout(actual!, test.output, { floatTolerance });
    if (comparison.equal) return { status: 'AC', ...base };
    // A child killed at the memory limit can leave a parent that exits 0 with a wrong answer.
    if (raw.memoryLimitHit) return { status: 'MLE', ...base, message: `memory limit of ${memoryMb} MiB exceeded (all processes of the test together)` };
    const shown = mode === 'call' ? { stdout: truncate(actual!, keep) } : {};
    return { status: 'WA', ...base, ...shown, expected: truncate(test.output, keep), message: comparison.reason };
  }
}

/** Python's last "Traceback (most recent call last):" block, or node's uncaught-error report, from stderr. */
export function lastTraceback(stderr: string): string | undefined {
  const python = stderr.lastIndexOf('Traceback (most recent call last):');
  if (python >= 0) return stderr.slice(python).trimEnd();
  const node = stderr.search(/^\S*main\.js:\d+\n/m);
  if (node >= 0) return stderr.slice(node).trimEnd();
  const text = stderr.trim();
  return text ? text : undefined;
}

function truncateStart(text: string, max: number): string {
  return text.length <= max ? text : `[${text.length - max} chars before] …${text.slice(-max)}`;
}

function checkLimits(timeoutS: number, memoryMb: number, where: string): void {
  if (!(typeof timeoutS === 'number' && timeoutS > 0 && timeoutS <= 600)) throw new Error(`${where}: timeout_s must be a number in (0, 600], got ${timeoutS}`);
  if (!(typeof memoryMb === 'number' && memoryMb >= 16 && memoryMb <= 65536)) throw new Error(`${where}: memory_mb must be a number in [16, 65536], got ${memoryMb}`);
}

function validateTestsRequest(req: RunTestsRequest, language: SandboxLanguage): void {
  if (typeof req.code !== 'string') throw new Error('code must be a string');
  if (language !== 'python' && language !== 'javascript') throw new Error(`language must be 'python' or 'javascript', got '${String(language)}'`);
  if (!Array.isArray(req.tests) || req.tests.length === 0) throw new Error('tests must be a non-empty array');
  if (req.fnName !== undefined && (typeof req.fnName !== 'string' || !isValidFunctionName(req.fnName))) {
    throw new Error(`fn_name must be an identifier, got ${JSON.stringify(req.fnName)}`);
  }
  req.tests.forEach((test, i) => {
    if (!test || typeof test.input !== 'string' || typeof test.output !== 'string') {
      throw new Error(`tests[${i}] must have string fields "input" and "output"`);
    }
    if (req.fnName) {
      test.input.split('\n').forEach((line, j) => {
        if (test.input.trim() === '') return;
        try { parseJsonLossless(line); } catch (e) {
          throw new Error(`tests[${i}].input line ${j + 1} is not JSON (function-call arguments are one JSON value per line): ${(e as Error).message}`);
        }
      });
      try { parseJsonLossless(test.output); } catch (e) {
        throw new Error(`tests[${i}].output is not JSON (function-call expected value): ${(e as Error).message}`);
      }
    }
  });
}
