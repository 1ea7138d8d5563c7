import type { FastifyRequest } from 'fastify';

/**
 * The session token of a request: `Authorization: Bearer …`; for a WebSocket upgrade (`socket`) also
 * `?token=…`, since browsers cannot set headers on a WebSocket. An HTTP request never takes it from
 * its URL: links, browser history and proxy access logs keep URLs, and must not keep live logins.
 */
export function requestToken(request: FastifyRequest, socket = false): string | undefined {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length);
  if (!socket) return undefined;
  const query = request.query as Record<string, unknown>;
  return typeof query.token === 'string' ? query.token : undefined;
}
