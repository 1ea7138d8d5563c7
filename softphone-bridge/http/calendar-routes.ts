/**
 * `/api/v1/calendar`: the admin's corrections to China's working-day calendar (a local holiday, next
 * year's plan before the package carries it). Deadlines computed after a change use it at once.
 */
import type { FastifyPluginAsync } from 'fastify';
import Type, { type Static } from 'typebox';
import { deleteCalendarDay, listCalendarDays, putCalendarDay, writeAudit, type Db } from '../../store/index.js';
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
      const day = await putCalendarDay(db, { date: request.params.date, ...request.body, createdBy: claims.login });
      await writeAudit(db, { actor: claims.login, action: 'put', entity: 'calendar', entityId: day.date, after: day });
      return day;
    },
  );

  app.delete<{ Params: Static<typeof DateParam> }>(
    '/api/v1/calendar/:date',
    { config: { roles: ADMIN }, schema: { params: DateParam, response: { 204: Type.Null(), 401: ErrorReply, 403: ErrorReply, 404: ErrorReply } } },
    async (request, reply) => {
      const claims = sessionOf(request);
      if (!(await deleteCalendarDay(db, request.params.date))) return reply.code(404).send({ error: '该日期没有调整' });
      await writeAudit(db, { actor: claims.login, action: 'delete', entity: 'calendar', entityId: request.params.date });
      return reply.code(204).send();
    },
  );
  return Promise.resolve();
};
