// `acereason serve` — the verifiers over HTTP for verl's compute_score.py (see core/reward/service.ts).
import { CodeSandbox } from '../../core/reward/code';
import { MathVerifierPool } from '../../core/reward/math';
import { startRewardService } from '../../core/reward/service';
import { TOKEN_ENV, TOKEN_HEADER, checkListenPolicy, resolveServerToken } from '../../core/util/http';
import { CliError, parseArgs, type CliCommand } from '../command';

const USAGE = `Usage: acereason serve [--host 127.0.0.1] [--port 8321] [--allow-remote] [--token-file FILE] [options]

Serves the rewards the embedded trainer uses, for verl (compute_score.py from \`acereason export verl\`):
  POST /verify/math   JSON array of {"gold", "response"|"pred"}            → [{"correct","extracted","reason"}]
  POST /verify/code   JSON array of {"code"|"response", "tests", "fn_name"?, …} → [{"passed","reward","partial","tests"}]
  POST /run_code      SandboxFusion's API (reward_model.sandbox_fusion.url=http://HOST:PORT/run_code)
  GET  /health

Listens on loopback unless --allow-remote is given; listening elsewhere needs a shared secret: the
first line of --token-file FILE, or ${TOKEN_ENV} (never on the command line, where every user of the
machine can read it in /proc/<pid>/cmdline). Clients send it in the ${TOKEN_HEADER} header
(compute_score.py reads it from ACEREASON_REWARD_TOKEN).

Options:
  --concurrency N     code tests at once (warm sandbox workers), default 2
  --math-workers N    math verifier worker threads, default 2
  --timeout-s S       per-test time limit, and the most a request's timeout_s/run_timeout gets, default 6
  --memory-mb M       per-test memory limit (whole process tree), and the most a request gets, default 1024
  --max-items N       items per request, default 4096`;

export const command: CliCommand = {
  name: 'serve',
  summary: 'Serve the math verifier and code sandbox over HTTP (/verify/math, /verify/code, SandboxFusion /run_code)',
  usage: USAGE,
  async run(args, io) {
    if (args.some((a) => a === '--token' || a.startsWith('--token='))) {
      throw new CliError(`--token would put the secret in /proc/<pid>/cmdline for every user to read; use --token-file FILE or ${TOKEN_ENV}`);
    }
    const { values } = parseArgs({
      args, strict: true, options: {
        host: { type: 'string' }, port: { type: 'string' }, 'token-file': { type: 'string' }, 'allow-remote': { type: 'boolean' },
        concurrency: { type: 'string' }, 'math-workers': { type: 'string' }, 'timeout-s': { type: 'string' }, 'memory-mb': { type: 'string' },
        'max-items': { type: 'string' },
      },
    });
    const num = (flag: string, v: string | undefined, def: number, { integer = true, min = 1 } = {}) => {
      if (v === undefined) return def;
      const n = Number(v);
      if (!Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) throw new CliError(`--${flag} must be ${integer ? 'an integer' : 'a number'} ≥ ${min}, got '${v}'`);
      return n;
    };
    const host = values.host ?? '127.0.0.1';
    const port = num('port', values.port, 8321, { min: 0 });
    const token = resolveServerToken(values['token-file']);
    checkListenPolicy(host, values['allow-remote'] === true, token);
    const timeoutS = num('timeout-s', values['timeout-s'], 6, { integer: false, min: 0.1 });
    const memoryMb = num('memory-mb', values['memory-mb'], 1024, { min: 32 });
    if (timeoutS > 600 || memoryMb > 65536) throw new CliError('--timeout-s is at most 600 and --memory-mb at most 65536');
    const sandbox = new CodeSandbox({
      concurrency: num('concurrency', values.concurrency, 2),
      timeoutS, memoryMb, maxTimeoutS: timeoutS, maxMemoryMb: memoryMb,
      log: (m) => io.stderr.write(`[sandbox] ${m}\n`),
    });
    const math = new MathVerifierPool({ size: num('math-workers', values['math-workers'], 2) });
    const service = await startRewardService({
      host, port, token, sandbox, math, maxItems: num('max-items', values['max-items'], 4096),
      log: (l) => io.stderr.write(`[serve] ${l}\n`),
    });
    io.stdout.write(`AceReason reward service on ${service.url} (POST /verify/math, /verify/code, /run_code; GET /health)${token ? ` — ${TOKEN_HEADER} required` : ''}\n`);
    io.stdout.write(`verl: ACEREASON_REWARD_URL=${service.url}  (or reward_model.sandbox_fusion.url=${service.url}/run_code)\n`);
    await new Promise<void>((resolve) => {
      const stop = () => { process.off('SIGINT', stop); process.off('SIGTERM', stop); resolve(); };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    await service.close();
    await math.close();
    sandbox.close();
    io.stderr.write('[serve] stopped\n');
    return 0;
  },
};
