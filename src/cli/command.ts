// One file per CLI command under src/cli/commands/, one registration line in src/cli/registry.ts.
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
  /** Returns the process exit code. Throwing a CliError prints its message (no stack) and exits 2. */
  run(args: string[], io: CliIO): Promise<number>;
}

export class CliError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
  }
}

export function defaultIO(): CliIO {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, isTTY: !!process.stdout.isTTY, cwd: process.cwd() };
}
