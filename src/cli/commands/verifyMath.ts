// `acereason verify math --input FILE|-`: grades each JSONL line's answer against its reference and
// prints one JSON verdict line per input line, in input order, streaming (constant memory in the
// input size). Checks run in a worker-thread pool with a hard per-check timeout. --summary ends the
// output with an audit report (counts per verdict state and per class of reference answer).
import fs from 'node:fs';
import readline from 'node:readline';
import { CliError, EXIT, parseArgs, type CliCommand } from '../command';
import { DEFAULT_POOL_TIMEOUT_MS, DEFAULT_PRECISION, DEFAULT_RELATIVE_TOLERANCE, MathVerifierPool, verifyMath as verifyResponse, verifyMathAnswer, type MathVerifyOptions } from '../../core/reward/math';
import { gradeMathJob, mathJobResult, parseMathJobLine, type MathGrader, type MathJob } from '../../core/reward/math/job';
import { parseExtract, parsePrecision } from '../../core/reward/math/options';
import { formatMathSummary, MathSummaryBuilder } from '../../core/reward/math/summary';

const USAGE = `Usage: acereason verify math --input FILE|- [--extract MODES] [--precision N] [--no-strict]
                             [--allow-set-relation] [--summary] [--timeout-ms N] [--workers N]

Each input line is a JSON object, either
  {"gold": "...", "response": "...(a full model output; the final answer is extracted)"}
or
  {"gold": "...", "pred": "...(the final answer; $…$ and \\boxed{} are unwrapped)"}
with optional per-line options that override the flags: "extract": ["boxed"|"latex"|"expr", …],
"precision": N, "strict": bool, "allow_set_relation": bool; and, for audits, "expected": bool.
Each output line: {"correct": bool, "state": "correct"|"wrong"|"no-answer"|"gold-unparseable"|"timeout"|"error",
"extracted": string|null, "reason": "..."}. A malformed line yields {"error": "...", "line": N} and
processing goes on; the exit code is then ${EXIT.malformedLines} (${EXIT.ok} when every line was valid).

  --input FILE|-          JSONL file, or - for stdin (required)
  --extract MODES         where answers are found, comma-separated, default latex,expr:
                            boxed  the last \\boxed{} after </think> only (the training reward)
                            latex  \\boxed{} first, then math after "answer", then the last $…$
                            expr   plain numbers and expressions in running text (1,000 / 28 percent)
  --precision N           decimal places at which typed decimals equal exact values, default ${DEFAULT_PRECISION}
  --strict, --no-strict   variables must match by name (f(x) ≠ f(y)); default strict
  --allow-set-relation    inequalities equal the intervals they describe (x > 3 ⇔ (3, ∞))
  --summary               end with a {"summary": …} line (counts per state and answer class; agreement
                          with "expected" labels) and print the same as a table on stderr
  --tolerance R           relative tolerance for floating-point noise, default ${DEFAULT_RELATIVE_TOLERANCE}
  --timeout-ms N          hard wall-clock limit per check, default ${DEFAULT_POOL_TIMEOUT_MS}
  --workers N             worker threads, default 2; 0 checks in this thread (budgeted, no hard limit)
  --boxed-only            same as --extract boxed`;

function positive(value: string | undefined, flag: string, allowZero = false): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || (!allowZero && n === 0)) throw new CliError(`${flag} must be a ${allowZero ? 'non-negative' : 'positive'} number, got '${value}'`);
  return n;
}

function asCliError<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw new CliError((e as Error).message);
  }
}

export const verifyMath: CliCommand = {
  name: 'verifyMath',
  summary: 'check final math answers against references (equivalence, not string match)',
  usage: USAGE,
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        input: { type: 'string' },
        extract: { type: 'string' },
        precision: { type: 'string' },
        strict: { type: 'boolean' },
        'no-strict': { type: 'boolean' },
        'allow-set-relation': { type: 'boolean' },
        summary: { type: 'boolean' },
        tolerance: { type: 'string' },
        'timeout-ms': { type: 'string' },
        workers: { type: 'string' },
        'boxed-only': { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    });
    if (!values.input) throw new CliError(`--input FILE|- is required\n\n${USAGE}`);
    if (values.strict && values['no-strict']) throw new CliError('--strict and --no-strict contradict each other');
    if (values.extract !== undefined && values['boxed-only']) throw new CliError('--boxed-only and --extract contradict each other; use --extract boxed');
    const tolerance = positive(values.tolerance, '--tolerance');
    const timeoutMs = positive(values['timeout-ms'], '--timeout-ms');
    const workers = positive(values.workers, '--workers', true) ?? 2;
    const opts: MathVerifyOptions = {
      relativeTolerance: tolerance,
      extract: values['boxed-only'] ? ['boxed'] : values.extract !== undefined ? asCliError(() => parseExtract(values.extract, '--extract')) : undefined,
      precision: values.precision !== undefined ? asCliError(() => parsePrecision(values.precision, '--precision')) : undefined,
      strict: values['no-strict'] ? false : undefined,
      allowSetRelation: values['allow-set-relation'] ? true : undefined,
    };

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
      verify: async (gold, response, o) => verifyResponse(gold, response, { ...syncOpts, ...o }),
      verifyAnswer: async (gold, pred, o) => verifyMathAnswer(gold, pred, { ...syncOpts, ...o }),
    };
    const summary = values.summary ? new MathSummaryBuilder() : undefined;

    // Lines are checked concurrently but written in input order; the window bounds memory.
    const window = Math.max(4, Math.floor(workers) * 4);
    const inFlight: Promise<string>[] = [];
    const write = async (s: string) => {
      if (!io.stdout.write(s + '\n')) await new Promise((r) => io.stdout.once('drain', r));
    };
    const rl = readline.createInterface({ input, crlfDelay: Infinity });
    let lineNo = 0;
    let malformed = 0;
    try {
      for await (const line of rl) {
        lineNo++;
        const n = lineNo;
        let job: MathJob | undefined;
        try {
          if (line.trim() === '') throw new Error('empty line');
          job = parseMathJobLine(line);
        } catch (e) {
          malformed++;
          summary?.addMalformed();
          inFlight.push(Promise.resolve(JSON.stringify({ error: `line ${n}: ${(e as Error).message}`, line: n })));
        }
        if (job) {
          const j = job;
          inFlight.push(gradeMathJob(grader, j).then((v) => {
            summary?.add(j.gold, v.state, j.expected);
            return JSON.stringify(mathJobResult(v));
          }));
        }
        while (inFlight.length >= window) await write(await inFlight.shift()!);
      }
      while (inFlight.length > 0) await write(await inFlight.shift()!);
    } finally {
      rl.close();
      await pool?.close();
    }
    if (summary) {
      const report = summary.build();
      await write(JSON.stringify({ summary: report }));
      io.stderr.write(formatMathSummary(report) + '\n');
    }
    return malformed > 0 ? EXIT.malformedLines : EXIT.ok;
  },
};
