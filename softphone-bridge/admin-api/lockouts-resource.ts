/**
 * Login lockouts (登录锁定): user names locked for a while after repeated wrong passwords (see
 * auth/login-throttle.ts). An administrator sees them and can lift one at once; lifting is audited.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { clearLoginFailures, findLoginFailures, listLoginLockouts } from '../../store/index.js';
import { audited } from './audit-trail.js';
import type { ResourceDeps } from './deps.js';
import { errorReplies, notFound } from '../http/error-replies.js';
import { ADMIN, sessionOf } from '../auth/session-guard.js';

const Lockout = Type.Object({
  login: Type.String(),
  /** Wrong passwords in a row. */
  failures: Type.Integer(),
  lastFailureAt: Type.String(),
  lockedUntil: Type.String(),
});
const LoginParams = Type.Object({ login: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false });

const TAGS = ['登录锁定 lockouts'];

export const lockoutsResource: FastifyPluginAsyncTypebox<ResourceDeps> = (app, { db }) => {
  app.get(
    '/lockouts',
    { config: { roles: ADMIN }, schema: { tags: TAGS, summary: '当前被锁定的工号', response: { 200: Type.Array(Lockout), ...errorReplies(401, 403) } } },
    async () => (await listLoginLockouts(db)).map((row) => ({ ...row, lockedUntil: row.lockedUntil ?? '' })),
  );

  app.delete(
    '/lockouts/:login',
    {
      config: { roles: ADMIN },
      schema: { tags: TAGS, summary: '解除登录锁定（记入审计日志）', params: LoginParams, response: { 204: Type.Null(), ...errorReplies(400, 401, 403, 404) } },
    },
    async (request, reply) => {
      const row = await findLoginFailures(db, request.params.login);
      if (!row) throw notFound(`该工号没有登录失败记录: ${request.params.login}`);
      await audited(db, sessionOf(request).login, 'login-lock', 'unlock', async (tx) => {
        await clearLoginFailures(tx, row.login);
        return { id: row.login, before: row, result: null };
      });
      reply.code(204);
      return null;
    },
  );
  return Promise.resolve();
};
