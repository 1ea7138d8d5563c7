/**
 * REST over the events WebSocket (Asterisk 22.4+): a `RESTRequest` message read as the HTTP request it
 * stands for, and the route's result written back as a `RESTResponse` message. The message formats are
 * the `RESTRequest`/`RESTResponse`/`RESTQueryStringParameter` models of the recorded `events.json`;
 * how the PBX orders a response among the events the request causes is not recorded (test/pbx-sim/README.md).
 */
import type { HttpResult } from './http.js';
import { STATUS_TEXT } from './http.js';

/** A socket request as the routes see an HTTP one. */
export interface SocketRequest {
  method: string;
  /** Under `/ari`, e.g. `/channels/1795317697.0/answer`. */
  path: string;
  query: URLSearchParams;
  body: unknown;
  /** As sent, returned in the response. */
  uri: string;
  transactionId: string;
  requestId: string;
}

/** What makes a message no request the PBX can take: answered 400 with this message when its ids are readable. */
export class BadSocketRequest extends Error {}

function text(m: Record<string, unknown>, key: string): string | undefined {
  const value = m[key];
  return typeof value === 'string' ? value : undefined;
}

/** The request a client message carries; null when it is no `RESTRequest` (Asterisk ignores those). */
export function readSocketRequest(message: unknown): SocketRequest | null {
  if (typeof message !== 'object' || message === null || Array.isArray(message)) return null;
  const m = message as Record<string, unknown>;
  if (m['type'] !== 'RESTRequest') return null;
  const transactionId = text(m, 'transaction_id') ?? '';
  const requestId = text(m, 'request_id') ?? '';
  const method = text(m, 'method');
  const uri = text(m, 'uri');
  if (!method || uri === undefined) throw Object.assign(new BadSocketRequest('RESTRequest needs a method and a uri'), { transactionId, requestId, uri: uri ?? '' });
  // "Resource URI with optional query string parameters", relative to /ari.
  const question = uri.indexOf('?');
  const path = `/${(question < 0 ? uri : uri.slice(0, question)).replace(/^\/+/, '')}`;
  const query = new URLSearchParams(question < 0 ? '' : uri.slice(question + 1));
  const strings = m['query_strings'];
  if (Array.isArray(strings)) {
    for (const entry of strings) {
      if (typeof entry !== 'object' || entry === null) continue;
      const { name, value } = entry as Record<string, unknown>;
      if (typeof name === 'string' && typeof value === 'string') query.append(name, value);
    }
  }
  let body: unknown;
  const raw = text(m, 'message_body');
  if (raw !== undefined && raw.trim() !== '') {
    // Asterisk compares the type as written and refuses a body of any other (or none).
    const type = text(m, 'content_type') ?? '';
    if (type === 'application/x-www-form-urlencoded') body = Object.fromEntries(new URLSearchParams(raw));
    else if (type !== 'application/json') throw Object.assign(new BadSocketRequest(`Unsupported Content-Type '${type}'`), { transactionId, requestId, uri });
    else {
      try {
        body = JSON.parse(raw) as unknown;
      } catch {
        throw Object.assign(new BadSocketRequest('Error parsing request body'), { transactionId, requestId, uri });
      }
    }
  }
  return { method: method.toUpperCase(), path, query, body, uri, transactionId, requestId };
}

/** The `RESTResponse` message for a route's result. */
export function socketResponse(
  ids: { transactionId: string; requestId: string; uri: string },
  result: HttpResult,
  envelope: { asteriskId: string; application: string; timestamp: string },
): Record<string, unknown> {
  const response: Record<string, unknown> = {
    type: 'RESTResponse',
    transaction_id: ids.transactionId,
    request_id: ids.requestId,
    status_code: result.status,
    reason_phrase: STATUS_TEXT[result.status] ?? '',
    uri: ids.uri,
  };
  if (result.raw) {
    response['content_type'] = result.raw.contentType;
    response['message_body'] = result.raw.data.toString('latin1');
  } else if (result.body !== undefined) {
    response['content_type'] = 'application/json';
    response['message_body'] = JSON.stringify(result.body);
  }
  return { ...response, timestamp: envelope.timestamp, asterisk_id: envelope.asteriskId, application: envelope.application };
}
