/**
 * The repeat-call policy (重复来电): more than `maxCalls` calls from one number within `windowMinutes`
 * and the caller first hears a warning. Stored as the setting `repeat-call-policy`; read per call.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type, { type Static } from 'typebox';
import Value from 'typebox/value';
import { DEFAULT_REPEAT_POLICY } from '../../routing/route-decision.js';
import { getSetting, putSetting, type Db } from '../../store/index.js';
import { audited } from './audit-trail.js';
import type { ResourceDeps } from './deps.js';
import { errorReplies } from '../http/error-replies.js';
import { ADMIN, STAFF, sessionOf } from '../auth/session-guard.js';

export const REPEAT_POLICY_KEY = 'repeat-call-policy';

const Policy = Type.Object(
  {
    maxCalls: Type.Integer({ minimum: 1, maximum: 1000, description: '窗口内超过此次数即提醒' }),
    windowMinutes: Type.Integer({ minimum: 1, maximum: 10080, description: '统计窗口（分钟）' }),
    action: Type.Enum(['warn'], { description: '目前只有 warn：播放提醒后照常排队' }),
  },
  { additionalProperties: false },
);
type Policy = Static<typeof Policy>;

const TAGS = ['重复来电策略 repeat-call policy'];

async function currentPolicy(db: Db): Promise<Policy> {
  const stored = await getSetting(db, REPEAT_POLICY_KEY);
  return Value.Check(Policy, stored) ? stored : { ...DEFAULT_REPEAT_POLICY };
}

export const repeatPolicyResource: FastifyPluginAsyncTypebox<ResourceDeps> = (app, { db }) => {
  app.get(
    '/repeat-call-policy',
    { config: { roles: STAFF }, schema: { tags: TAGS, summary: '查看重复来电策略', response: { 200: Policy, ...errorReplies(401, 403) } } },
    () => currentPolicy(db),
  );

  app.put(
    '/repeat-call-policy',
    { config: { roles: ADMIN }, schema: { tags: TAGS, summary: '修改重复来电策略', body: Policy, response: { 200: Policy, ...errorReplies(400, 401, 403) } } },
    (request) =>
      audited(db, sessionOf(request).login, 'setting', 'update', async (tx) => {
        const before = await currentPolicy(tx);
        await putSetting(tx, REPEAT_POLICY_KEY, request.body);
        return { id: REPEAT_POLICY_KEY, before, after: request.body, result: request.body };
      }),
  );
  return Promise.resolve();
};
