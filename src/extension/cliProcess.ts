// The CLI bundle (dist/cli.js) as a child process of the extension host: the editor's own runtime
// run as plain node. Background jobs (jobs.ts) and one-shot commands such as `export hf` both start
// it here, so heavy work never runs on the extension host. No `vscode` import: unit tests drive it
// with a real script.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import readline from 'node:readline';

export function spawnCli(cliScript: string, args: readonly string[], cwd?: string): ChildProcessWithoutNullStreams {
  // process.execPath is the editor's own runtime (Electron or node); ELECTRON_RUN_AS_NODE makes it plain node.
  return spawn(process.execPath, [cliScript, ...args], {
    cwd, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** A CLI command that exited non-zero: its one-line error (`acereason <command>: …`) and exit code (2 = bad input). */
export class CliCommandError extends Error {
  constructor(message: string, readonly exitCode: number | null) {
    super(message);
    this.name = 'CliCommandError';
  }
}

export interface CliCommandOptions {
  cliScript: string;
  cwd?: string;
  /** Each non-empty stderr line as it arrives (progress the command prints). */
  onStderrLine?: (line: string) => void;
  /** Aborting kills the process (SIGTERM); the promise then rejects with a CliCommandError saying so. */
  signal?: AbortSignal;
}

/**
 * Runs `acereason <args…>` to completion. Resolves with its stdout lines when it exits 0; rejects
 * with its last stderr line (the CLI's one-line error) otherwise.
 */
export function runCliCommand(args: readonly string[], opts: CliCommandOptions): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(opts.cliScript, args, opts.cwd);
    child.stdin.end();
    const stdout: string[] = [];
    const stderr: string[] = [];
    let aborted = false;
    const abort = () => { aborted = true; child.kill('SIGTERM'); };
    if (opts.signal?.aborted) abort();
    opts.signal?.addEventListener('abort', abort, { once: true });
    readline.createInterface({ input: child.stdout, crlfDelay: Infinity }).on('line', (l) => { if (l.trim()) stdout.push(l); });
    readline.createInterface({ input: child.stderr, crlfDelay: Infinity }).on('line', (l) => {
      if (!l.trim()) return;
      stderr.push(l);
      if (stderr.length > 50) stderr.shift();
      opts.onStderrLine?.(l);
    });
    child.on('error', (e) => reject(new CliCommandError(`cannot start ${opts.cliScript}: ${e.message}`, null)));
    child.on('close', (code, signal) => {
      opts.signal?.removeEventListener('abort', abort);
      // A command that stops cleanly on SIGTERM exits 0; it still did not finish its work.
      if (aborted) return reject(new CliCommandError('cancelled', code));
      if (code === 0) return resolve(stdout);
      const last = stderr[stderr.length - 1];
      reject(new CliCommandError(last ?? `acereason ${args[0] ?? ''} ${signal ? `was killed by ${signal}` : `exited with code ${code}`} without an error message`, code));
    });
  });
}
