// `acereason sandbox serve --host 127.0.0.1 --port N`: the code sandbox as a SandboxFusion-compatible
// HTTP service (POST /run_code), e.g. for verl's reward_model.sandbox_fusion.url. Same listen rules as
// `acereason serve` (src/core/util/http.ts checkListenPolicy): loopback unless --allow-remote, and a
// shared secret off loopback, taken from a file or the environment, never from argv.
import { CliError, parseArgs, type CliCommand } from '../command';
import { CodeSandbox, startSandboxServer } from '../../core/reward/code';
import { TOKEN_ENV, TOKEN_HEADER, checkListenPolicy, resolveServerToken } from '../../core/util/http';

const USAGE = `Usage: acereason sandbox serve [--host 127.0.0.1] [--port 8080] [--allow-remote] [--token-file FILE]
                                [--concurrency N] [--timeout-s S] [--memory-mb M] [--max-request-mb 8] [--max-pending 256]

Serves POST /run_code (SandboxFusion's API: code, language python|nodejs, stdin, run_timeout,
memory_limit_MB) and GET /v1/ping. Point verl at it with
  reward_model.sandbox_fusion.url=http://127.0.0.1:PORT/run_code

Listens on loopback unless --allow-remote is given; anyone who reaches the port runs code, so
listening elsewhere also needs a shared secret: the first line of --token-file FILE, or
${TOKEN_ENV}. Clients send it in the ${TOKEN_HEADER} header. (A secret on the command line
would be readable by every user of the machine in /proc/<pid>/cmdline, so there is no --token.)

  --timeout-s S       per-run time limit, and the most a request's run_timeout gets (default 10)
  --memory-mb M       per-run memory limit for the whole process tree, and the most a request's
                      memory_limit_MB gets (default 1024)
  --concurrency N     runs at once (warm workers), default 2`;

function intOption(value: string | undefined, flag: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new CliError(`${flag} must be an integer from ${min} to ${max}, got '${value}'`);
  return n;
}

function numberOption(value: string | undefined, flag: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max) throw new CliError(`${flag} must be a number from ${min} to ${max}, got '${value}'`);
  return n;
}

export const command: CliCommand = {
  name: 'sandbox',
  summary: 'Serve the code sandbox over HTTP with the SandboxFusion /run_code API (`sandbox serve`)',
  usage: USAGE,
  async run(args, io) {
    const [sub, ...rest] = args;
    if (sub !== 'serve') throw new CliError(`expected 'serve' after 'sandbox'${sub ? `, got '${sub}'` : ''}`);
    if (rest.some((a) => a === '--token' || a.startsWith('--token='))) {
      throw new CliError(`--token would put the secret in /proc/<pid>/cmdline for every user to read; use --token-file FILE or ${TOKEN_ENV}`);
    }
    const { values } = parseArgs({
      args: rest,
      options: {
        host: { type: 'string' }, port: { type: 'string' }, 'allow-remote': { type: 'boolean' }, 'token-file': { type: 'string' },
        concurrency: { type: 'string' }, 'timeout-s': { type: 'string' },
        'max-request-mb': { type: 'string' }, 'max-pending': { type: 'string' }, 'memory-mb': { type: 'string' },
      },
      strict: true, allowPositionals: false,
    });
    const host = values.host ?? '127.0.0.1';
    const port = intOption(values.port, '--port', 0, 65535, 8080);
    const concurrency = intOption(values.concurrency, '--concurrency', 1, 256, 2);
    const timeoutS = numberOption(values['timeout-s'], '--timeout-s', 0.1, 600, 10);
    const memoryMb = intOption(values['memory-mb'], '--memory-mb', 16, 65536, 1024);
    const maxRequestBytes = intOption(values['max-request-mb'], '--max-request-mb', 1, 1024, 8) * 1024 * 1024;
    const maxPending = intOption(values['max-pending'], '--max-pending', 1, 100_000, 256);
    const token = resolveServerToken(values['token-file']);
    checkListenPolicy(host, values['allow-remote'] === true, token);
    const sandbox = new CodeSandbox({
      concurrency, timeoutS, memoryMb, maxTimeoutS: timeoutS, maxMemoryMb: memoryMb,
      log: (m) => io.stderr.write(`${m}\n`),
    });
    let server;
    try {
      await sandbox.info();
      server = await startSandboxServer({ sandbox, host, port, maxRequestBytes, maxPending, defaultMemoryMb: memoryMb, token });
    } catch (e) {
      sandbox.close();
      throw new CliError(`cannot start: ${(e as Error).message}`);
    }
    io.stdout.write(`sandbox listening on ${server.url}${token ? ` — ${TOKEN_HEADER} required` : ''}\n`);
    await new Promise<void>((resolve) => {
      const stop = () => { process.off('SIGINT', stop); process.off('SIGTERM', stop); resolve(); };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    await server.close();
    sandbox.close();
    return 0;
  },
};
