/** `GET /api/v1/audit`: who changed (or read) what, newest first. Admins only. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { queryAudit } from '../../store/index.js';
import type { ResourceDeps } from './deps.js';
import { errorReplies } from '../http/error-replies.js';
import { ADMIN } from '../auth/session-guard.js';
import { Id, Nullable } from './schemas.js';

const AuditEntry = Type.Object({
  id: Type.Integer(),
  at: Type.String(),
  actor: Type.String(),
  action: Type.String(),
  entity: Type.String(),
  entityId: Nullable(Type.String()),
  before: Type.Unknown(),
  after: Type.Unknown(),
});
const AuditQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, description: '默认 100' })),
    entity: Type.Optional(Type.String({ maxLength: 64, description: '如 route、skill、agent、menu、blacklist、ticket' })),
    entityId: Type.Optional(Type.String({ maxLength: 64 })),
    actor: Type.Optional(Type.String({ maxLength: 64 })),
    beforeId: Type.Optional(Id),
  },
  { additionalProperties: false },
);

export const auditResource: FastifyPluginAsyncTypebox<ResourceDeps> = (app, { db }) => {
  app.get(
    '/audit',
    {
      config: { roles: ADMIN },
      schema: { tags: ['审计 audit'], summary: '审计日志（新的在前；beforeId 翻页）', querystring: AuditQuery, response: { 200: Type.Array(AuditEntry), ...errorReplies(400, 401, 403) } },
    },
    (request) => queryAudit(db, { ...request.query, limit: request.query.limit ?? 100 }),
  );
  return Promise.resolve();
};
