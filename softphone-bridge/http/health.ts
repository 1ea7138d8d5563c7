/**
 * `GET /health`: is the server taking calls — linked to Asterisk (AMI and ARI), its Stasis
 * application registered (else the dialplan sends callers to its survival path), its database
 * answering, and no recovery step under way (outage import, reconciliation). `ok` (200) only then;
 * otherwise `degraded` (503) with the reasons.
 */
import type { FastifyPluginAsync } from 'fastify';
import Type from 'typebox';

export interface HealthSources {
  link(): { ami: boolean; ari: boolean };
  database(): Promise<boolean>;
  /** Is the Stasis application registered on the PBX? (Not asked while ARI is down.) */
  stasis?(): Promise<boolean>;
  /** Recovery steps under way. */
  recovering?(): string[];
}

const HealthResponse = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
  ami: Type.Boolean(),
  ari: Type.Boolean(),
  database: Type.Boolean(),
  stasis: Type.Optional(Type.Boolean()),
  recovering: Type.Optional(Type.Array(Type.String())),
  /** Why the server is not taking calls (degraded only). */
  reasons: Type.Optional(Type.Array(Type.String())),
});

export const healthRoutes: FastifyPluginAsync<{ sources: HealthSources }> = (app, { sources }) => {
  app.get('/health', { schema: { response: { 200: HealthResponse, 503: HealthResponse } } }, async (_request, reply) => {
    const link = sources.link();
    const database = await sources.database();
    const stasis = link.ari ? ((await sources.stasis?.()) ?? true) : false;
    const recovering = sources.recovering?.() ?? [];
    const reasons = [
      ...(link.ami ? [] : ['AMI link down']),
      ...(link.ari ? [] : ['ARI link down']),
      ...(link.ari && !stasis ? ['Stasis application not registered: calls take the dialplan survival path'] : []),
      ...(database ? [] : ['database not answering']),
      ...recovering.map((step) => `recovering: ${step}`),
    ];
    const ok = reasons.length === 0;
    return reply
      .code(ok ? 200 : 503)
      .send({ status: ok ? 'ok' : 'degraded', ...link, database, stasis, recovering, ...(ok ? {} : { reasons }) });
  });
  return Promise.resolve();
};
