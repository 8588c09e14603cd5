// `acereason sandbox serve --host 127.0.0.1 --port N`: the code sandbox as a SandboxFusion-compatible
// HTTP service (POST /run_code), e.g. for verl's reward_model.sandbox_fusion.url.
import { parseArgs } from 'node:util';
import { CliError, type CliCommand } from '../command';
import { CodeSandbox, startSandboxServer } from '../../core/reward/code';

const USAGE = `Usage: acereason sandbox serve [--host 127.0.0.1] [--port 8080] [--concurrency N]
                                [--max-request-mb 8] [--max-pending 256] [--memory-mb 1024]

Serves POST /run_code (SandboxFusion's API: code, language python|nodejs, stdin, run_timeout,
memory_limit_MB) and GET /v1/ping. Point verl at it with
  reward_model.sandbox_fusion.url=http://127.0.0.1:PORT/run_code
Binds to loopback unless --host says otherwise: anyone who can reach the port can run code.`;

function intOption(value: string | undefined, flag: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new CliError(`${flag} must be an integer from ${min} to ${max}, got '${value}'`);
  return n;
}

export const command: CliCommand = {
  name: 'sandbox',
  summary: 'Serve the code sandbox over HTTP with the SandboxFusion /run_code API (`sandbox serve`)',
  usage: USAGE,
  async run(args, io) {
    const [sub, ...rest] = args;
    if (sub !== 'serve') throw new CliError(`expected 'serve' after 'sandbox'${sub ? `, got '${sub}'` : ''}\n\n${USAGE}`);
    let values;
    try {
      ({ values } = parseArgs({
        args: rest,
        options: {
          host: { type: 'string' }, port: { type: 'string' }, concurrency: { type: 'string' },
          'max-request-mb': { type: 'string' }, 'max-pending': { type: 'string' }, 'memory-mb': { type: 'string' },
        },
        strict: true, allowPositionals: false,
      }));
    } catch (e) {
      throw new CliError(`${(e as Error).message}\n\n${USAGE}`);
    }
    const host = values.host ?? '127.0.0.1';
    const port = intOption(values.port, '--port', 0, 65535, 8080);
    const concurrency = intOption(values.concurrency, '--concurrency', 1, 256, 2);
    const memoryMb = intOption(values['memory-mb'], '--memory-mb', 16, 65536, 1024);
    const maxRequestBytes = intOption(values['max-request-mb'], '--max-request-mb', 1, 1024, 8) * 1024 * 1024;
    const maxPending = intOption(values['max-pending'], '--max-pending', 1, 100_000, 256);
    if (!['127.0.0.1', 'localhost', '::1'].includes(host)) {
      io.stderr.write(`warning: listening on ${host}: anyone who can reach this port can run code in the sandbox\n`);
    }
    const sandbox = new CodeSandbox({ concurrency, memoryMb, log: (m) => io.stderr.write(`${m}\n`) });
    let server;
    try {
      await sandbox.info();
      server = await startSandboxServer({ sandbox, host, port, maxRequestBytes, maxPending, defaultMemoryMb: memoryMb });
    } catch (e) {
      sandbox.close();
      throw new CliError(`cannot start: ${(e as Error).message}`);
    }
    io.stdout.write(`sandbox listening on ${server.url}\n`);
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await server.close();
    sandbox.close();
    return 0;
  },
};
