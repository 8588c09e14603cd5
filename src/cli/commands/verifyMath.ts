// `acereason verify math --input FILE|-`: grades each JSONL line's answer against its reference and
// prints one JSON verdict line per input line, in input order, streaming (constant memory in the
// input size). Checks run in a worker-thread pool with a hard per-check timeout.
import fs from 'node:fs';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { CliError, type CliCommand } from '../command';
import { DEFAULT_POOL_TIMEOUT_MS, DEFAULT_RELATIVE_TOLERANCE, MathVerifierPool, verifyMath as verifyResponse, verifyMathAnswer, type MathVerifyOptions } from '../../core/reward/math';
import { gradeMathJob, mathJobResult, parseMathJobLine, type MathGrader, type MathJob } from '../../core/reward/math/job';

const USAGE = `Usage: acereason verify math --input FILE|- [--tolerance R] [--timeout-ms N] [--workers N] [--boxed-only]

Each input line is a JSON object, either
  {"gold": "...", "response": "...(full model output; the last \\boxed{} after </think> is graded)"}
or
  {"gold": "...", "pred": "...(the final answer; $…$ and \\boxed{} are unwrapped)"}
Each output line: {"correct": bool, "extracted": string|null, "reason": "..."}
A malformed line yields {"error": "...", "line": N} and processing goes on; the exit code is 0 once
every line has been processed.

  --input FILE|-      JSONL file, or - for stdin (required)
  --tolerance R       relative tolerance for inexact numbers, default ${DEFAULT_RELATIVE_TOLERANCE}
  --timeout-ms N      hard wall-clock limit per check, default ${DEFAULT_POOL_TIMEOUT_MS}
  --workers N         worker threads, default 2; 0 checks in this thread (budgeted, no hard limit)
  --boxed-only        only \\boxed{}/\\fbox{} answers count (no "the answer is" / last $…$ fallbacks)`;

function positive(value: string | undefined, flag: string, allowZero = false): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || (!allowZero && n === 0)) throw new CliError(`${flag} must be a ${allowZero ? 'non-negative' : 'positive'} number, got '${value}'`);
  return n;
}

export const verifyMath: CliCommand = {
  name: 'verifyMath',
  summary: 'check final math answers against references (equivalence, not string match)',
  usage: USAGE,
  async run(args, io) {
    let values;
    try {
      ({ values } = parseArgs({
        args,
        options: {
          input: { type: 'string' },
          tolerance: { type: 'string' },
          'timeout-ms': { type: 'string' },
          workers: { type: 'string' },
          'boxed-only': { type: 'boolean' },
        },
        strict: true,
        allowPositionals: false,
      }));
    } catch (e) {
      throw new CliError(`${(e as Error).message}\n\n${USAGE}`);
    }
    if (!values.input) throw new CliError(`--input FILE|- is required\n\n${USAGE}`);
    const tolerance = positive(values.tolerance, '--tolerance');
    const timeoutMs = positive(values['timeout-ms'], '--timeout-ms');
    const workers = positive(values.workers, '--workers', true) ?? 2;
    const opts: MathVerifyOptions = { relativeTolerance: tolerance, boxedOnly: values['boxed-only'] ?? false };

    let input: NodeJS.ReadableStream;
    if (values.input === '-') input = io.stdin;
    else {
      const file = values.input;
      try {
        if (!fs.statSync(file).isFile()) throw new CliError(`--input ${file}: not a file`);
      } catch (e) {
        if (e instanceof CliError) throw e;
        throw new CliError(`--input ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
      }
      input = fs.createReadStream(file);
    }

    const pool = workers > 0 ? new MathVerifierPool({ size: Math.floor(workers), timeoutMs, verify: opts }) : undefined;
    const syncOpts = { ...opts, timeMs: timeoutMs };
    const grader: MathGrader = pool ?? {
      verify: async (gold, response) => verifyResponse(gold, response, syncOpts),
      verifyAnswer: async (gold, pred) => verifyMathAnswer(gold, pred, syncOpts),
    };

    // Lines are checked concurrently but written in input order; the window bounds memory.
    const window = Math.max(4, Math.floor(workers) * 4);
    const inFlight: Promise<string>[] = [];
    const write = async (s: string) => {
      if (!io.stdout.write(s + '\n')) await new Promise((r) => io.stdout.once('drain', r));
    };
    const rl = readline.createInterface({ input, crlfDelay: Infinity });
    let lineNo = 0;
    try {
      for await (const line of rl) {
        lineNo++;
        const n = lineNo;
        let job: MathJob | undefined;
        try {
          if (line.trim() === '') throw new Error('empty line');
          job = parseMathJobLine(line);
        } catch (e) {
          inFlight.push(Promise.resolve(JSON.stringify({ error: `line ${n}: ${(e as Error).message}`, line: n })));
        }
        if (job) inFlight.push(gradeMathJob(grader, job).then((v) => JSON.stringify(mathJobResult(v))));
        while (inFlight.length >= window) await write(await inFlight.shift()!);
      }
      while (inFlight.length > 0) await write(await inFlight.shift()!);
    } finally {
      rl.close();
      await pool?.close();
    }
    return 0;
  },
};
