/**
 * The centre's settings that live in the database, each read where it is used at the moment it is
 * used (so a change applies without a restart), edited here and audited:
 * - `callback-policy`: when the centre may call citizens back (回访, 漏接回拨), how often, how far apart;
 * - `recording-retention`: how many days call recordings are kept on the PBX;
 * - `kpi-targets`: the service targets the wallboard and the reports judge figures against;
 * - `call-timings`: ring timeout, 话后整理 and the overflow wait (the server's configuration until set).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type, { type TSchema } from 'typebox';
import { callbackPolicy, type CallbackPolicy as Policy } from '../../cti/callbacks/calling-hours.js';
import { CALL_TIMING_LIMITS, CALL_TIMINGS_SETTING, callTimings, callTimingsChanged, type CallTimings } from '../../cti/calls/call-timings.js';
import { DEFAULT_RETENTION_DAYS, RETENTION_SETTING, retentionDays } from '../../cti/jobs/recording-retention.js';
import { putSetting, type Db } from '../../store/index.js';
import { ADMIN, STAFF, sessionOf } from '../auth/session-guard.js';
import { errorReplies, invalid } from '../http/error-replies.js';
import { KPI_TARGETS_SETTING, KpiTargets, kpiTargets } from '../reports/kpi-targets.js';
import { audited } from './audit-trail.js';
import type { ResourceDeps } from './deps.js';
import { ClockTime } from './schemas.js';

const CallbackPolicy = Type.Object(
  {
    from: ClockTime,
    to: ClockTime,
    workdaysOnly: Type.Boolean({ description: '只在工作日回拨' }),
    maxAttempts: Type.Integer({ minimum: 1, maximum: 10, description: '最多尝试次数' }),
    spacingMinutes: Type.Integer({ minimum: 1, maximum: 1440, description: '两次尝试至少间隔（分钟）' }),
  },
  { additionalProperties: false },
);
const seconds = (key: keyof CallTimings, description: string) => Type.Integer({ minimum: CALL_TIMING_LIMITS[key][0], maximum: CALL_TIMING_LIMITS[key][1], description });
const Timings = Type.Object(
  {
    ringTimeoutSeconds: seconds('ringTimeoutSeconds', '坐席振铃超时（秒），超时转下一位坐席'),
    wrapUpSeconds: seconds('wrapUpSeconds', '话后整理时长（秒）'),
    queueOverflowSeconds: seconds('queueOverflowSeconds', '专席排队多久后综合坐席也可接听（秒）'),
  },
  { additionalProperties: false },
);
const Retention = Type.Object({ days: Type.Integer({ minimum: 1, maximum: 3650, description: '录音保留天数' }) }, { additionalProperties: false });

interface SettingSpec<S extends TSchema> {
  path: string;
  summary: string;
  schema: S;
  read(db: Db): Promise<unknown>;
  write(db: Db, value: unknown): Promise<void>;
  /** After the change has committed: what keeps the setting in memory reloads it. */
  changed?(db: Db): Promise<void>;
  /** Checks a schema cannot (e.g. a window that ends before it starts). */
  check?(value: unknown): { field: string; message: string }[];
}

const specs = (configured: CallTimings): SettingSpec<TSchema>[] => [
  {
    path: 'callback-policy',
    summary: '回拨与回访时间规则',
    schema: CallbackPolicy,
    read: callbackPolicy,
    write: (db, value) => putSetting(db, 'callback-policy', value),
    check: (value) => {
      const { from, to } = value as Policy;
      return from < to ? [] : [{ field: '/to', message: `结束时间须晚于开始时间 ${from}` }];
    },
  },
  {
    path: 'recording-retention',
    summary: `录音保留天数（默认 ${DEFAULT_RETENTION_DAYS} 天，每晚 03:00 删除更早的录音）`,
    schema: Retention,
    read: async (db) => ({ days: await retentionDays(db) }),
    write: (db, value) => putSetting(db, RETENTION_SETTING, (value as { days: number }).days),
  },
  {
    path: 'kpi-targets',
    summary: '服务目标（接通率、15 秒接通率及其黄色区间、排队等待红色阈值）',
    schema: KpiTargets,
    read: kpiTargets,
    write: (db, value) => putSetting(db, KPI_TARGETS_SETTING, value),
  },
  {
    path: 'call-timings',
    summary: '振铃超时、话后整理与溢出等待',
    schema: Timings,
    read: (db) => callTimings(db, configured),
    write: (db, value) => putSetting(db, CALL_TIMINGS_SETTING, value),
    changed: callTimingsChanged,
  },
];

const TAGS = ['设置 settings'];

export const settingsResource: FastifyPluginAsyncTypebox<ResourceDeps & { configuredTimings: CallTimings }> = (app, { db, configuredTimings }) => {
  app.get(
    '/settings',
    {
      config: { roles: STAFF },
      schema: {
        tags: TAGS,
        summary: '查看中心设置',
        response: {
          200: Type.Object({ 'callback-policy': CallbackPolicy, 'recording-retention': Retention, 'kpi-targets': KpiTargets, 'call-timings': Timings }),
          ...errorReplies(401, 403),
        },
      },
    },
    async () => ({
      'callback-policy': await callbackPolicy(db),
      'recording-retention': { days: await retentionDays(db) },
      'kpi-targets': await kpiTargets(db),
      'call-timings': await callTimings(db, configuredTimings),
    }),
  );

  for (const spec of specs(configuredTimings)) {
    app.put(
      `/settings/${spec.path}`,
      { config: { roles: ADMIN }, schema: { tags: TAGS, summary: `修改${spec.summary}`, body: spec.schema, response: { 200: spec.schema, ...errorReplies(400, 401, 403) } } },
      async (request) => {
        const value: unknown = request.body;
        const problems = spec.check?.(value) ?? [];
        if (problems.length) throw invalid(problems);
        const result = await audited(db, sessionOf(request).login, 'setting', 'update', async (tx) => {
          const before = await spec.read(tx);
          await spec.write(tx, value);
          return { id: spec.path, before, after: value, result: await spec.read(tx) };
        });
        await spec.changed?.(db);
        return result;
      },
    );
  }
  return Promise.resolve();
};

