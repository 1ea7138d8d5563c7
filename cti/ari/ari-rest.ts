/**
 * ARI's REST half: requests over the events socket while Asterisk takes them there
 * (ari-socket-requests.ts), else over a bounded keep-alive pool of HTTP connections (undici) with HTTP
 * Basic authentication; Asterisk's error bodies turned into `AriError`s, and retries of requests
 * that Asterisk refused before answering.
 *
 * Why bounded: Asterisk's HTTP server closes every connection beyond `sessionlimit` (http.conf) the
 * moment it accepts it, without a word (it logs "HTTP session count exceeded"). A client that opens
 * a socket per concurrent request loses requests at exactly the bursts of calls where they matter.
 * The pool keeps at most `connections` sockets and queues the rest of the requests.
 */
import { Pool } from 'undici';
import type { Dispatcher } from 'undici';
import type { Logger } from '../logging.js';
import { type Answer, type AriRequest, NoAnswer, queryString } from './ari-request.js';
import type { SocketRequests } from './ari-socket-requests.js';
import { AriError } from './ari-types.js';

/** Waits before the 2nd, 3rd and 4th try of a refused request. */
export const RETRY_DELAYS_MS = [50, 200, 800] as const;

/**
 * Asterisk closes an idle HTTP session after `session_keep_alive` (15 s by default): the pool lets
 * its idle sockets go sooner, so it never sends a request on a socket Asterisk is closing.
 */
const KEEP_ALIVE_MS = 10_000;
const CONNECT_TIMEOUT_MS = 5_000;
/** ARI answers in milliseconds; an Asterisk that says nothing for this long is hung. */
const ANSWER_TIMEOUT_MS = 15_000;

/** Failures before any answer, where the connection (not Asterisk's judgement) failed. */
const REFUSED_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

function errorMessage(answer: Answer): string {
  const text = answer.body;
  try {
    const body: unknown = JSON.parse(text);
    if (typeof body === 'object' && body !== null) {
      // Asterisk's ARI errors are {"message": ...}; a failed originate's are {"error": ...}.
      if ('message' in body && typeof body.message === 'string') return body.message;
      if ('error' in body && typeof body.error === 'string') return body.error;
    }
  } catch {
    // not JSON: the text itself
  }
  return text.trim() || `HTTP ${answer.status}`;
}

function toAriError(answer: Answer, request: AriRequest): AriError {
  const message = errorMessage(answer);
  const status = answer.status;
  if (status === 404 || request.notFound?.includes(status)) return new AriError('not-found', message, status);
  if (status === 409 || status === 422) return new AriError('conflict', message, status);
  if (status === 401 || status === 403) return new AriError('auth', message, status);
  return new AriError('request', message, status);
}

function parseBody(answer: Answer): unknown {
  if (answer.body.length === 0) return undefined;
  const text = answer.body;
  if (!answer.contentType.includes('json')) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new AriError('request', 'ARI answered malformed JSON', answer.status);
  }
}

export interface AriRestSettings {
  url: string;
  username: string;
  password: string;
  connections: number;
}

export class AriRest {
  private readonly pool: Pool;
  private readonly authorization: string;
  private closed = false;

  constructor(
    settings: AriRestSettings,
    private readonly log: Logger,
    /** The events socket's carrier, used whenever it is usable (null: HTTP only). */
    private readonly socket: SocketRequests | null = null,
  ) {
    this.authorization = `Basic ${Buffer.from(`${settings.username}:${settings.password}`).toString('base64')}`;
    this.pool = new Pool(new URL(settings.url).origin, {
      connections: settings.connections,
      pipelining: 1,
      keepAliveTimeout: KEEP_ALIVE_MS,
      keepAliveMaxTimeout: KEEP_ALIVE_MS,
      connectTimeout: CONNECT_TIMEOUT_MS,
      headersTimeout: ANSWER_TIMEOUT_MS,
      bodyTimeout: ANSWER_TIMEOUT_MS,
    });
  }

  /**
   * Sends the request; resolves with Asterisk's answer body (parsed JSON, or undefined when empty).
   * A request refused before any answer (connection refused, reset or closed by Asterisk, e.g. at
   * its session limit) or answered 503 is tried again after 50, 200 and 800 ms, each retry logged at
   * warn with the method and path (never the query or body: an originate carries the caller's
   * number there); when every try failed it is logged at error and rejected with an `AriError`
   * (`connection` when no answer came).
   */
  async request(request: AriRequest): Promise<unknown> {
    const { method, path } = request;
    for (let attempt = 1; ; attempt++) {
      if (this.closed) throw new AriError('connection', `ARI ${method} ${path}: the connection is closed`);
      let answer: Answer;
      try {
        answer = await (this.socket?.usable ? this.socket.send(request) : this.send(request));
      } catch (error) {
        if (!(error instanceof NoAnswer)) throw error;
        const reason = `${error.code || 'error'}: ${error.message}`;
        if (!this.mayRetry(error, request)) {
          if (!this.closed) this.log.error({ method, path, tries: attempt, err: reason }, 'ARI request got no answer');
          throw new AriError('connection', `ARI ${method} ${path}: ${reason}`);
        }
        await this.beforeRetry(request, attempt, reason);
        continue;
      }
      if (answer.status < 400) return parseBody(answer);
      // 503: Asterisk did not take the request (it answers so until it is fully booted): safe to repeat.
      if (answer.status !== 503) throw toAriError(answer, request);
      await this.beforeRetry(request, attempt, `Asterisk answered 503: ${errorMessage(answer)}`, toAriError(answer, request));
    }
  }

  /** Logs and waits before the next try, or logs and throws when the tries are used up. */
  private async beforeRetry(request: AriRequest, attempt: number, reason: string, answered?: AriError): Promise<void> {
    const { method, path } = request;
    const delay = RETRY_DELAYS_MS[attempt - 1];
    if (delay === undefined || this.closed) {
      if (!this.closed) this.log.error({ method, path, tries: attempt, err: reason }, 'ARI request failed: Asterisk refused every try');
      throw answered ?? new AriError('connection', `ARI ${method} ${path}: ${reason}`);
    }
    this.log.warn({ method, path, attempt, retryInMs: delay, err: reason }, 'ARI request refused, trying again');
    await new Promise((resolve) => setTimeout(resolve, delay));
  }

  /**
   * A request that got no answer is tried again when the connection failed (not a timeout of a hung
   * Asterisk, not our own close) and either the request is idempotent or it provably never reached
   * Asterisk: it was never handed to a socket (the connection was refused or failed while being
   * opened; undici hands a request to a socket only once it is connected, just before writing it).
   */
  private mayRetry(failure: NoAnswer, request: AriRequest): boolean {
    if (failure.answered || !REFUSED_CODES.has(failure.code)) return false;
    return request.idempotent || !failure.sent;
  }

  /** Over HTTP, on a socket of the pool. */
  private send(request: AriRequest): Promise<Answer> {
    const body = request.body === undefined ? null : JSON.stringify(request.body);
    const headers: Record<string, string> = { authorization: this.authorization, accept: 'application/json' };
    if (body !== null) headers['content-type'] = 'application/json';
    const options: Dispatcher.DispatchOptions = {
      method: request.method,
      path: `/ari${request.path}${queryString(request.query)}`,
      headers,
      body,
    };
    return new Promise((resolve, reject) => {
      let sent = false;
      let status = 0;
      let contentType = '';
      const chunks: Buffer[] = [];
      const handler: Dispatcher.DispatchHandler = {
        onRequestStart: () => {
          sent = true;
        },
        onResponseStart: (_controller, statusCode, responseHeaders) => {
          status = statusCode;
          const type = responseHeaders['content-type'];
          contentType = (Array.isArray(type) ? type.join(',') : (type ?? '')).toLowerCase();
        },
        onResponseData: (_controller, chunk) => {
          chunks.push(chunk);
        },
        onResponseEnd: () => {
          resolve({ status, body: Buffer.concat(chunks).toString('utf8'), contentType });
        },
        onResponseError: (_controller, error) => {
          reject(new NoAnswer(error, sent, status !== 0));
        },
      };
      try {
        this.pool.dispatch(options, handler);
      } catch (error) {
        reject(new NoAnswer(error instanceof Error ? error : new Error(String(error)), false, false));
      }
    });
  }

  /**
   * Takes no new requests; those already sent or queued still get their answer (a prompt or hang-up
   * asked for just before a shutdown still happens), then every connection is closed.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.close().catch(() => undefined);
  }
}
