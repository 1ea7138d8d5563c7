/**
 * The blacklist (恶意来电): numbers that hear a notice and are released instead of being queued, until
 * the entry expires or is removed. Supervisors manage it as well as admins. Applies to the next call.
 * A number is kept in one form (store `citizenNumber`: no +86/0086, no spaces), so that it blocks the
 * caller however the carrier presents them. Adding a number whose entry has expired replaces that
 * entry (audited with the expired one as `before`); one that is blacklisted now is refused (409).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type, { type Static } from 'typebox';
import {
  citizenNumber,
  clockOf,
  createBlacklistEntry,
  deleteBlacklistEntry,
  findBlacklistEntry,
  listBlacklist,
  updateBlacklistEntry,
  type BlacklistRow,
} from '../../store/index.js';
import { FreeText, Pattern } from '../http/free-text.js';
import { audited } from './audit-trail.js';
import type { ResourceDeps } from './deps.js';
import { errorReplies, invalid, notFound } from '../http/error-replies.js';
import { utcIso } from '../http/date-time.js';
import { STAFF, sessionOf } from '../auth/session-guard.js';
import { DateTime, IdParams, Nullable } from './schemas.js';

const Entry = Type.Object({
  id: Type.Integer(),
  number: Type.String(),
  reason: Type.String(),
  expiresAt: Nullable(Type.String()),
  createdBy: Type.String(),
  createdAt: Type.String(),
  /** Whether it blocks calls now (not yet expired). */
  active: Type.Boolean(),
});
const CallerNumber = Pattern('^\\+?[0-9][0-9 -]*$', '只能是数字，可带 + 前缀、空格或连字符', {
  maxLength: 32,
  description: '来电号码（如 13800138000、+86 138 0013 8000、010-12345678）；保存时去掉 +86/0086、空格和连字符',
});
const EntryBody = Type.Object(
  {
    number: CallerNumber,
    reason: FreeText({ minLength: 1, maxLength: 200, description: '原因' }),
    expiresAt: Type.Optional(Nullable(DateTime)),
  },
  { additionalProperties: false },
);
const EntryPatch = Type.Partial(EntryBody, { additionalProperties: false, minProperties: 1 });

const TAGS = ['黑名单 blacklist'];

const view = (row: BlacklistRow, now: Date): Static<typeof Entry> => ({
  ...row,
  active: row.expiresAt === null || row.expiresAt > now.toISOString(),
});

/** The number as the list keeps it; 400 naming the field when it is no phone number. */
function keptNumber(written: string): string {
  const kept = citizenNumber(written);
  if (kept === null) throw invalid([{ field: '/number', message: '不是有效的电话号码：去掉国家代码后应有 3–20 位数字（国际号码最多 15 位）' }]);
  return kept;
}

/**
 * Expiry stored as UTC `toISOString()` (the call path compares strings); must lie ahead.
 * Undefined stays undefined (not given), null means "until removed".
 */
function expiry(value: string | null | undefined, now: Date): string | null | undefined {
  if (value == null) return value;
  const at = utcIso(value, '/expiresAt', 'body');
  if (Date.parse(at) <= now.getTime()) throw invalid([{ field: '/expiresAt', message: '到期时间必须晚于当前时间' }]);
  return at;
}

export const blacklistResource: FastifyPluginAsyncTypebox<ResourceDeps> = (app, { db }) => {
  app.get(
    '/blacklist',
    { config: { roles: STAFF }, schema: { tags: TAGS, summary: '黑名单', response: { 200: Type.Array(Entry), ...errorReplies(401, 403) } } },
    async () => (await listBlacklist(db)).map((row) => view(row, clockOf(db).now())),
  );

  app.get(
    '/blacklist/:id',
    { config: { roles: STAFF }, schema: { tags: TAGS, summary: '查看黑名单记录', params: IdParams, response: { 200: Entry, ...errorReplies(400, 401, 403, 404) } } },
    async (request) => {
      const row = await findBlacklistEntry(db, request.params.id);
      if (!row) throw notFound(`黑名单记录不存在: ${request.params.id}`);
      return view(row, clockOf(db).now());
    },
  );

  app.post(
    '/blacklist',
    { config: { roles: STAFF }, schema: { tags: TAGS, summary: '加入黑名单', body: EntryBody, response: { 201: Entry, ...errorReplies(400, 401, 403, 409) } } },
    async (request, reply) => {
      const actor = sessionOf(request).login;
      const input = { ...request.body, number: keptNumber(request.body.number), expiresAt: expiry(request.body.expiresAt, clockOf(db).now()) ?? null, createdBy: actor };
      const entry = await audited(db, actor, 'blacklist', 'create', async (tx) => {
        const { entry: row, replaced } = await createBlacklistEntry(tx, input);
        const created = view(row, clockOf(db).now());
        return { id: created.id, ...(replaced ? { before: view(replaced, clockOf(db).now()) } : {}), after: created, result: created };
      });
      reply.code(201);
      return entry;
    },
  );

  app.patch(
    '/blacklist/:id',
    { config: { roles: STAFF }, schema: { tags: TAGS, summary: '修改黑名单记录', params: IdParams, body: EntryPatch, response: { 200: Entry, ...errorReplies(400, 401, 403, 404, 409) } } },
    async (request) => {
      const row = await findBlacklistEntry(db, request.params.id);
      if (!row) throw notFound(`黑名单记录不存在: ${request.params.id}`);
      const { expiresAt, number, ...rest } = request.body;
      const change = {
        ...rest,
        ...(number === undefined ? {} : { number: keptNumber(number) }),
        ...(expiresAt === undefined ? {} : { expiresAt: expiry(expiresAt, clockOf(db).now()) ?? null }),
      };
      return audited(db, sessionOf(request).login, 'blacklist', 'update', async (tx) => {
        const after = view(await updateBlacklistEntry(tx, row.id, change), clockOf(db).now());
        return { id: row.id, before: view(row, clockOf(db).now()), after, result: after };
      });
    },
  );

  app.delete(
    '/blacklist/:id',
    { config: { roles: STAFF }, schema: { tags: TAGS, summary: '移出黑名单', params: IdParams, response: { 204: Type.Null(), ...errorReplies(400, 401, 403, 404) } } },
    async (request, reply) => {
      const row = await findBlacklistEntry(db, request.params.id);
      if (!row) throw notFound(`黑名单记录不存在: ${request.params.id}`);
      await audited(db, sessionOf(request).login, 'blacklist', 'delete', async (tx) => {
        await deleteBlacklistEntry(tx, row.id);
        return { id: row.id, before: view(row, clockOf(db).now()), result: null };
      });
      reply.code(204);
      return null;
    },
  );
  return Promise.resolve();
};
