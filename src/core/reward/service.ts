// `acereason serve`: our verifiers over HTTP, for verl (the generated compute_score.py) and anything
// else that needs the exact rewards the embedded trainer uses.
//   POST /verify/math   body: JSON array of {"gold", "response"|"pred", and optionally "extract",
//                       "precision", "strict", "allow_set_relation"} → array of {"correct","state","extracted","reason"}
//   POST /verify/code   body: JSON array of the `verify code` line objects → array of {"passed","reward","tests"} ("partial" only with partial credit)
//   POST /run_code      SandboxFusion's API (verl's reward_model.sandbox_fusion.url), GET /v1/ping
//   GET  /health        which interpreter and isolation the sandbox uses
// A bad item yields {"error", "index"} in its place; the others are graded. Loopback by default; when a
// token is set, every request must carry it in X-AceReason-Token.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CodeSandbox, createRunCodeHandler } from './code';
import { codeJobResult, noCodeResult, parseCodeJob } from './code/job';
import { MathVerifierPool } from './math';
import { gradeMathJob, mathJobResult, parseMathJob } from './math/job';
import { authorize, HttpError, limitRequestTime, readJsonBody, sendHttpError, sendJson } from '../util/http';

export { TOKEN_HEADER } from '../util/http';

export interface RewardServiceOptions {
  host?: string;
  port?: number;
  /** Shared secret; required (by the CLI) when listening on anything but loopback. */
  token?: string;
  sandbox: CodeSandbox;
  math: MathVerifierPool;
  /** Default 16 MiB. */
  maxRequestBytes?: number;
  /** Items per /verify request. Default 4096. */
  maxItems?: number;
  /** Verify requests in flight before 503. Default 64. */
  maxPending?: number;
  log?: (line: string) => void;
}

export interface RewardService {
  host: string;
  port: number;
  /** Base URL, e.g. http://127.0.0.1:8321 */
  url: string;
  close(): Promise<void>;
}

export async function startRewardService(opts: RewardServiceOptions): Promise<RewardService> {
  const host = opts.host ?? '127.0.0.1';
  const maxBytes = opts.maxRequestBytes ?? 16 * 1024 * 1024;
  const maxItems = opts.maxItems ?? 4096;
  const maxPending = opts.maxPending ?? 64;
  const runCode = createRunCodeHandler({ sandbox: opts.sandbox, maxRequestBytes: maxBytes });
  let pending = 0;

  const items = (body: unknown): unknown[] => {
    if (!Array.isArray(body)) throw new HttpError(400, 'the body must be a JSON array of items');
    if (body.length > maxItems) throw new HttpError(413, `${body.length} items exceed the limit of ${maxItems} per request`);
    return body;
  };

  const verifyMath = async (body: unknown) => Promise.all(items(body).map(async (item, index) => {
    try {
      return mathJobResult(await gradeMathJob(opts.math, parseMathJob(item)));
    } catch (e) {
      return { error: (e as Error).message, index };
    }
  }));

  const verifyCode = async (body: unknown) => Promise.all(items(body).map(async (item, index) => {
    try {
      const job = parseCodeJob(item);
      return 'noCode' in job ? noCodeResult(job.noCode) : codeJobResult(await opts.sandbox.runTests(job.request));
    } catch (e) {
      return { error: (e as Error).message, index };
    }
  }));

  const routes: Record<string, (body: unknown) => Promise<unknown>> = { '/verify/math': verifyMath, '/verify/code': verifyCode };

  const server = http.createServer((req, res) => {
    if (!authorize(req, res, opts.token)) return;
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/health' && req.method === 'GET') {
      // info() starts a sandbox worker to ask it: await it, or the Promise is serialised as {}.
      opts.sandbox.info()
        .then((sandbox) => sendJson(res, 200, { ok: true, sandbox }))
        .catch((e) => sendJson(res, 503, { ok: false, detail: `sandbox unavailable: ${(e as Error).message}` }));
      return;
    }
    const route = routes[path];
    if (!route) {
      if (!runCode(req, res)) sendJson(res, 404, { detail: 'not found: POST /verify/math, POST /verify/code, POST /run_code, GET /health' });
      return;
    }
    if (req.method !== 'POST') {
      sendJson(res, 405, { detail: `use POST ${path}` }, { Allow: 'POST' });
      return;
    }
    if (pending >= maxPending) {
      sendJson(res, 503, { detail: `too many requests in flight (${maxPending}); retry later` }, { 'Retry-After': '1' });
      req.resume();
      return;
    }
    pending++;
    const t0 = Date.now();
    readJsonBody(req, maxBytes)
      .then(route)
      .then((out) => {
        sendJson(res, 200, out);
        opts.log?.(`${path} ${(out as unknown[]).length} items in ${Date.now() - t0} ms`);
      })
      .catch((e) => sendHttpError(res, e))
      .finally(() => { pending--; });
  });
  limitRequestTime(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => { server.off('error', reject); resolve(); });
  });
  const port = (server.address() as AddressInfo).port;
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    host, port, url: `http://${shown}:${port}`,
    close: () => new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }),
  };
}

