// `acereason serve` — the verifiers over HTTP for verl's compute_score.py (see core/reward/service.ts).
import { parseArgs } from 'node:util';
import { CodeSandbox } from '../../core/reward/code';
import { MathVerifierPool } from '../../core/reward/math';
import { startRewardService, TOKEN_HEADER } from '../../core/reward/service';
import { isLoopbackHost } from '../../core/util/http';
import { CliError, type CliCommand } from '../command';

const USAGE = `Usage: acereason serve [--host 127.0.0.1] [--port 8321] [--token SECRET] [--allow-remote] [options]

Serves the rewards the embedded trainer uses, for verl (compute_score.py from \`acereason export verl\`):
  POST /verify/math   JSON array of {"gold", "response"|"pred"}            → [{"correct","extracted","reason"}]
  POST /verify/code   JSON array of {"code"|"response", "tests", "fn_name"?, …} → [{"passed","reward","partial","tests"}]
  POST /run_code      SandboxFusion's API (reward_model.sandbox_fusion.url=http://HOST:PORT/run_code)
  GET  /health

Listens on loopback unless --allow-remote is given; listening elsewhere needs a shared secret
(--token, or ACEREASON_SERVE_TOKEN), which clients send in the ${TOKEN_HEADER} header
(compute_score.py reads it from ACEREASON_REWARD_TOKEN).

Options:
  --concurrency N     code tests at once (warm sandbox workers), default 2
  --math-workers N    math verifier worker threads, default 2
  --timeout-s S       default per-test time limit, default 6
  --memory-mb M       default per-test memory limit, default 1024
  --max-items N       items per request, default 4096`;

export const command: CliCommand = {
  name: 'serve',
  summary: 'Serve the math verifier and code sandbox over HTTP (/verify/math, /verify/code, SandboxFusion /run_code)',
  usage: USAGE,
  async run(args, io) {
    let values;
    try {
      ({ values } = parseArgs({
        args, strict: true, options: {
          host: { type: 'string' }, port: { type: 'string' }, token: { type: 'string' }, 'allow-remote': { type: 'boolean' },
          concurrency: { type: 'string' }, 'math-workers': { type: 'string' }, 'timeout-s': { type: 'string' }, 'memory-mb': { type: 'string' },
          'max-items': { type: 'string' },
        },
      }));
    } catch (e) {
      throw new CliError(`${(e as Error).message}\n\n${USAGE}`);
    }
    const num = (flag: string, v: string | undefined, def: number, { integer = true, min = 1 } = {}) => {
      if (v === undefined) return def;
      const n = Number(v);
      if (!Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) throw new CliError(`--${flag} must be ${integer ? 'an integer' : 'a number'} ≥ ${min}, got '${v}'`);
      return n;
    };
    const host = values.host ?? '127.0.0.1';
    const port = num('port', values.port, 8321, { min: 0 });
    const token = values.token ?? process.env.ACEREASON_SERVE_TOKEN;
    if (!isLoopbackHost(host)) {
      if (!values['allow-remote']) throw new CliError(`--host ${host} is not a loopback address; pass --allow-remote (and a --token) to listen there`);
      if (!token) throw new CliError(`listening on ${host} needs a shared secret: --token SECRET or ACEREASON_SERVE_TOKEN`);
    }
    const sandbox = new CodeSandbox({
      concurrency: num('concurrency', values.concurrency, 2),
      timeoutS: num('timeout-s', values['timeout-s'], 6, { integer: false, min: 0.1 }),
      memoryMb: num('memory-mb', values['memory-mb'], 1024, { min: 32 }),
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
