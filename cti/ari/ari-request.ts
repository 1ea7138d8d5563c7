/**
 * One ARI REST request and Asterisk's answer to it, as both carriers (the HTTP pool, ari-rest.ts, and
 * the events socket, ari-socket-requests.ts) take and give them.
 */

export type Query = Record<string, string | number | boolean | undefined>;

export interface AriRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Under `/ari`, path parameters already encoded (`ariPath`). */
  path: string;
  query?: Query;
  /** Sent as JSON (e.g. originate's `{"variables": {...}}`). */
  body?: unknown;
  /**
   * Sending it twice leaves Asterisk as sending it once (answer, hold, a GET, a DELETE...). Only such
   * requests are tried again after a connection failed with the request possibly on the wire: an
   * originate, a new bridge, a playback or a recording could happen twice. Those are tried again only
   * when the request provably never reached Asterisk (see `AriRest.mayRetry`).
   */
  idempotent: boolean;
  /** Statuses that mean "not found" for this operation besides 404 (addChannel answers 400 "Channel not found"). */
  notFound?: readonly number[];
}

/** `/channels/{id}/answer` from `ariPath\`/channels/${id}/answer\``: each parameter URI-encoded. */
export function ariPath(strings: TemplateStringsArray, ...params: string[]): string {
  return strings.reduce((path, part, i) => path + part + (i < params.length ? encodeURIComponent(params[i] ?? '') : ''), '');
}

/** Asterisk's answer to a request, over either carrier: its status, body text and content type (lower case). */
export interface Answer {
  status: number;
  body: string;
  contentType: string;
}

/** A request that got no complete answer. `sent`: it was handed to a socket, so it may have reached Asterisk. */
export class NoAnswer extends Error {
  constructor(
    override readonly cause: Error,
    readonly sent: boolean,
    readonly answered: boolean,
  ) {
    super(cause.message);
  }

  get code(): string {
    return (this.cause as { code?: unknown }).code?.toString() ?? '';
  }
}

/** `?a=1&b=2` of the query's defined values ('' when none). */
export function queryString(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}
