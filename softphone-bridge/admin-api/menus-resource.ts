/**
 * IVR menus: stored as validated data. A menu is checked together with all the other stored menus
 * (`validateMenus`): every key maps to an action, sub-menus exist, the failure action leaves the IVR;
 * and the skills its queues name must exist. Problems come back on 400 with the menu and the path.
 * A menu a route runs, or another menu opens, cannot be deleted.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { IvrMenu, isTransferTarget, type IvrAction } from '../../ivr/menu-schema.js';
import { validateMenus } from '../../ivr/validate-menus.js';
import {
  createMenu,
  deleteMenu,
  findMenu,
  findSkillByCode,
  listMenus,
  listRoutesUsing,
  updateMenu,
  type Db,
  type MenuRow,
} from '../../store/index.js';
import { FreeText } from '../http/free-text.js';
import { audited } from './audit-trail.js';
import type { ResourceDeps } from './deps.js';
import { ApiError, conflict, errorReplies, notFound, type ErrorDetail } from '../http/error-replies.js';
import { menusOpening } from './menu-references.js';
import { isCatalogued, notCatalogued, promptsOfMenu } from './prompt-catalogue.js';
import { ADMIN, STAFF, sessionOf } from '../auth/session-guard.js';
import { IdParams } from './schemas.js';

const Menu = Type.Object({
  id: Type.Integer(),
  code: Type.String(),
  name: Type.String(),
  definition: Type.Unknown({ description: 'IVR 菜单定义（与请求体相同的结构）' }),
  updatedAt: Type.String(),
  /** Numbers of the routes that run this menu. */
  usedByRoutes: Type.Array(Type.String()),
});

/** A menu as an admin sends it: the IVR's schema, with the name checked as text people read. */
const MenuBody = Type.Object({ ...IvrMenu.properties, name: FreeText({ minLength: 1, maxLength: 64, description: '菜单名称' }) }, { additionalProperties: false });

const TAGS = ['IVR 菜单 menus'];

const view = async (db: Db, row: MenuRow) => ({ ...row, usedByRoutes: (await listRoutesUsing(db, { menuId: row.id })).map((r) => r.number) });

/** The menu set as it would be after saving `menu` (replacing the stored one with id `replacing`). */
async function checkMenuSet(db: Db, menu: IvrMenu, replacing: number | null): Promise<void> {
  const others = (await listMenus(db)).filter((row) => row.id !== replacing);
  const clash = others.find((row) => row.code === menu.code);
  if (clash) throw conflict(`菜单编码已存在: ${menu.code}`);
  const checked = validateMenus([...others.map((row) => row.definition), menu]);
  const details: ErrorDetail[] = checked.ok ? [] : checked.problems.map((p) => ({ field: p.path, menu: p.menu, message: p.message }));
  const actions: [string, IvrAction][] = [...Object.entries(menu.options).map(([key, a]): [string, IvrAction] => [`/options/${key}`, a]), ['/onFailure', menu.onFailure]];
  for (const [field, action] of actions) {
    if (action.type === 'queue' && !(await findSkillByCode(db, action.skill))) details.push({ field: `${field}/skill`, menu: menu.code, message: `技能不存在: ${action.skill}` });
    if (action.type === 'transfer' && !isTransferTarget(action.target)) {
      details.push({ field: `${field}/target`, menu: menu.code, message: '转接目标应为外部号码（仅数字，3–20 位）或拨号串（如 PJSIP/12366@trunk）' });
    }
  }
  for (const [field, id] of promptsOfMenu(menu)) {
    if (!(await isCatalogued(db, id))) details.push({ field, menu: menu.code, message: notCatalogued(id) });
  }
  if (details.length) throw new ApiError(400, 'IVR 菜单校验未通过', details);
}

export const menusResource: FastifyPluginAsyncTypebox<ResourceDeps> = (app, { db }) => {
  app.get(
    '/menus',
    { config: { roles: STAFF }, schema: { tags: TAGS, summary: 'IVR 菜单列表', response: { 200: Type.Array(Menu), ...errorReplies(401, 403) } } },
    async () => Promise.all((await listMenus(db)).map((row) => view(db, row))),
  );

  app.get(
    '/menus/:id',
    { config: { roles: STAFF }, schema: { tags: TAGS, summary: '查看 IVR 菜单', params: IdParams, response: { 200: Menu, ...errorReplies(400, 401, 403, 404) } } },
    async (request) => {
      const row = await findMenu(db, request.params.id);
      if (!row) throw notFound(`菜单不存在: ${request.params.id}`);
      return await view(db, row);
    },
  );

  app.post(
    '/menus',
    {
      config: { roles: ADMIN },
      schema: { tags: TAGS, summary: '新增 IVR 菜单（与已有菜单一起校验）', body: MenuBody, response: { 201: Menu, ...errorReplies(400, 401, 403, 409) } },
    },
    async (request, reply) => {
      const menu = request.body;
      await checkMenuSet(db, menu, null);
      const row = await audited(db, sessionOf(request).login, 'menu', 'create', async (tx) => {
        const created = await createMenu(tx, { code: menu.code, name: menu.name, definition: menu });
        return { id: created.id, after: created, result: created };
      });
      reply.code(201);
      return await view(db, row);
    },
  );

  app.put(
    '/menus/:id',
    {
      config: { roles: ADMIN },
      schema: { tags: TAGS, summary: '替换 IVR 菜单定义（与其他菜单一起校验）', params: IdParams, body: MenuBody, response: { 200: Menu, ...errorReplies(400, 401, 403, 404, 409) } },
    },
    async (request) => {
      const before = await findMenu(db, request.params.id);
      if (!before) throw notFound(`菜单不存在: ${request.params.id}`);
      const menu = request.body;
      await checkMenuSet(db, menu, before.id);
      const row = await audited(db, sessionOf(request).login, 'menu', 'update', async (tx) => {
        const after = await updateMenu(tx, before.id, { code: menu.code, name: menu.name, definition: menu });
        return { id: before.id, before, after, result: after };
      });
      return await view(db, row);
    },
  );

  app.delete(
    '/menus/:id',
    { config: { roles: ADMIN }, schema: { tags: TAGS, summary: '删除 IVR 菜单（仍被使用时拒绝）', params: IdParams, response: { 204: Type.Null(), ...errorReplies(400, 401, 403, 404, 409) } } },
    async (request, reply) => {
      const before = await findMenu(db, request.params.id);
      if (!before) throw notFound(`菜单不存在: ${request.params.id}`);
      const routes = await listRoutesUsing(db, { menuId: before.id });
      if (routes.length) throw conflict(`菜单 ${before.code} 仍被热线路由使用（${routes.map((r) => r.number).join('、')}），不能删除`);
      const parents = await menusOpening(db, before.code, before.id);
      if (parents.length) throw conflict(`菜单 ${before.code} 仍是其他菜单的子菜单（${parents.join('、')}），不能删除`);
      await audited(db, sessionOf(request).login, 'menu', 'delete', async (tx) => {
        await deleteMenu(tx, before.id);
        return { id: before.id, before, result: null };
      });
      reply.code(204);
      return null;
    },
  );
  return Promise.resolve();
};
