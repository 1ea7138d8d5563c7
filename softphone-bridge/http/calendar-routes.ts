/**
 * `/api/v1/calendar`: the admin's corrections to China's working-day calendar (a local holiday, next
 * year's plan before the package carries it). Deadlines computed after a change use it at once, and so
 * do expert seats on duty on working days (the live agent registry re-reads it). Each change is audited
 * with the day before and after, in the change's transaction (admin-api/audit-trail.ts).
 */
import type { FastifyBaseLogger, FastifyPluginAsync } from 'fastify';
import Type, { type Static } from 'typebox';
import { deleteCalendarDay, findCalendarDay, listCalendarDays, putCalendarDay, type Db } from '../../store/index.js';
import { audited } from '../admin-api/audit-trail.js';
import type { LiveAgents } from '../admin-api/deps.js';
import { notFound } from './error-replies.js';
import { CalendarDate, FreeText } from './free-text.js';
import { ADMIN, assertRolesDeclared, EVERYONE, sessionGuard, sessionOf } from '../auth/session-guard.js';
import type { Sessions } from '../auth/sessions.js';

const DateParam = Type.Object({ date: CalendarDate() });
const DayBody = Type.Object(
  { kind: Type.Union([Type.Literal('workday'), Type.Literal('holiday')]), name: FreeText({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);
const Day = Type.Object({ date: Type.String(), kind: Type.String(), name: Type.String(), createdBy: Type.String(), createdAt: Type.String() });
const ErrorReply = Type.Object({ error: Type.String() });

export const calendarRoutes: FastifyPluginAsync<{ db: Db; sessions: Sessions; agents?: Pick<LiveAgents, 'reload'> }> = (app, { db, sessions, agents }) => {
  app.addHook('onRoute', assertRolesDeclared);
  app.addHook('onRequest', sessionGuard(sessions));

  // The change is committed and audited by then: a failed re-read is the server's to report, not the
  // admin's to retry (a retried DELETE would find nothing). The seats are worked out again at the next
  // admin change or restart.
  const reloadAgents = async (log: FastifyBaseLogger): Promise<void> => {
    try {
      await agents?.reload();
    } catch (error) {
      log.error({ err: error }, 'calendar changed, but the live agents did not re-read it');
    }
  };

  app.get('/api/v1/calendar', { config: { roles: EVERYONE }, schema: { response: { 200: Type.Array(Day), 401: ErrorReply } } }, () => listCalendarDays(db));

  app.put<{ Params: Static<typeof DateParam>; Body: Static<typeof DayBody> }>(
    '/api/v1/calendar/:date',
    { config: { roles: ADMIN }, schema: { params: DateParam, body: DayBody, response: { 200: Day, 401: ErrorReply, 403: ErrorReply } } },
    async (request) => {
      const claims = sessionOf(request);
      const saved = await audited(db, claims.login, 'calendar', 'put', async (tx) => {
        const before = await findCalendarDay(tx, request.params.date);
        const day = await putCalendarDay(tx, { date: request.params.date, ...request.body, createdBy: claims.login });
        return { id: day.date, before, after: day, result: day };
      });
      await reloadAgents(request.log);
      return saved;
    },
  );

  app.delete<{ Params: Static<typeof DateParam> }>(
    '/api/v1/calendar/:date',
    { config: { roles: ADMIN }, schema: { params: DateParam, response: { 204: Type.Null(), 401: ErrorReply, 403: ErrorReply, 404: ErrorReply } } },
    async (request, reply) => {
      const claims = sessionOf(request);
      await audited(db, claims.login, 'calendar', 'delete', async (tx) => {
        const before = await findCalendarDay(tx, request.params.date);
        if (!before || !(await deleteCalendarDay(tx, before.date))) throw notFound('该日期没有调整');
        return { id: before.date, before, result: null };
      });
      await reloadAgents(request.log);
      return reply.code(204).send();
    },
  );
  return Promise.resolve();
};
