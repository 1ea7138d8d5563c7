/**
 * The ticket's reference lists, admin-edited: the 诉求分类 tree (add, rename, move, reorder, enable or
 * disable — never delete, tickets refer to nodes), the 承办单位 list, and the centre's city (whose 区/县
 * and 乡镇/街道 the ticket form offers). Everyone reads them (the form needs them); admins change them,
 * every change audited.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import {
  CENTRE_CITY_SETTING,
  centreCityCode,
  cityDivisions,
  createHandlingUnit,
  createTicketMatter,
  findHandlingUnit,
  findTicketMatter,
  listHandlingUnits,
  listTicketMatters,
  putSetting,
  StoreError,
  updateHandlingUnit,
  updateTicketMatter,
} from '../../store/index.js';
import { FreeText, Pattern } from '../http/free-text.js';
import { ApiError, errorReplies, notFound } from '../http/error-replies.js';
import { ADMIN, EVERYONE, sessionOf } from '../auth/session-guard.js';
import { audited } from './audit-trail.js';
import type { ResourceDeps } from './deps.js';
import { Id, IdParams, Nullable } from './schemas.js';

const Matter = Type.Object({
  id: Type.Integer(),
  parentId: Nullable(Type.Integer()),
  name: Type.String(),
  sortOrder: Type.Integer(),
  enabled: Type.Boolean(),
});
const MatterName = FreeText({ minLength: 1, maxLength: 40, description: '分类名称' });
const MatterBody = Type.Object(
  {
    parentId: Nullable(Id),
    name: MatterName,
    sortOrder: Type.Optional(Type.Integer({ minimum: 0, maximum: 9999, description: '同级排序（小在前）' })),
  },
  { additionalProperties: false },
);
const MatterPatch = Type.Object(
  {
    parentId: Type.Optional(Nullable(Id)),
    name: Type.Optional(MatterName),
    sortOrder: Type.Optional(Type.Integer({ minimum: 0, maximum: 9999 })),
    enabled: Type.Optional(Type.Boolean({ description: '停用后新工单不可选，已有工单保留' })),
  },
  { additionalProperties: false, minProperties: 1 },
);
const Unit = Type.Object({ id: Type.Integer(), name: Type.String(), enabled: Type.Boolean() });
const UnitName = FreeText({ minLength: 1, maxLength: 64, description: '承办单位名称' });
const UnitBody = Type.Object({ name: UnitName }, { additionalProperties: false });
const UnitPatch = Type.Object(
  { name: Type.Optional(UnitName), enabled: Type.Optional(Type.Boolean()) },
  { additionalProperties: false, minProperties: 1 },
);
const City = Type.Object({ code: Nullable(Type.String()), name: Nullable(Type.String()), districts: Type.Integer() });
const CityBody = Type.Object(
  { code: Pattern('^([0-9]{2}|[0-9]{4})$', '城市代码 4 位，直辖市用省级代码 2 位', { description: '行政区划代码，如 4115 信阳市、50 重庆市' }) },
  { additionalProperties: false },
);

const TAGS = ['工单分类与承办单位 ticket reference lists'];

/** Store refusals of a tree edit (too deep, a cycle, a duplicate name) as HTTP answers. */
async function storeRefusal<T>(change: () => Promise<T>): Promise<T> {
  try {
    return await change();
  } catch (error) {
    if (error instanceof StoreError) throw new ApiError(error.kind === 'not-found' ? 404 : error.kind === 'conflict' ? 409 : 400, error.message);
    throw error;
  }
}

export const mattersResource: FastifyPluginAsyncTypebox<ResourceDeps> = (app, { db }) => {
  app.get(
    '/ticket-matters',
    { config: { roles: EVERYONE }, schema: { tags: TAGS, summary: '诉求分类树（全部节点，含停用）', response: { 200: Type.Array(Matter), ...errorReplies(401, 403) } } },
    async () => listTicketMatters(db),
  );

  app.post(
    '/ticket-matters',
    { config: { roles: ADMIN }, schema: { tags: TAGS, summary: '新增分类', body: MatterBody, response: { 201: Matter, ...errorReplies(400, 401, 403, 404, 409) } } },
    async (request, reply) => {
      const created = await storeRefusal(() =>
        audited(db, sessionOf(request).login, 'ticket-matter', 'create', async (tx) => {
          const row = await createTicketMatter(tx, request.body);
          return { id: row.id, after: row, result: row };
        }),
      );
      reply.code(201);
      return created;
    },
  );

  app.patch(
    '/ticket-matters/:id',
    {
      config: { roles: ADMIN },
      schema: { tags: TAGS, summary: '修改分类（改名、移动、排序、停用/启用）', params: IdParams, body: MatterPatch, response: { 200: Matter, ...errorReplies(400, 401, 403, 404, 409) } },
    },
    async (request) =>
      // The audit's "before" is read in the change's own transaction: what the change replaced.
      storeRefusal(() =>
        audited(db, sessionOf(request).login, 'ticket-matter', 'update', async (tx) => {
          const before = await findTicketMatter(tx, request.params.id);
          if (!before) throw notFound(`诉求分类不存在: ${request.params.id}`);
          const after = await updateTicketMatter(tx, before.id, request.body);
          return { id: before.id, before, after, result: after };
        }),
      ),
  );

  app.get(
    '/handling-units',
    { config: { roles: EVERYONE }, schema: { tags: TAGS, summary: '承办单位列表（含停用）', response: { 200: Type.Array(Unit), ...errorReplies(401, 403) } } },
    async () => listHandlingUnits(db),
  );

  app.post(
    '/handling-units',
    { config: { roles: ADMIN }, schema: { tags: TAGS, summary: '新增承办单位', body: UnitBody, response: { 201: Unit, ...errorReplies(400, 401, 403, 409) } } },
    async (request, reply) => {
      const created = await storeRefusal(() =>
        audited(db, sessionOf(request).login, 'handling-unit', 'create', async (tx) => {
          const row = await createHandlingUnit(tx, request.body);
          return { id: row.id, after: row, result: row };
        }),
      );
      reply.code(201);
      return created;
    },
  );

  app.patch(
    '/handling-units/:id',
    { config: { roles: ADMIN }, schema: { tags: TAGS, summary: '修改承办单位（改名、停用/启用）', params: IdParams, body: UnitPatch, response: { 200: Unit, ...errorReplies(400, 401, 403, 404, 409) } } },
    async (request) =>
      // The audit's "before" is read in the change's own transaction: what the change replaced.
      storeRefusal(() =>
        audited(db, sessionOf(request).login, 'handling-unit', 'update', async (tx) => {
          const before = await findHandlingUnit(tx, request.params.id);
          if (!before) throw notFound(`承办单位不存在: ${request.params.id}`);
          const after = await updateHandlingUnit(tx, before.id, request.body);
          return { id: before.id, before, after, result: after };
        }),
      ),
  );

  app.get(
    '/centre-city',
    { config: { roles: EVERYONE }, schema: { tags: TAGS, summary: '本中心所在城市（事发地址的区/县由此而来）', response: { 200: City, ...errorReplies(401, 403) } } },
    async () => {
      const code = await centreCityCode(db);
      const city = code ? cityDivisions(code) : null;
      return { code, name: city?.name ?? null, districts: city?.districts.length ?? 0 };
    },
  );

  app.put(
    '/centre-city',
    { config: { roles: ADMIN }, schema: { tags: TAGS, summary: '设定本中心所在城市', body: CityBody, response: { 200: City, ...errorReplies(400, 401, 403) } } },
    async (request) => {
      const city = cityDivisions(request.body.code);
      if (!city) throw new ApiError(400, `行政区划代码不存在: ${request.body.code}`);
      const before = { code: await centreCityCode(db) };
      await audited(db, sessionOf(request).login, 'setting', 'update', async (tx) => {
        await putSetting(tx, CENTRE_CITY_SETTING, { code: city.code });
        return { id: CENTRE_CITY_SETTING, before, after: { code: city.code }, result: null };
      });
      return { code: city.code, name: city.name, districts: city.districts.length };
    },
  );
  return Promise.resolve();
};
