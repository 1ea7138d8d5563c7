/**
 * REST requests over the Stasis application's events WebSocket, as Asterisk takes them since 22.4
 * (21.9, 20.14): a `RESTRequest` message out, a `RESTResponse` message back with the same
 * `request_id` (the models in Asterisk's `events.json`). One socket Asterisk already holds, instead of
 * an HTTP request per operation: no HTTP session per burst of calls against `sessionlimit`, and per
 * request one small frame each way instead of an HTTP exchange to write and parse.
 *
 * A request whose socket goes down before its answer fails as an HTTP request whose connection broke
 * after it was written (`NoAnswer`, sent, code ECONNRESET): ari-rest.ts tries it again (over HTTP while
 * the socket is down) only when sending it twice is harmless. One that gets no answer in 15 s fails as
 * a hung Asterisk, and is not tried again; the socket then carries no more requests until it is
 * opened again (`onUnanswered`): an Asterisk that leaves one unanswered is not trusted with the next.
 */
import { type Answer, type AriRequest, NoAnswer } from './ari-request.js';

/** ARI answers in milliseconds; an Asterisk that says nothing for this long is hung (as over HTTP). */
export const SOCKET_ANSWER_TIMEOUT_MS = 15_000;
/** How often requests are checked for that timeout: one timer while the socket carries requests, not one each. */
const SWEEP_EVERY_MS = 1_000;

interface Pending {
  resolve: (answer: Answer) => void;
  reject: (failure: NoAnswer) => void;
  deadline: number;
}

/** No answer to a request; `sent`: it left on the socket, so it may have reached Asterisk. */
function failure(message: string, code: string, sent = true): NoAnswer {
  return new NoAnswer(Object.assign(new Error(message), { code }), sent, false);
}

/** A `RESTResponse` message's fields, when `message` is one (Asterisk's model: `message_body` is a string). */
function responseOf(message: unknown): { id: string; answer: Answer } | null {
  if (typeof message !== 'object' || message === null) return null;
  const m = message as Record<string, unknown>;
  if (m['type'] !== 'RESTResponse' || typeof m['request_id'] !== 'string' || typeof m['status_code'] !== 'number') return null;
  const body = m['message_body'];
  const contentType = typeof m['content_type'] === 'string' ? m['content_type'].toLowerCase() : '';
  return {
    id: m['request_id'],
    answer: {
      status: m['status_code'],
      // A body sent as JSON rather than as the model's string is taken as what it stands for.
      body: typeof body === 'string' ? body : body === undefined || body === null ? '' : JSON.stringify(body),
      contentType: contentType || (typeof body === 'object' && body !== null ? 'application/json' : ''),
    },
  };
}

export class SocketRequests {
  private readonly pending = new Map<string, Pending>();
  private sender: ((text: string) => void) | null = null;
  private sweep: NodeJS.Timeout | null = null;
  private counter = 0;

  constructor(
    /** Told when a request went unanswered; requests then go elsewhere until the next `attach`. */
    private readonly onUnanswered: () => void = () => undefined,
    private readonly timeoutMs = SOCKET_ANSWER_TIMEOUT_MS,
  ) {}

  /** Whether requests go over the socket now: it is open, and its Asterisk takes them. */
  get usable(): boolean {
    return this.sender !== null;
  }

  /** The socket is open and its Asterisk takes requests: they go out through `send` from now on. */
  attach(send: (text: string) => void): void {
    this.sender = send;
    this.sweep ??= setInterval(() => this.expire(), Math.min(SWEEP_EVERY_MS, this.timeoutMs)).unref();
  }

  /** The socket went down (or is closed for good): requests waiting for an answer fail, none go out. */
  detach(): void {
    this.sender = null;
    if (this.sweep) clearInterval(this.sweep);
    this.sweep = null;
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const pending of waiting) pending.reject(failure('ARI events socket closed before the answer', 'ECONNRESET'));
  }

  /** Sends the request; resolves with Asterisk's answer, whatever its status. */
  send(request: AriRequest): Promise<Answer> {
    const sender = this.sender;
    if (!sender) return Promise.reject(failure('ARI events socket is not open', 'ECONNRESET', false));
    const id = String(++this.counter);
    const message: Record<string, unknown> = {
      type: 'RESTRequest',
      transaction_id: id,
      request_id: id,
      method: request.method,
      // Relative to /ari, as Asterisk's own examples write it ("channels/<id>/answer").
      uri: request.path.startsWith('/') ? request.path.slice(1) : request.path,
    };
    if (request.query) {
      const params: { name: string; value: string }[] = [];
      for (const [name, value] of Object.entries(request.query)) if (value !== undefined) params.push({ name, value: String(value) });
      if (params.length > 0) message['query_strings'] = params;
    }
    if (request.body !== undefined) {
      message['content_type'] = 'application/json';
      message['message_body'] = JSON.stringify(request.body);
    }
    return new Promise<Answer>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, deadline: performance.now() + this.timeoutMs });
      try {
        sender(JSON.stringify(message));
      } catch (error) {
        // The socket closing under us: the request never left, so it may go again (over HTTP).
        this.pending.delete(id);
        reject(failure(error instanceof Error ? error.message : String(error), 'ECONNRESET', false));
      }
    });
  }

  /** Settles the request a `RESTResponse` message answers; false when `message` is no such answer (an event). */
  take(message: unknown): boolean {
    const response = responseOf(message);
    if (!response) return false;
    const pending = this.pending.get(response.id);
    if (pending) {
      this.pending.delete(response.id);
      pending.resolve(response.answer);
    }
    return true;
  }

  private expire(): void {
    const now = performance.now();
    let expired = false;
    for (const [id, pending] of this.pending) {
      if (pending.deadline > now) continue;
      this.pending.delete(id);
      expired = true;
      pending.reject(failure(`no answer over the ARI events socket in ${this.timeoutMs} ms`, 'UND_ERR_HEADERS_TIMEOUT'));
    }
    if (expired && this.sender) {
      this.sender = null;
      this.onUnanswered();
    }
  }
}
