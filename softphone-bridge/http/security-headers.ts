/**
 * Security headers on every answer (@fastify/helmet): a content security policy that the pages
 * pass — scripts, connections and everything else only from this server; inline style attributes
 * allowed because the pages set a few; no framing by anyone (clickjacking of /admin) — `nosniff`, and
 * `Cache-Control: no-store` on API answers, which carry personal data, and on every other answer
 * that does not set its own (the pages and their assets do).
 */
import fastifyHelmet from '@fastify/helmet';
import helmet, { type HelmetOptions } from 'helmet';
import type { FastifyBaseLogger, FastifyInstance, RawServerDefault } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The headers every answer carries (helmet's options). */
const HEADERS = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      fontSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
  },
  frameguard: { action: 'deny' },
  // The pages are served over plain HTTP on a centre's LAN as often as behind TLS.
  hsts: false,
} as const satisfies HelmetOptions;

const setHeaders = helmet(HEADERS);

/**
 * The same headers, and no-store, on an answer that no hook sees: the router's own refusals of a URL
 * it cannot read (framework-errors.ts) are sent before any hook runs.
 */
export function setSecurityHeaders(request: IncomingMessage, response: ServerResponse): void {
  // Helmet sets them at once and calls `next` (it throws, rather than passes, an error of its options).
  setHeaders(request, response, () => undefined);
  response.setHeader('cache-control', 'no-store');
}

export async function registerSecurityHeaders<L extends FastifyBaseLogger>(
  app: FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, L>,
): Promise<void> {
  await app.register(fastifyHelmet, HEADERS);
  app.addHook('onSend', async (request, reply) => {
    // Decided by the route the router matched, never by the raw URL: the router decodes the path, so
    // `/%61pi/v1/agents` is the API route `/api/v1/agents`. And fail-safe: any answer that did not
    // choose its own caching gets no-store too — only the pages and their hashed assets do
    // (web/static-pages.ts), so an unmatched or differently spelt path can never be cached.
    const api = request.routeOptions.url?.startsWith('/api/') ?? false;
    if (api || !reply.hasHeader('cache-control')) void reply.header('cache-control', 'no-store');
  });
}
