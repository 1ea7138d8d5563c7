/**
 * Security headers on every answer (@fastify/helmet): a content security policy that the pages
 * pass — scripts, connections and everything else only from this server; inline style attributes
 * allowed because the pages set a few; no framing by anyone (clickjacking of /admin) — `nosniff`, and
 * `Cache-Control: no-store` on API answers, which carry personal data, and on every other answer
 * that does not set its own (the pages and their assets do).
 */
import helmet from '@fastify/helmet';
import type { FastifyBaseLogger, FastifyInstance, RawServerDefault } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';

export async function registerSecurityHeaders<L extends FastifyBaseLogger>(
  app: FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, L>,
): Promise<void> {
  await app.register(helmet, {
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
  });
  app.addHook('onSend', async (request, reply) => {
    // Decided by the route the router matched, never by the raw URL: the router decodes the path, so
    // `/%61pi/v1/agents` is the API route `/api/v1/agents`. And fail-safe: any answer that did not
    // choose its own caching gets no-store too — only the pages and their hashed assets do
    // (web/static-pages.ts), so an unmatched or differently spelt path can never be cached.
    const api = request.routeOptions.url?.startsWith('/api/') ?? false;
    if (api || !reply.hasHeader('cache-control')) void reply.header('cache-control', 'no-store');
  });
}
