/** `GET /api/v1/meta/endpoints`: every route under `/api/v1` and the roles it admits (for consoles and the role-matrix test). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { RouteCatalogue } from './api-docs.js';
import type { ResourceDeps } from './deps.js';
import { errorReplies } from '../http/error-replies.js';
import { EVERYONE } from '../auth/session-guard.js';
import { Nullable } from './schemas.js';

const Endpoint = Type.Object({
  method: Type.String(),
  url: Type.String(),
  /** null: the route is public or checks its caller itself (login, tickets). */
  roles: Nullable(Type.Array(Type.String())),
});

export const metaResource: FastifyPluginAsyncTypebox<ResourceDeps & { catalogue: RouteCatalogue }> = (app, { catalogue }) => {
  app.get(
    '/meta/endpoints',
    { config: { roles: EVERYONE }, schema: { tags: ['元数据 meta'], summary: '接口与允许的角色', response: { 200: Type.Array(Endpoint), ...errorReplies(401, 403) } } },
    () => catalogue.entries('/api/v1/').map((e) => ({ method: e.method, url: e.url, roles: e.roles ? [...e.roles] : null })),
  );
  return Promise.resolve();
};
