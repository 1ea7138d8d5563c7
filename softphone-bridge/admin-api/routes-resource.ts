/**
 * Merged-hotline routes (热线归并): which dialled number is served how. Read fresh for every call, so a
 * change applies to the next call; calls in progress keep the route they started with.
 * Agents see only the sub-centre routes (their one-click transfer targets).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type, { type Static } from 'typebox';
import {
  ROUTE_MODES,
  createRoute,
  deleteRoute,
  findMenu,
  findRoute,
  findSkill,
  listRoutes,
  updateRoute,
  type Db,
  type RouteRow,
} from '../../store/index.js';
import { audited } from './audit-trail.js';
import type { ResourceDeps } from './deps.js';
import { ApiError, conflict, errorReplies, invalid, notFound, type ErrorDetail } from '../http/error-replies.js';
import { ADMIN, EVERYONE, sessionOf } from '../auth/session-guard.js';
import { DialString, Id, IdParams, Name, Nullable, PhoneNumber, PromptId } from './schemas.js';
import { isCatalogued, notCatalogued } from './prompt-catalogue.js';

const TRANSFER_MODES = ['blind', 'three-way'] as const;

const Route = Type.Object({
  id: Type.Integer(),
  number: Type.String(),
  name: Type.String(),
  mode: Type.Enum([...ROUTE_MODES]),
  prompt: Nullable(Type.String()),
  skillId: Nullable(Type.Integer()),
  menuId: Nullable(Type.Integer()),
  subcentreDial: Nullable(Type.String()),
  transferMode: Nullable(Type.Enum([...TRANSFER_MODES])),
  priority: Type.Integer(),
  enabled: Type.Boolean(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

const RouteBody = Type.Object(
  {
    number: PhoneNumber,
    name: Name,
    mode: Type.Enum([...ROUTE_MODES], { description: 'main 12345 / whole 整体并入 / parallel 双号并行 / subcentre 分中心' }),
    prompt: Type.Optional(Nullable(PromptId)),
    skillId: Type.Optional(Nullable(Id)),
    menuId: Type.Optional(Nullable(Id)),
    subcentreDial: Type.Optional(Nullable(DialString)),
    transferMode: Type.Optional(Nullable(Type.Enum([...TRANSFER_MODES]))),
    priority: Type.Optional(Type.Integer({ minimum: 0, maximum: 99, description: '排队优先级，越大越先' })),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
const RoutePatch = Type.Partial(RouteBody, { additionalProperties: false, minProperties: 1 });
type RouteBody = Static<typeof RouteBody>;

const RouteQuery = Type.Object({ mode: Type.Optional(Type.Enum([...ROUTE_MODES])) }, { additionalProperties: false });

const TAGS = ['热线路由 routes'];

/** What a route must hold for its mode, and what it refers to must exist. */
async function checkRoute(db: Db, route: RouteBody, selfId: number | null): Promise<void> {
  const details: ErrorDetail[] = [];
  if (route.skillId != null && !(await findSkill(db, route.skillId))) details.push({ field: '/skillId', message: `技能不存在: ${route.skillId}` });
  if (route.menuId != null && !(await findMenu(db, route.menuId))) details.push({ field: '/menuId', message: `IVR 菜单不存在: ${route.menuId}` });
  if (route.mode === 'parallel' && route.skillId == null) details.push({ field: '/skillId', message: '双号并行模式必须指定本热线的技能' });
  if (route.mode === 'whole' && !route.prompt) details.push({ field: '/prompt', message: '整体并入模式必须指定并入提示音（如 notice-merged-12333）' });
  if (route.prompt && !(await isCatalogued(db, route.prompt))) details.push({ field: '/prompt', message: notCatalogued(route.prompt) });
  if (route.mode === 'subcentre' && !route.subcentreDial) details.push({ field: '/subcentreDial', message: '分中心模式必须填写分中心的拨号串' });
  if (route.mode !== 'subcentre') {
    if (route.subcentreDial) details.push({ field: '/subcentreDial', message: '只有分中心模式才能填写拨号串' });
    if (route.transferMode) details.push({ field: '/transferMode', message: '只有分中心模式才能填写转接方式' });
  }
  if (details.length) throw invalid(details);
  if (route.mode === 'main' && route.enabled !== false) {
    const other = (await listRoutes(db)).find((r) => r.mode === 'main' && r.enabled && r.id !== selfId);
    if (other) throw conflict(`已有启用的 12345 主号码路由 ${other.number}，同时只能启用一个`);
  }
}

const bodyOf = (row: RouteRow): RouteBody => ({
  number: row.number,
  name: row.name,
  mode: row.mode,
  prompt: row.prompt,
  skillId: row.skillId,
  menuId: row.menuId,
  subcentreDial: row.subcentreDial,
  transferMode: row.transferMode,
  priority: row.priority,
  enabled: row.enabled,
});

export const routesResource: FastifyPluginAsyncTypebox<ResourceDeps> = (app, { db }) => {
  app.get(
    '/routes',
    {
      config: { roles: EVERYONE },
      schema: { tags: TAGS, summary: '热线路由列表（坐席只看到分中心路由）', querystring: RouteQuery, response: { 200: Type.Array(Route), ...errorReplies(400, 401, 403) } },
    },
    async (request) => {
      const mode = sessionOf(request).role === 'agent' ? 'subcentre' : request.query.mode;
      return (await listRoutes(db)).filter((r) => mode === undefined || r.mode === mode);
    },
  );

  app.get(
    '/routes/:id',
    { config: { roles: EVERYONE }, schema: { tags: TAGS, summary: '查看热线路由', params: IdParams, response: { 200: Route, ...errorReplies(400, 401, 403, 404) } } },
    async (request) => {
      const route = await findRoute(db, request.params.id);
      if (!route) throw notFound(`路由不存在: ${request.params.id}`);
      if (sessionOf(request).role === 'agent' && route.mode !== 'subcentre') throw new ApiError(403, '坐席只能查看分中心路由');
      return route;
    },
  );

  app.post(
    '/routes',
    { config: { roles: ADMIN }, schema: { tags: TAGS, summary: '新增热线路由', body: RouteBody, response: { 201: Route, ...errorReplies(400, 401, 403, 409) } } },
    async (request, reply) => {
      await checkRoute(db, request.body, null);
      const row = await audited(db, sessionOf(request).login, 'route', 'create', async (tx) => {
        const created = await createRoute(tx, request.body);
        return { id: created.id, after: created, result: created };
      });
      reply.code(201);
      return row;
    },
  );

  app.patch(
    '/routes/:id',
    {
      config: { roles: ADMIN },
      schema: { tags: TAGS, summary: '修改热线路由（只需填写要改的字段）', params: IdParams, body: RoutePatch, response: { 200: Route, ...errorReplies(400, 401, 403, 404, 409) } },
    },
    async (request) => {
      const before = await findRoute(db, request.params.id);
      if (!before) throw notFound(`路由不存在: ${request.params.id}`);
      await checkRoute(db, { ...bodyOf(before), ...request.body }, before.id);
      return audited(db, sessionOf(request).login, 'route', 'update', async (tx) => {
        const after = await updateRoute(tx, before.id, request.body);
        return { id: before.id, before, after, result: after };
      });
    },
  );

  app.delete(
    '/routes/:id',
    { config: { roles: ADMIN }, schema: { tags: TAGS, summary: '删除热线路由（历史工单保留热线名称）', params: IdParams, response: { 204: Type.Null(), ...errorReplies(400, 401, 403, 404) } } },
    async (request, reply) => {
      const before = await findRoute(db, request.params.id);
      if (!before) throw notFound(`路由不存在: ${request.params.id}`);
      await audited(db, sessionOf(request).login, 'route', 'delete', async (tx) => {
        await deleteRoute(tx, before.id);
        return { id: before.id, before, result: null };
      });
      reply.code(204);
      return null;
    },
  );
  return Promise.resolve();
};
