/** `GET /health`: is the server linked to Asterisk and is its database answering. */
import type { FastifyPluginAsync } from 'fastify';
import Type from 'typebox';

export interface HealthSources {
  link(): { ami: boolean; ari: boolean };
  database(): boolean;
}

const HealthResponse = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
  ami: Type.Boolean(),
  ari: Type.Boolean(),
  database: Type.Boolean(),
});

export const healthRoutes: FastifyPluginAsync<{ sources: HealthSources }> = (app, { sources }) => {
  app.get('/health', { schema: { response: { 200: HealthResponse, 503: HealthResponse } } }, async (_request, reply) => {
    const link = sources.link();
    const database = sources.database();
    const ok = link.ami && link.ari && database;
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'degraded', ...link, database });
  });
  return Promise.resolve();
};
