/**
 * `/api/v1/calendar`: the admin's corrections to China's working-day calendar (a local holiday, next
 * year's plan before the package carries it). Deadlines computed after a change use it at once. Each
 * change is audited with the day before and after, in the change's transaction (admin-api/audit-trail.ts).
 */
import type { FastifyPluginAsync } from 'fastify';
import Type, { type Static } from 'typebox';
import { deleteCalendarDay, findCalendarDay, listCalendarDays, putCalendarDay, type Db } from '../../store/index.js';
import { audited } from '../admin-api/audit-trail.js';
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

export const calendarRoutes: FastifyPluginAsync<{ db: Db; sessions: Sessions }> = (app, { db, sessions }) => {
  app.addHook('onRoute', assertRolesDeclared);
  app.addHook('onRequest', sessionGuard(sessions));

  app.get('/api/v1/calendar', { config: { roles: EVERYONE }, schema: { response: { 200: Type.Array(Day), 401: ErrorReply } } }, () => listCalendarDays(db));

  app.put<{ Params: Static<typeof DateParam>; Body: Static<typeof DayBody> }>(
    '/api/v1/calendar/:date',
    { config: { roles: ADMIN }, schema: { params: DateParam, body: DayBody, response: { 200: Day, 401: ErrorReply, 403: ErrorReply } } },
    async (request) => {
      const claims = sessionOf(request);
      return audited(db, claims.login, 'calendar', 'put', async (tx) => {
        const before = await findCalendarDay(tx, request.params.date);
        const day = await putCalendarDay(tx, { date: request.params.date, ...request.body, createdBy: claims.login });
        return { id: day.date, before, after: day, result: day };
      });
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
      return reply.code(204).send();
    },
  );
  return Promise.resolve();
};
