// `acereason verify code --input FILE|-`: runs each JSONL line's program against its tests in the
// code sandbox and prints one JSON verdict line per input line, in input order.
import fs from 'node:fs';
import readline from 'node:readline';
import { CliError, EXIT, parseArgs, type CliCommand } from '../command';
import { CodeSandbox } from '../../core/reward/code';
import { codeJobResult, noCodeResult, parseCodeJobLine } from '../../core/reward/code/job';

const USAGE = `Usage: acereason verify code --input FILE|- [--concurrency N] [--timeout-s S] [--memory-mb M]
                            [--float-tolerance T] [--partial-credit]

Each input line is a JSON object:
  {"code": "...", or "response": "...(model output; the last fenced block after </think> is used)",
   "language"?: "python"|"javascript", "tests": [{"input": "...", "output": "..."}],
   "fn_name"?: "...(function-call tests, LeetCode style)", "timeout_s"?: number, "memory_mb"?: number,
   "float_tolerance"?: number}
Lines of curated.jsonl are read as they are: "fnName" (or the method of "starterCode") names the
function, "timeLimitS"/"memoryLimitMb" are the limits, and without "code" the first of "solutions" runs.
A program that only defines class Solution needs a function name; without one the line is an error.
Each output line: {"passed": bool, "reward": 0|1, "tests": [{"status": "AC|WA|TLE|RE|MLE|OLE", "time_ms": number,
"message"?, "traceback"? (RE), ...}]} ("partial", the fraction passed, only with --partial-credit).
A malformed line yields {"error": "line N: ...", "line": N}; the other lines are still verified, and the
exit code is then ${EXIT.malformedLines} (the same in every verify command).

  --input FILE|-        JSONL file, or - for stdin (required)
  --concurrency N       tests run at once (warm workers), default 2
  --timeout-s S         default per-test time limit (a line's timeout_s wins), default 6
  --memory-mb M         default per-test memory limit for the whole process tree (a line's memory_mb wins), default 1024
  --float-tolerance T   numbers match within relative/absolute tolerance T (e.g. 1e-6); default exact decimals
  --partial-credit      reward = fraction of tests passed, run every test, report "partial"`;

function positiveNumber(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new CliError(`${flag} must be a positive number, got '${value}'`);
  return n;
}

function openInput(file: string, io: { stdin: NodeJS.ReadableStream }): NodeJS.ReadableStream {
  if (file === '-') return io.stdin;
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (e) {
    throw new CliError(`--input ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  if (!stat.isFile()) throw new CliError(`--input ${file}: not a file`);
  return fs.createReadStream(file);
}

export const verifyCode: CliCommand = {
  name: 'code',
  summary: 'run programs against their tests in the sandbox (JSONL in, one verdict line out per line)',
  usage: USAGE,
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        input: { type: 'string' }, concurrency: { type: 'string' }, 'timeout-s': { type: 'string' },
        'memory-mb': { type: 'string' }, 'partial-credit': { type: 'boolean' }, 'float-tolerance': { type: 'string' },
      },
      strict: true, allowPositionals: false,
    });
    if (!values.input) throw new CliError('--input FILE|- is required');
    const concurrency = positiveNumber(values.concurrency, '--concurrency') ?? 2;
    if (!Number.isInteger(concurrency) || concurrency > 256) throw new CliError(`--concurrency must be an integer from 1 to 256, got '${values.concurrency}'`);
    const floatTolerance = values['float-tolerance'] === undefined ? 0 : Number(values['float-tolerance']);
    if (!(floatTolerance >= 0 && floatTolerance < 1)) throw new CliError(`--float-tolerance must be a number in [0, 1), got '${values['float-tolerance']}'`);
    const input = openInput(values.input, io);
    const partialCredit = values['partial-credit'] === true;
    const sandbox = new CodeSandbox({
      concurrency, partialCredit, floatTolerance,
      timeoutS: positiveNumber(values['timeout-s'], '--timeout-s'),
      memoryMb: positiveNumber(values['memory-mb'], '--memory-mb'),
      log: (m) => io.stderr.write(`${m}\n`),
    });
    // Lines are verified concurrently (a bounded window) and written strictly in input order.
    const window = concurrency * 4;
    const inFlight: Promise<string>[] = [];
    let lineNo = 0;
    let malformed = 0;
    const write = async (text: string) => {
      if (!io.stdout.write(text + '\n')) await new Promise((resolve) => io.stdout.once('drain', resolve));
    };
    const verifyLine = async (text: string, n: number): Promise<string> => {
      let parsed;
      try {
        parsed = parseCodeJobLine(text);
      } catch (e) {
        malformed++;
        return JSON.stringify({ error: `line ${n}: ${(e as Error).message}`, line: n });
      }
      if ('noCode' in parsed) return JSON.stringify(noCodeResult(parsed.noCode, { partialCredit }));
      try {
        return JSON.stringify(codeJobResult(await sandbox.runTests(parsed.request), { partialCredit }));
      } catch (e) {
        malformed++; // the request itself was refused (e.g. function-call inputs that are not JSON)
        return JSON.stringify({ error: `line ${n}: ${(e as Error).message}`, line: n });
      }
    };
    try {
      const lines = readline.createInterface({ input, crlfDelay: Infinity });
      for await (const text of lines) {
        lineNo++;
        if (!text.trim()) continue;
        inFlight.push(verifyLine(text, lineNo));
        if (inFlight.length >= window) await write(await inFlight.shift()!);
      }
      while (inFlight.length) await write(await inFlight.shift()!);
    } finally {
      sandbox.close();
    }
    if (malformed > 0) io.stderr.write(`${malformed} malformed line(s) of ${lineNo}: see the "error" lines\n`);
    return malformed > 0 ? EXIT.malformedLines : EXIT.ok;
  },
};
