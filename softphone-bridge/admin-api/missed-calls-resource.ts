/** 漏接回拨: callers who gave up in the queue, for agents to call back; marking one done takes it off the list. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { completeMissedCall, findMissedCall, listPendingMissedCalls } from '../../store/index.js';
import { audited } from './audit-trail.js';
import type { ResourceDeps } from './deps.js';
import { conflict, errorReplies, notFound } from '../http/error-replies.js';
import { EVERYONE, sessionOf } from '../auth/session-guard.js';
import { IdParams, Nullable } from './schemas.js';

const MissedCall = Type.Object({
  id: Type.Integer(),
  callId: Type.Integer(),
  callerNumber: Type.String(),
  dialledNumber: Type.String(),
  waitMs: Type.Integer(),
  at: Type.String(),
  status: Type.Enum(['pending', 'done', 'unreachable', 'got-through']),
  handledBy: Nullable(Type.Integer()),
  /** Automatic callback attempts so far (the campaign calls the citizen back within calling hours). */
  attempts: Type.Integer(),
  lastAttemptAt: Nullable(Type.String()),
  /** How many times the number gave up while this entry was pending (one entry per number). */
  abandonedTimes: Type.Integer(),
});
const TAGS = ['漏接回拨 missed calls'];

export const missedCallsResource: FastifyPluginAsyncTypebox<ResourceDeps> = (app, { db }) => {
  app.get(
    '/missed-calls',
    { config: { roles: EVERYONE }, schema: { tags: TAGS, summary: '待回拨列表（新的在前）', response: { 200: Type.Array(MissedCall), ...errorReplies(401, 403) } } },
    () => listPendingMissedCalls(db),
  );

  app.post(
    '/missed-calls/:id/done',
    { config: { roles: EVERYONE }, schema: { tags: TAGS, summary: '标记已回拨', params: IdParams, response: { 204: Type.Null(), ...errorReplies(400, 401, 403, 404, 409) } } },
    async (request, reply) => {
      const me = sessionOf(request);
      const before = await findMissedCall(db, request.params.id);
      if (!before) throw notFound(`漏接记录不存在: ${request.params.id}`);
      await audited(db, me.login, 'missed-call', 'done', async (tx) => {
        if (!(await completeMissedCall(tx, before.id, me.agentId))) {
          // Not pending any more: say why (as `call.dial` does, cti/calls/click-to-call.ts).
          const now = await findMissedCall(tx, before.id);
          throw conflict(now?.status === 'got-through' ? '来电人已再次来电并由坐席接听，无需回拨' : '该来电已由其他坐席回拨');
        }
        return { id: before.id, before, after: { ...before, status: 'done', handledBy: me.agentId }, result: null };
      });
      reply.code(204);
      return null;
    },
  );
  return Promise.resolve();
};
