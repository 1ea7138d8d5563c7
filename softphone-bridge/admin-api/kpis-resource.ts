/**
 * `GET /api/v1/kpis?date=YYYY-MM-DD&by=total|hotline|skill|agent&format=json|csv`: a Shanghai day's
 * KPIs from the call rows (definitions in softphone-bridge/reports/kpis.ts). Supervisors and admins.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type, { type Static } from 'typebox';
import { clockOf, listAgents, listCallFactsBetween, shanghaiDayBounds } from '../../store/index.js';
import { CalendarDate } from '../http/free-text.js';
import { KPI_COLUMNS, computeKpis, kpisToCsv } from '../reports/kpis.js';
import type { ResourceDeps } from './deps.js';
import { errorReplies } from '../http/error-replies.js';
import { STAFF } from '../auth/session-guard.js';

const KpiQuery = Type.Object(
  {
    date: CalendarDate({ description: '上海时区的日期' }),
    by: Type.Optional(Type.Union([Type.Literal('total'), Type.Literal('hotline'), Type.Literal('skill'), Type.Literal('agent')])),
    format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')])),
  },
  { additionalProperties: false },
);
const KpiRow = Type.Object(Object.fromEntries(KPI_COLUMNS.map((c) => [c, c === 'key' ? Type.String() : Type.Number()])));
const KpiReply = Type.Object({ date: Type.String(), by: Type.String(), rows: Type.Array(KpiRow) });

export const kpisResource: FastifyPluginAsyncTypebox<ResourceDeps> = (app, { db }) => {
  app.get(
    '/kpis',
    {
      config: { roles: STAFF },
      schema: {
        tags: ['统计 kpis'],
        summary: '某日的话务指标（JSON 或 CSV），按热线、技能组或坐席分组',
        querystring: KpiQuery,
        response: { 200: KpiReply, ...errorReplies(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const { date } = request.query;
      const by = request.query.by ?? 'total';
      const logins = new Map(listAgents(db).map((a) => [a.id, a.login]));
      const { from, to } = shanghaiDayBounds(date);
      const facts = listCallFactsBetween(db, from, to);
      const rows = computeKpis(facts, by, clockOf(db).now(), (id) => logins.get(id) ?? String(id));
      if (request.query.format === 'csv') {
        // A string payload with a text type is sent as it is (the JSON schema above is not applied).
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="kpis-${date}-${by}.csv"`)
          .send(kpisToCsv(rows) as unknown as { date: string; by: string; rows: [] });
      }
      return reply.send({ date, by, rows: rows as unknown as Static<typeof KpiReply>['rows'] });
    },
  );
  return Promise.resolve();
};
