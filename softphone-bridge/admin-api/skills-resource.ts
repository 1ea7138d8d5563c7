/**
 * Skills (技能组): what routes, IVR menus, agents and expert seats queue callers to. Deleting one that is
 * still used or that callers wait for now, or renaming the code a menu queues to, is refused with who
 * uses it. Every change re-reads the live agent registry.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { createSkill, deleteSkill, findSkill, listSkills, skillUsage, updateSkill } from '../../store/index.js';
import { audited } from './audit-trail.js';
import type { ResourceDeps } from './deps.js';
import { conflict, errorReplies, notFound } from '../http/error-replies.js';
import { menusQueueingTo } from './menu-references.js';
import { ADMIN, EVERYONE, sessionOf } from '../auth/session-guard.js';
import { Code, IdParams, Name } from './schemas.js';

const Skill = Type.Object({ id: Type.Integer(), code: Type.String(), name: Type.String(), createdAt: Type.String() });
const SkillBody = Type.Object({ code: Code, name: Name }, { additionalProperties: false });
const SkillPatch = Type.Partial(SkillBody, { additionalProperties: false, minProperties: 1 });

const TAGS = ['技能 skills'];

export const skillsResource: FastifyPluginAsyncTypebox<ResourceDeps> = (app, { db, agents, queue }) => {
  app.get(
    '/skills',
    { config: { roles: EVERYONE }, schema: { tags: TAGS, summary: '技能列表', response: { 200: Type.Array(Skill), ...errorReplies(401, 403) } } },
    async () => [...(await listSkills(db))],
  );

  app.get(
    '/skills/:id',
    { config: { roles: EVERYONE }, schema: { tags: TAGS, summary: '查看技能', params: IdParams, response: { 200: Skill, ...errorReplies(400, 401, 403, 404) } } },
    async (request) => {
      const skill = await findSkill(db, request.params.id);
      if (!skill) throw notFound(`技能不存在: ${request.params.id}`);
      return skill;
    },
  );

  app.post(
    '/skills',
    { config: { roles: ADMIN }, schema: { tags: TAGS, summary: '新增技能', body: SkillBody, response: { 201: Skill, ...errorReplies(400, 401, 403, 409) } } },
    async (request, reply) => {
      const skill = await audited(db, sessionOf(request).login, 'skill', 'create', async (tx) => {
        const created = await createSkill(tx, request.body);
        return { id: created.id, after: created, result: created };
      });
      await agents.reload();
      reply.code(201);
      return skill;
    },
  );

  app.patch(
    '/skills/:id',
    { config: { roles: ADMIN }, schema: { tags: TAGS, summary: '修改技能', params: IdParams, body: SkillPatch, response: { 200: Skill, ...errorReplies(400, 401, 403, 404, 409) } } },
    async (request) => {
      const before = await findSkill(db, request.params.id);
      if (!before) throw notFound(`技能不存在: ${request.params.id}`);
      const newCode = request.body.code;
      if (newCode !== undefined && newCode !== before.code) {
        const menus = await menusQueueingTo(db, before.code);
        if (menus.length) throw conflict(`技能编码 ${before.code} 仍被 IVR 菜单引用（${menus.join('、')}），请先修改菜单`);
      }
      const skill = await audited(db, sessionOf(request).login, 'skill', 'update', async (tx) => {
        const after = await updateSkill(tx, before.id, request.body);
        return { id: before.id, before, after, result: after };
      });
      await agents.reload();
      return skill;
    },
  );

  app.delete(
    '/skills/:id',
    { config: { roles: ADMIN }, schema: { tags: TAGS, summary: '删除技能（仍被使用时拒绝）', params: IdParams, response: { 204: Type.Null(), ...errorReplies(400, 401, 403, 404, 409) } } },
    async (request, reply) => {
      const before = await findSkill(db, request.params.id);
      if (!before) throw notFound(`技能不存在: ${request.params.id}`);
      const usage = await skillUsage(db, before.id);
      const menus = await menusQueueingTo(db, before.code);
      const users = [
        usage.routes.length ? `热线路由 ${usage.routes.join('、')}` : '',
        usage.agents.length ? `坐席 ${usage.agents.join('、')}` : '',
        usage.expertSeats.length ? `专家座席 ${usage.expertSeats.join('、')}` : '',
        menus.length ? `IVR 菜单 ${menus.join('、')}` : '',
      ].filter(Boolean);
      if (users.length) throw conflict(`技能 ${before.code} 仍在使用中，不能删除：${users.join('；')}`);
      // Callers already in its line: with the skill gone no agent could ever be given it to take them.
      const waiting = queue.callersFor(before.id);
      if (waiting) throw conflict(`技能 ${before.code} 仍有 ${waiting} 位来电正在排队等候，不能删除，请待这些来电接通后再删除`);
      await audited(db, sessionOf(request).login, 'skill', 'delete', async (tx) => {
        await deleteSkill(tx, before.id);
        return { id: before.id, before, result: null };
      });
      await agents.reload();
      reply.code(204);
      return null;
    },
  );
  return Promise.resolve();
};
