// A CliIO for running a command in-process: stdout and stderr collected as text, stdin from a string.
import { PassThrough } from 'node:stream';
import type { CliIO } from '../../src/cli/command';

export type CapturedIO = CliIO & { out: () => string; err: () => string };

export function captureIO(opts: { cwd?: string; stdin?: string } = {}): CapturedIO {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => { out += d; });
  stderr.on('data', (d) => { err += d; });
  const stdin = new PassThrough();
  stdin.end(opts.stdin ?? '');
  return { stdout, stderr, stdin, isTTY: false, cwd: opts.cwd ?? process.cwd(), out: () => out, err: () => err };
}
