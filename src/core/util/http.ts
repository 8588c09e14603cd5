// Small helpers for our JSON-over-HTTP services (node:http, no framework): the body reader with its
// size and time limits, the shared-secret check and the listen policy that `acereason serve` and
// `acereason sandbox serve` both apply.
import crypto from 'node:crypto';
import fs from 'node:fs';
import type http from 'node:http';
import { UserError } from './userError';

export class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/**
 * How long a client may take to send a whole request body. Seconds, not minutes: a body dripped one
 * byte at a time must not hold a request slot (the services cap requests in flight).
 */
export const DEFAULT_BODY_TIMEOUT_MS = 10_000;

export interface ReadBodyOptions {
  /** Default DEFAULT_BODY_TIMEOUT_MS, counted from the call, not reset by progress. */
  timeoutMs?: number;
}

/** Reads and parses a JSON body, refusing bodies over `maxBytes` (413), too slow (408) and invalid JSON (400). */
export function readJsonBody(req: http.IncomingMessage, maxBytes: number, options: ReadBodyOptions = {}): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > maxBytes) {
      req.resume();
      reject(new HttpError(413, `request body of ${declared} bytes exceeds the limit of ${maxBytes} bytes`));
      return;
    }
    const timeoutMs = options.timeoutMs ?? DEFAULT_BODY_TIMEOUT_MS;
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (error?: HttpError) => {
      done = true;
      clearTimeout(timer);
      if (error) {
        chunks.length = 0;
        reject(error);
      }
    };
    const timer = setTimeout(() => {
      if (done) return;
      finish(new HttpError(408, `request body not received within ${timeoutMs / 1000} s (${size} bytes arrived)`));
      // Let the caller's 408 go out, then drop the connection: the rest of a dripped body is not read.
      setImmediate(() => req.socket?.destroySoon());
    }, timeoutMs);
    timer.unref();
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > maxBytes) {
        finish(new HttpError(413, `request body exceeds the limit of ${maxBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', (e) => { if (!done) finish(new HttpError(400, e.message)); });
    req.on('aborted', () => { if (!done) finish(new HttpError(400, 'the client closed the connection before the body ended')); });
    req.on('end', () => {
      if (done) return;
      finish();
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch (e) {
        reject(new HttpError(400, `request body is not JSON: ${(e as Error).message}`));
      }
    });
  });
}

/**
 * Node's own request timeout (headers + body) for our servers, as a second line behind readJsonBody:
 * it also covers requests whose handler never reads the body. Responses may take as long as grading does.
 */
export function limitRequestTime(server: http.Server, timeoutMs = DEFAULT_BODY_TIMEOUT_MS + 5_000): void {
  server.headersTimeout = Math.min(server.headersTimeout || Infinity, timeoutMs);
  server.requestTimeout = timeoutMs;
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Sends an HttpError (or a 500 for anything else); 408 and 413 close the connection. */
export function sendHttpError(res: http.ServerResponse, e: unknown): void {
  if (e instanceof HttpError) sendJson(res, e.status, { detail: e.message }, e.status === 413 || e.status === 408 ? { Connection: 'close' } : {});
  else sendJson(res, 500, { detail: String((e as Error)?.message ?? e) });
}

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

// ---- shared secret ------------------------------------------------------------------------------

/** The header clients send the shared secret in (compute_score.py reads it from ACEREASON_REWARD_TOKEN). */
export const TOKEN_HEADER = 'x-acereason-token';
/** Where a server takes its secret from when --token-file is not given (never from argv: /proc/<pid>/cmdline is world-readable). */
export const TOKEN_ENV = 'ACEREASON_SERVE_TOKEN';

/** Constant-time comparison (hashes first, so lengths do not leak either). */
export function tokenMatches(expected: string, given: string | string[] | undefined): boolean {
  if (typeof given !== 'string') return false;
  const a = crypto.createHash('sha256').update(expected).digest();
  const b = crypto.createHash('sha256').update(given).digest();
  return crypto.timingSafeEqual(a, b);
}

/** Answers 401 and returns false when a token is required and the request lacks it. */
export function authorize(req: http.IncomingMessage, res: http.ServerResponse, token: string | undefined): boolean {
  if (!token || tokenMatches(token, req.headers[TOKEN_HEADER])) return true;
  sendJson(res, 401, { detail: `missing or wrong ${TOKEN_HEADER} header` });
  req.resume();
  return false;
}

/** The server's secret: the first line of `tokenFile`, else $ACEREASON_SERVE_TOKEN, else none. */
export function resolveServerToken(tokenFile: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (tokenFile !== undefined) {
    let text: string;
    try {
      text = fs.readFileSync(tokenFile, 'utf8');
    } catch (e) {
      throw new UserError(`cannot read the token file: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`, { file: tokenFile });
    }
    const token = text.split(/\r?\n/)[0].trim();
    if (!token) throw new UserError('the token file is empty (its first line is the secret)', { file: tokenFile });
    return token;
  }
  const fromEnv = env[TOKEN_ENV]?.trim();
  return fromEnv ? fromEnv : undefined;
}

/**
 * Who may listen where: loopback always; any other address only with `allowRemote` and a token,
 * because anyone who reaches the port runs code or occupies the verifiers.
 */
export function checkListenPolicy(host: string, allowRemote: boolean, token: string | undefined): void {
  if (isLoopbackHost(host)) return;
  if (!allowRemote) throw new UserError(`--host ${host} is not a loopback address; pass --allow-remote (and a token) to listen there`);
  if (!token) throw new UserError(`listening on ${host} needs a shared secret: --token-file FILE or ${TOKEN_ENV}`);
}
