import type { FastifyRequest } from 'fastify';

/** The session token of a request: `Authorization: Bearer …`, or `?token=…` (browsers cannot set headers on a WebSocket). */
export function requestToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length);
  const query = request.query as Record<string, unknown>;
  return typeof query.token === 'string' ? query.token : undefined;
}
