/** `GET /api/v1/hot-topics?week=YYYY-MM-DD`: the week's 热点 (reports/hot-topics.ts) — the week holding that day, default this week. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { clockOf, shanghaiDay } from '../../store/index.js';
import { STAFF } from '../auth/session-guard.js';
import { errorReplies } from '../http/error-replies.js';
import { CalendarDate } from '../http/free-text.js';
import { hotTopics } from '../reports/hot-topics.js';
import type { ResourceDeps } from './deps.js';

const Topic = Type.Object({
  label: Type.String(),
  thisWeek: Type.Integer(),
  lastWeek: Type.Integer(),
  change: Type.Union([Type.Number(), Type.Null()], { description: '环比：本周 ÷ 上周 − 1；上周为 0 时为 null' }),
});
const Report = Type.Object({
  week: Type.String({ description: '本周一（上海时区）' }),
  previousWeek: Type.String(),
  total: Type.Object({ thisWeek: Type.Integer(), lastWeek: Type.Integer() }),
  categories: Type.Array(Topic, { description: '诉求分类（二级）前十' }),
  areas: Type.Array(Topic, { description: '乡镇/街道前十' }),
});

export const hotTopicsResource: FastifyPluginAsyncTypebox<ResourceDeps> = (app, { db }) => {
  app.get(
    '/hot-topics',
    {
      config: { roles: STAFF },
      schema: {
        tags: ['热点分析 hot topics'],
        summary: '每周热点：诉求分类与乡镇/街道前十，与上周对比',
        querystring: Type.Object({ week: Type.Optional(CalendarDate({ description: '该周内任一天（上海时区），默认本周' })) }, { additionalProperties: false }),
        response: { 200: Report, ...errorReplies(400, 401, 403) },
      },
    },
    (request) => hotTopics(db, request.query.week ?? shanghaiDay(clockOf(db).now())),
  );
  return Promise.resolve();
};
