/**
 * What a standby server answers on its HTTP port while another server is active: nothing but where
 * the active one is. `/health` says `standby` (503), so a load balancer or reverse proxy in front of
 * both sends everything to the active one (README, Deployment); a browser that reaches the standby
 * directly is sent on to the active server's same page, and an API client or a desktop socket is
 * told, in Chinese, that this is the standby and where the active one is.
 */
import Fastify from 'fastify';
import Type from 'typebox';
import type { Logger } from '../../cti/logging.js';

export interface StandbySources {
  /** The active server's advertised address, or null while none holds the lock. */
  active(): Promise<string | null>;
}

const StandbyHealth = Type.Object({
  status: Type.Literal('standby'),
  /** Where the active server is, when one is. */
  active: Type.Union([Type.String(), Type.Null()]),
});

export const STANDBY_TEXT = '本服务器为备用服务器，正在等待接管；请连接主用服务器';

/** Asks at most once a second, however many desktops knock. */
function cached(sources: StandbySources): () => Promise<string | null> {
  // Never asked yet: the first knock asks, however soon after the process started (performance.now()
  // counts from there, so a start time of 0 would answer "none" for the process's first second).
  let at = Number.NEGATIVE_INFINITY;
  let last: Promise<string | null> = Promise.resolve(null);
  return () => {
    const now = performance.now();
    if (now - at > 1000) {
      at = now;
      last = sources.active().catch(() => null);
    }
    return last;
  };
}

/** Listens until `close()`; its address for tests. */
export async function startStandbyServer(options: { host: string; port: number; log: Logger; sources: StandbySources }): Promise<{ url: string; close(): Promise<void> }> {
  const app = Fastify({ loggerInstance: options.log.child({ part: 'standby-http' }, { level: 'warn' }) });
  const active = cached(options.sources);
  app.get('/health', { schema: { response: { 503: StandbyHealth } } }, async (_request, reply) => {
    return reply.code(503).send({ status: 'standby' as const, active: await active() });
  });
  app.setNotFoundHandler(async (request, reply) => {
    const target = await active();
    const wantsPage = request.method === 'GET' && (request.headers.accept ?? '').includes('text/html');
    if (target && wantsPage) return reply.redirect(new URL(request.url, target).toString(), 307);
    return reply.code(503).header('retry-after', '1').send({ error: 'standby', message: STANDBY_TEXT, active: target });
  });
  const url = await app.listen({ host: options.host, port: options.port });
  return { url, close: () => app.close() };
}
