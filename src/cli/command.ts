// One file per CLI command under src/cli/commands/, one registration line in src/cli/registry.ts.
import { parseArgs as nodeParseArgs, type ParseArgsConfig } from 'node:util';

export interface CliIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
  /** True when stdout is an interactive terminal (progress bars go to stderr only then). */
  isTTY: boolean;
  cwd: string;
}

export interface CliCommand {
  /** The first word after `acereason`. */
  name: string;
  /** One line for `acereason --help`. */
  summary: string;
  /** Full usage text for `acereason <name> --help`. */
  usage: string;
  /** Usage of each subcommand, for `acereason <name> <sub> --help` (e.g. verify math). */
  subcommandUsage?: Readonly<Record<string, string>>;
  /** Returns the process exit code (see EXIT). Throwing a CliError prints its message (no stack) and exits 2. */
  run(args: string[], io: CliIO): Promise<number>;
}

/**
 * Exit codes, the same for every command:
 *  - ok: everything was done.
 *  - internalError: a bug or an environment failure (not the user's input); one line, stack with --debug.
 *  - usage: bad flags or unusable input (missing file, unreadable dataset, bad option value); nothing
 *    or only part of the work was done, and the one error line says what and where.
 *  - malformedLines: a streaming command (every `verify` subcommand) finished every line it could, and
 *    wrote an {"error", "line"} result for each malformed input line. Scripts can tell "some lines were
 *    bad" (3) from "the command could not run" (2) without parsing the output.
 */
export const EXIT = { ok: 0, internalError: 1, usage: 2, malformedLines: 3 } as const;

export class CliError extends Error {
  constructor(message: string, readonly exitCode: number = EXIT.usage) {
    super(message);
    this.name = 'CliError';
  }
}

/**
 * Also true for a CliError from another copy of this module: each command may be its own bundle
 * (dist/commands/<name>.js), where `instanceof` against main's copy fails.
 */
export function isCliError(e: unknown): e is CliError {
  return e instanceof CliError || (e instanceof Error && e.name === 'CliError' && typeof (e as CliError).exitCode === 'number');
}

export function defaultIO(): CliIO {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, isTTY: !!process.stdout.isTTY, cwd: process.cwd() };
}

// ---- flags --------------------------------------------------------------------------------------

/** Levenshtein distance, for "did you mean" (names are short; quadratic is fine). */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/** The closest candidate to a mistyped name, if one is close enough to be a plausible typo. */
export function closestMatch(given: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = candidate.startsWith(given) && given.length >= 3 ? 0.5 : editDistance(given, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(given.length / 3)) ? best : undefined;
}

export function didYouMean(given: string, candidates: readonly string[]): string {
  const match = closestMatch(given, candidates);
  return match ? ` (did you mean '${match}'?)` : '';
}

/**
 * Lets a repeatable string flag take several values at once (`--benchmarks a.jsonl b.jsonl`) as well as
 * repeated (`--benchmarks a.jsonl --benchmarks b.jsonl`): the words after it up to the next flag become
 * separate occurrences. Only for commands without positional arguments, where no word is ambiguous.
 */
function spreadMultipleValues(args: readonly string[], config: ParseArgsConfig): string[] {
  const options = config.options ?? {};
  const multiple = new Set(Object.entries(options).filter(([, o]) => o.type === 'string' && o.multiple).map(([name]) => name));
  for (const [name, o] of Object.entries(options)) if (o.short && multiple.has(name)) multiple.add(o.short);
  if (multiple.size === 0 || config.allowPositionals) return [...args];
  const longName = (flag: string) => Object.entries(options).find(([, o]) => o.short === flag)?.[0] ?? flag;
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    out.push(arg);
    if (arg === '--') {
      out.push(...args.slice(i + 1));
      break;
    }
    const name = arg.startsWith('--') ? arg.slice(2) : arg.length === 2 && arg[0] === '-' ? arg.slice(1) : undefined;
    if (name === undefined || name.includes('=') || !multiple.has(name)) continue;
    let values = 0;
    while (i + 1 < args.length && (!args[i + 1].startsWith('-') || args[i + 1] === '-')) {
      if (values > 0) out.push(`--${longName(name)}`);
      out.push(args[++i]);
      values++;
    }
  }
  return out;
}

/**
 * node:util's parseArgs, with what every command needs on top: several values after a repeatable flag,
 * and one-line CliErrors (an unknown flag gets "did you mean"). Use it instead of node:util's.
 */
export function parseArgs<T extends ParseArgsConfig>(config: T): ReturnType<typeof nodeParseArgs<T>> {
  const args = spreadMultipleValues(config.args ?? process.argv.slice(2), config);
  try {
    return nodeParseArgs({ ...config, args }) as ReturnType<typeof nodeParseArgs<T>>;
  } catch (e) {
    const error = e as NodeJS.ErrnoException;
    const flags = Object.entries(config.options ?? {}).map(([name]) => `--${name}`);
    if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const flag = /'([^']+)'/.exec(error.message)?.[1] ?? '';
      throw new CliError(`unknown option '${flag}'${didYouMean(flag.split('=')[0], flags)}`);
    }
    if (error.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
      const word = /'([^']*)'/.exec(error.message)?.[1] ?? '';
      throw new CliError(`unexpected argument '${word}'`);
    }
    throw new CliError(error.message.split('\n')[0]);
  }
}
