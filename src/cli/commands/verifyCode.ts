// `acereason verify code --input FILE|-`: runs each JSONL line's program against its tests in the
// code sandbox and prints one JSON verdict line per input line, in input order.
import fs from 'node:fs';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { CliError, type CliCommand } from '../command';
import { CodeSandbox } from '../../core/reward/code';
import { codeJobResult, noCodeResult, parseCodeJobLine } from '../../core/reward/code/job';

const USAGE = `Usage: acereason verify code --input FILE|- [--concurrency N] [--timeout-s S] [--memory-mb M] [--partial-credit]

Each input line is a JSON object:
  {"code": "...", or "response": "...(model output; the last fenced block after </think> is used)",
   "language"?: "python"|"javascript", "tests": [{"input": "...", "output": "..."}],
   "fn_name"?: "...(function-call tests, LeetCode style)", "timeout_s"?: number, "memory_mb"?: number}
Each output line: {"passed": bool, "reward": 0|1, "partial": number, "tests": [{"status": "AC|WA|TLE|RE|MLE|OLE", "time_ms": number, ...}]}
A malformed line yields {"error": "...", "line": N} and processing goes on (exit code 1 at the end).

  --input FILE|-      JSONL file, or - for stdin (required)
  --concurrency N     tests run at once (warm workers), default 2
  --timeout-s S       default per-test time limit (a line's timeout_s wins), default 6
  --memory-mb M       default per-test memory limit (a line's memory_mb wins), default 1024
  --partial-credit    reward = fraction of tests passed, and run every test`;

function positiveNumber(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new CliError(`${flag} must be a positive number, got '${value}'`);
  return n;
}

export const verifyCode: CliCommand = {
  name: 'code',
  summary: 'run programs against their tests in the sandbox (JSONL in, one verdict line out per line)',
  usage: USAGE,
  async run(args, io) {
    let values;
    try {
      ({ values } = parseArgs({
        args,
        options: {
          input: { type: 'string' }, concurrency: { type: 'string' }, 'timeout-s': { type: 'string' },
          'memory-mb': { type: 'string' }, 'partial-credit': { type: 'boolean' },
        },
        strict: true, allowPositionals: false,
      }));
    } catch (e) {
      throw new CliError(`${(e as Error).message}\n\n${USAGE}`);
    }
    if (!values.input) throw new CliError(`--input FILE|- is required\n\n${USAGE}`);
    const concurrency = positiveNumber(values.concurrency, '--concurrency') ?? 2;
    if (!Number.isInteger(concurrency) || concurrency > 256) throw new CliError(`--concurrency must be an integer from 1 to 256, got '${values.concurrency}'`);
    if (values.input !== '-' && !fs.existsSync(values.input)) throw new CliError(`--input: no such file '${values.input}'`);
    const input = values.input === '-' ? io.stdin : fs.createReadStream(values.input);
    const partialCredit = values['partial-credit'] === true;
    const sandbox = new CodeSandbox({
      concurrency, partialCredit,
      timeoutS: positiveNumber(values['timeout-s'], '--timeout-s'),
      memoryMb: positiveNumber(values['memory-mb'], '--memory-mb'),
      log: (m) => io.stderr.write(`${m}\n`),
    });
    // Lines are verified concurrently (a bounded window) and written strictly in input order.
    const window = concurrency * 4;
    const inFlight: Promise<string>[] = [];
    let lineNo = 0;
    let failures = 0;
    const flushOne = async () => { io.stdout.write((await inFlight.shift()!) + '\n'); };
    const verifyLine = async (text: string, n: number): Promise<string> => {
      try {
        const parsed = parseCodeJobLine(text);
        if ('noCode' in parsed) return JSON.stringify(noCodeResult(parsed.noCode));
        return JSON.stringify(codeJobResult(await sandbox.runTests(parsed.request)));
      } catch (e) {
        failures++;
        return JSON.stringify({ error: (e as Error).message, line: n });
      }
    };
    try {
      const lines = readline.createInterface({ input, crlfDelay: Infinity });
      for await (const text of lines) {
        lineNo++;
        if (!text.trim()) continue;
        inFlight.push(verifyLine(text, lineNo));
        if (inFlight.length >= window) await flushOne();
      }
      while (inFlight.length) await flushOne();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'EISDIR') {
        throw new CliError(`--input: cannot read '${values.input}': ${(e as Error).message}`);
      }
      throw e;
    } finally {
      sandbox.close();
    }
    return failures > 0 ? 1 : 0;
  },
};
