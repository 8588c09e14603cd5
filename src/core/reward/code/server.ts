// A SandboxFusion-compatible HTTP front for the code sandbox: `POST /run_code` with the request and
// response shapes of bytedance/SandboxFusion (sandbox/server/sandbox_api.py), so verl's
// `reward_model.sandbox_fusion.url=http://127.0.0.1:PORT/run_code` can point at it. Also `GET /v1/ping`.
// Only python and nodejs are served; `files`/`fetch_files` are not supported. The handler is exported
// on its own so `acereason serve` can mount it next to other routes.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { SandboxError } from './forkServer';
import { authorize, limitRequestTime, readJsonBody, sendHttpError, sendJson as send } from '../../util/http';
import type { CodeSandbox, RunCodeResult, SandboxLanguage } from './sandbox';

export interface SandboxHandlerOptions {
  sandbox: CodeSandbox;
  /** Bodies larger than this are refused with 413. Default 8 MiB. */
  maxRequestBytes?: number;
  /** Requests accepted at once (running or queued for a worker); more get 503. Default 256. */
  maxPending?: number;
  /**
   * Memory limit used when the request gives none or -1 (SandboxFusion's "no limit"). Default: the
   * sandbox's. A request never gets more time or memory than the sandbox's ceilings (maxTimeoutS,
   * maxMemoryMb), whatever it asks for.
   */
  defaultMemoryMb?: number;
  /** How long a client may take to send its body. Default 10 s. */
  bodyTimeoutMs?: number;
}

export interface SandboxServerOptions extends SandboxHandlerOptions {
  host?: string;
  port?: number;
  /** Shared secret every request must carry in X-AceReason-Token (the CLI requires one off loopback). */
  token?: string;
}

export interface SandboxServer {
  host: string;
  port: number;
  /** e.g. http://127.0.0.1:8080/run_code */
  url: string;
  close(): Promise<void>;
}

const RunCodeRequestSchema = z.object({
  code: z.string(),
  language: z.string(),
  stdin: z.string().nullish(),
  run_timeout: z.number().positive().max(600).optional(),
  compile_timeout: z.number().optional(),
  memory_limit_MB: z.number().optional(),
  files: z.record(z.string(), z.string().nullable()).optional(),
  fetch_files: z.array(z.string()).optional(),
});

type RunStatus = 'Finished' | 'Error' | 'TimeLimitExceeded';

interface RunCodeResponse {
  status: 'Success' | 'Failed' | 'SandboxError';
  message: string;
  compile_result: null;
  run_result: { status: RunStatus; execution_time: number; return_code: number | null; stdout: string; stderr: string } | null;
  executor_pod_name: null;
  files: Record<string, string>;
}

const LANGUAGES: Record<string, SandboxLanguage> = { python: 'python', python3: 'python', nodejs: 'javascript', javascript: 'javascript' };

function sandboxError(message: string): RunCodeResponse {
  return { status: 'SandboxError', message, compile_result: null, run_result: null, executor_pod_name: null, files: {} };
}

export function toRunCodeResponse(result: RunCodeResult): RunCodeResponse {
  const timedOut = result.failure === 'TLE';
  const returnCode = timedOut ? null : result.exitCode ?? (result.signal !== null ? -result.signal : null);
  const messages: Record<string, string> = { OLE: 'output limit exceeded', MLE: 'memory limit exceeded', TLE: 'time limit exceeded' };
  return {
    status: !timedOut && returnCode === 0 ? 'Success' : 'Failed',
    message: result.failure ? messages[result.failure] ?? '' : '',
    compile_result: null,
    run_result: {
      status: timedOut ? 'TimeLimitExceeded' : 'Finished',
      execution_time: result.timeMs / 1000,
      return_code: returnCode,
      stdout: result.stdout,
      stderr: result.stderr,
    },
    executor_pod_name: null,
    files: {},
  };
}

/** The request listener (node:http) for /run_code and /v1/ping. Returns false for other paths, so a host server can route them. */
export function createRunCodeHandler(opts: SandboxHandlerOptions): (req: http.IncomingMessage, res: http.ServerResponse) => boolean {
  const maxBytes = opts.maxRequestBytes ?? 8 * 1024 * 1024;
  const maxPending = opts.maxPending ?? 256;
  const defaultMemoryMb = opts.defaultMemoryMb;
  let pending = 0;

  async function runCode(body: unknown): Promise<{ code: number; body: unknown }> {
    const parsed = RunCodeRequestSchema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return { code: 400, body: { detail: `invalid request: field '${issue.path.join('.') || '(body)'}': ${issue.message}` } };
    }
    const req = parsed.data;
    const language = LANGUAGES[req.language];
    if (!language) return { code: 200, body: sandboxError(`unsupported language '${req.language}' (this sandbox runs python and nodejs)`) };
    if (req.files && Object.keys(req.files).length > 0) return { code: 200, body: sandboxError('files are not supported by this sandbox') };
    const memoryMb = req.memory_limit_MB === undefined || req.memory_limit_MB <= 0 ? defaultMemoryMb : Math.max(16, req.memory_limit_MB);
    try {
      const result = await opts.sandbox.runCode({ code: req.code, language, stdin: req.stdin ?? '', timeoutS: req.run_timeout, memoryMb });
      return { code: 200, body: toRunCodeResponse(result) };
    } catch (e) {
      if (e instanceof SandboxError) return { code: 200, body: sandboxError(e.message) };
      return { code: 400, body: { detail: (e as Error).message } };
    }
  }

  return (req, res) => {
    const url = (req.url ?? '/').split('?')[0];
    if (url === '/v1/ping' && req.method === 'GET') {
      send(res, 200, 'pong');
      return true;
    }
    if (url !== '/run_code') return false;
    if (req.method !== 'POST') {
      send(res, 405, { detail: 'use POST /run_code' }, { Allow: 'POST' });
      return true;
    }
    if (pending >= maxPending) {
      send(res, 503, { detail: `too many requests in flight (${maxPending}); retry later` }, { 'Retry-After': '1' });
      req.resume();
      return true;
    }
    pending++;
    readJsonBody(req, maxBytes, { timeoutMs: opts.bodyTimeoutMs })
      .then(runCode)
      .then((r) => send(res, r.code, r.body))
      .catch((e) => sendHttpError(res, e))
      .finally(() => { pending--; });
    return true;
  };
}

/** Starts an HTTP server for the sandbox (loopback by default; port 0 picks a free port). */
export async function startSandboxServer(opts: SandboxServerOptions): Promise<SandboxServer> {
  const handler = createRunCodeHandler(opts);
  const host = opts.host ?? '127.0.0.1';
  const server = http.createServer((req, res) => {
    if (!authorize(req, res, opts.token)) return;
    if (!handler(req, res)) send(res, 404, { detail: 'not found: this server answers POST /run_code and GET /v1/ping' });
  });
  limitRequestTime(server, (opts.bodyTimeoutMs ?? 10_000) + 5_000);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => { server.off('error', reject); resolve(); });
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    host, port, url: `http://${shownHost}:${port}/run_code`,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
