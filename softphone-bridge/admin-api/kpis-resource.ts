/**
 * `GET /api/v1/kpis?from=YYYY-MM-DD&to=YYYY-MM-DD&by=total|hotline|skill|agent&interval=none|day|half-hour&format=json|csv&lang=zh|en`:
 * the KPIs of a range of Shanghai days (or `date=` for one day), per grouping and per day or half
 * hour, with a totals row and the GB/T 33358 targets (definitions in softphone-bridge/reports/kpis.ts).
 * CSV headers are Chinese; `lang=en` gives the English keys instead. Supervisors and admins.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type, { type TSchema } from 'typebox';
import { CalendarDate } from '../http/free-text.js';
import { KPI_FIGURES } from '../reports/kpi-columns.js';
import { kpiReportToCsv } from '../reports/kpi-csv.js';
import { MAX_REPORT_DAYS, daysBetween, kpiReport } from '../reports/kpi-query.js';
import type { ResourceDeps } from './deps.js';
import { errorReplies, invalid } from '../http/error-replies.js';
import { STAFF } from '../auth/session-guard.js';

const KpiQuery = Type.Object(
  {
    date: Type.Optional(CalendarDate({ description: '某一天（上海时区），等同 from=to=date' })),
    from: Type.Optional(CalendarDate({ description: '起始日期（含，上海时区）' })),
    to: Type.Optional(CalendarDate({ description: '结束日期（含，上海时区）' })),
    by: Type.Optional(Type.Union([Type.Literal('total'), Type.Literal('hotline'), Type.Literal('skill'), Type.Literal('agent')], { description: '分组' })),
    interval: Type.Optional(Type.Union([Type.Literal('none'), Type.Literal('day'), Type.Literal('half-hour')], { description: '时段：整段、按日、按半小时' })),
    format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')])),
    lang: Type.Optional(Type.Union([Type.Literal('zh'), Type.Literal('en')], { description: 'CSV 表头：中文（默认）或英文字段名' })),
  },
  { additionalProperties: false },
);
const Rate = Type.Union([Type.Number(), Type.Null()]);
const figureSchema = (kind: string): TSchema => (kind === 'count' || kind === 'duration' ? Type.Number() : Rate);
export const KpiRowSchema = Type.Object({
  key: Type.String(),
  period: Type.String({ description: "'' 整段；YYYY-MM-DD 某日；YYYY-MM-DD HH:MM 自该时刻起的半小时" }),
  ...Object.fromEntries(KPI_FIGURES.map((f) => [f.key, { ...figureSchema(f.kind), description: `${f.label}：${f.help}` }])),
  notReadyByReason: Type.Record(Type.String(), Type.Number(), { description: '示忙时长（秒）按原因' }),
});
const KpiReply = Type.Object({
  from: Type.String(),
  to: Type.String(),
  by: Type.String(),
  interval: Type.String(),
  targets: Type.Object({ answerRate: Type.Number(), answeredWithin15sRate: Type.Number() }),
  rows: Type.Array(KpiRowSchema),
  totals: KpiRowSchema,
  notReadyReasons: Type.Array(Type.String()),
});

export const kpisResource: FastifyPluginAsyncTypebox<ResourceDeps> = (app, { db }) => {
  app.get(
    '/kpis',
    {
      config: { roles: STAFF },
      schema: {
        tags: ['统计 kpis'],
        summary: '某日或某段日期的话务指标（JSON 或 CSV），按热线、技能组或坐席分组，可按日或半小时分时段，含合计行与目标差距',
        querystring: KpiQuery,
        response: { 200: KpiReply, ...errorReplies(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const q = request.query;
      if (q.date && (q.from || q.to)) throw invalid([{ field: '/date', in: 'querystring', message: '日期（date）与起止日期（from、to）只能用一种' }]);
      const from = q.from ?? q.date;
      const to = q.to ?? q.date ?? q.from;
      if (!from || !to) throw invalid([{ field: '/from', in: 'querystring', message: '请给出日期（date）或起止日期（from、to）' }]);
      if (to < from) throw invalid([{ field: '/to', in: 'querystring', message: '结束日期不能早于起始日期' }]);
      if (daysBetween(from, to) > MAX_REPORT_DAYS) throw invalid([{ field: '/to', in: 'querystring', message: `日期范围不能超过 ${MAX_REPORT_DAYS} 天` }]);
      const by = q.by ?? 'total';
      const interval = q.interval ?? 'none';
      const report = await kpiReport(db, { from, to, by, interval });
      if (q.format === 'csv') {
        const span = from === to ? from : `${from}_${to}`;
        // A string payload with a text type is sent as it is (the JSON schema above is not applied).
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="kpis-${span}-${by}${interval === 'none' ? '' : `-${interval}`}.csv"`)
          .send(kpiReportToCsv(report, q.lang ?? 'zh') as unknown as typeof report);
      }
      return reply.send(report);
    },
  );
  return Promise.resolve();
};
