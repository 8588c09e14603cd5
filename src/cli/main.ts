// `acereason <command> …` — the same core and trainer as the extension, headless.
//
// Errors: input problems (CliError, UserError, DatasetError/FieldError, a missing or unreadable file
// the user named, a JSON syntax error) print ONE line `acereason <command>: …` and exit 2; anything
// else prints one line and exits 1. The stack trace is printed only with --debug (anywhere before
// `--`) or ACEREASON_DEBUG=1. A closed stdout (`acereason … | head`) ends the process quietly.
import { commands } from './registry';
import { EXIT, defaultIO, didYouMean, isCliError, type CliIO } from './command';
import { UserError } from '../core/util/userError';
import { DatasetError, FieldError } from '../core/dataset/errors';

export function helpText(): string {
  const listed = commands.filter((c) => !c.hidden);
  const width = Math.max(...listed.map((c) => c.name.length));
  return [
    'AceReason Studio — curate math/code prompts and train a reasoning policy with on-policy GRPO.',
    '',
    'Usage: acereason <command> [options]',
    '',
    'Commands:',
    ...listed.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `acereason <command> --help` for a command\'s options; add --debug to see stack traces.',
  ].join('\n');
}

/** `--help` or `-h` anywhere before `--` (after a subcommand word too: `acereason sandbox serve --help`). */
function helpRequested(args: string[]): boolean {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

/** Removes --debug (a global flag, accepted anywhere before `--`); says whether it was there. */
function takeDebugFlag(argv: string[]): { args: string[]; debug: boolean } {
  const end = argv.indexOf('--');
  const head = end < 0 ? argv : argv.slice(0, end);
  const tail = end < 0 ? [] : argv.slice(end);
  const args = [...head.filter((a) => a !== '--debug'), ...tail];
  return { args, debug: args.length !== argv.length || process.env.ACEREASON_DEBUG === '1' };
}

const FILE_ERRORS: Record<string, string> = {
  ENOENT: 'no such file or directory', EACCES: 'permission denied', EISDIR: 'is a directory, not a file',
  ENOTDIR: 'a path component is not a directory', EMFILE: 'too many open files', ENOSPC: 'no space left on the device',
  EROFS: 'read-only file system',
};

/** The one line shown for an error, and whether it is the user's input (exit 2) or not (exit 1). */
export function describeError(e: unknown): { line: string; exitCode: number } {
  if (isCliError(e)) {
    // Commands append their usage after a blank line; the one-line rule keeps only the message.
    return { line: e.message.split('\n\n')[0].replace(/\n/g, ' '), exitCode: e.exitCode };
  }
  // By name as well as by class: a command bundled on its own has its own copies of these classes.
  const kind = e instanceof Error ? [e.name, e.constructor?.name] : [];
  if (e instanceof UserError || e instanceof DatasetError || kind.includes('UserError') || kind.includes('DatasetError')) {
    return { line: oneLine((e as Error).message), exitCode: EXIT.usage };
  }
  if (e instanceof FieldError || kind.includes('FieldError')) {
    return { line: oneLine(`field '${(e as FieldError).field}': ${(e as Error).message}`), exitCode: EXIT.usage };
  }
  const errno = e as NodeJS.ErrnoException;
  if (errno && typeof errno.code === 'string' && FILE_ERRORS[errno.code] && typeof errno.path === 'string') {
    return { line: `${errno.path}: ${FILE_ERRORS[errno.code]}`, exitCode: EXIT.usage };
  }
  if (e instanceof SyntaxError && /JSON/.test(e.message)) return { line: `invalid JSON: ${oneLine(e.message)}`, exitCode: EXIT.usage };
  const message = e instanceof Error ? `${e.name === 'Error' ? '' : `${e.name}: `}${e.message}` : String(e);
  return { line: `internal error: ${oneLine(message)} (run with --debug for the stack trace)`, exitCode: EXIT.internalError };
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

export async function runCli(argv: string[], io: CliIO = defaultIO()): Promise<number> {
  const { args, debug } = takeDebugFlag(argv);
  const [name, ...rest] = args;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(helpText() + '\n');
    return EXIT.ok;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${process.env.ACEREASON_VERSION ?? '0.1.0'}\n`);
    return EXIT.ok;
  }
  const entry = commands.find((c) => c.name === name);
  if (!entry) {
    const names = commands.filter((c) => !c.hidden).map((c) => c.name);
    io.stderr.write(`acereason: unknown command '${name}'${didYouMean(name, names)}; commands: ${names.join(', ')} (acereason --help)\n`);
    return EXIT.usage;
  }
  let usage = '';
  try {
    const cmd = await entry.load();
    usage = cmd.usage;
    if (helpRequested(rest)) {
      io.stdout.write((cmd.subcommandUsage?.[rest[0]] ?? cmd.usage).trimEnd() + '\n');
      return EXIT.ok;
    }
    return await cmd.run(rest, io);
  } catch (e) {
    const described = describeError(e);
    const { exitCode } = described;
    const line = withFlagSuggestion(described.line, usage);
    const hint = isCliError(e) && /^(unknown option|unexpected argument)/.test(line) ? ` (acereason ${name} --help)` : '';
    io.stderr.write(`acereason ${name}: ${line}${hint}\n`);
    if (debug && e instanceof Error && e.stack) io.stderr.write(`${e.stack}\n`);
    return exitCode;
  }
}

/**
 * node:util's "Unknown option '--x'. To specify a positional argument …" from a command that calls it
 * directly becomes our one-line form, with a suggestion from the flags its usage text lists.
 */
function withFlagSuggestion(line: string, usage: string): string {
  const unknown = /^Unknown option '(--?[^'=]+)[^']*'/.exec(line);
  if (!unknown) return line;
  const flags = [...new Set(usage.match(/--[a-z][\w-]*/g) ?? [])];
  return `unknown option '${unknown[1]}'${didYouMean(unknown[1], flags)}`;
}

/**
 * Writing to a closed pipe (`acereason verify … | head`) raises EPIPE on stdout: the reader is gone,
 * so the right thing is to stop quietly, as `cat` does, not to print a stack trace.
 */
export function exitQuietlyOnEpipe(stream: NodeJS.WritableStream & { on: NodeJS.WritableStream['on'] }): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

/** Process entry: bin/acereason.js calls this; `node dist/cli.js …` runs it directly. */
export function main(argv = process.argv.slice(2)): void {
  exitQuietlyOnEpipe(process.stdout);
  exitQuietlyOnEpipe(process.stderr);
  runCli(argv).then(
    (code) => { process.exitCode = code; },
    (e) => { process.stderr.write(`acereason: ${describeError(e).line}\n`); process.exitCode = EXIT.internalError; },
  );
}

if (require.main === module) main();
