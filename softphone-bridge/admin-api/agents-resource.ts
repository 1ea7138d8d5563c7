/**
 * Agents and the other accounts (班长、管理员): login, name, role, phone, skills with levels 1–10,
 * enabled, and password reset. Password hashes never leave the server, not even in the audit log.
 * Every change re-reads the live agent registry, so the next call sees it; an agent ringing or on a
 * call cannot be removed, disabled, re-roled or given another login (each logs their desktop out),
 * the agent of an expert seat can be neither removed nor given another role, and the last enabled
 * admin cannot be removed, demoted or disabled. A password reset also lifts the account's login
 * lockout (auth/login-throttle.ts), in the same audited change.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type, { type Static } from 'typebox';
import {
  AGENT_ROLES,
  clearLoginFailures,
  countEnabledAdmins,
  createAgent,
  deleteAgent,
  findAgentWithSkills,
  findSkill,
  listAgents,
  listExpertSeatsOfAgent,
  setAgentPassword,
  updateAgent,
  type AgentWithSkills,
  type Db,
  type SessionRevokeReason,
} from '../../store/index.js';
import { hashPassword } from '../auth/passwords.js';
import { audited } from './audit-trail.js';
import type { LiveAgents, ResourceDeps } from './deps.js';
import { conflict, errorReplies, invalid, notFound, type ErrorDetail } from '../http/error-replies.js';
import { ADMIN, EVERYONE, sessionOf } from '../auth/session-guard.js';
import { FreeText, Pattern } from '../http/free-text.js';
import { Endpoint, endpointForm, Id, IdParams, Name, Nullable } from './schemas.js';

const AgentSkill = Type.Object({ skillId: Type.Integer(), code: Type.String(), level: Type.Integer() });
/** An account as the API shows it: never a password hash. */
const Agent = Type.Object({
  id: Type.Integer(),
  login: Type.String(),
  name: Type.String(),
  role: Type.Enum([...AGENT_ROLES]),
  endpoint: Nullable(Type.String()),
  enabled: Type.Boolean(),
  /** A knowledge editor's department. */
  department: Nullable(Type.String()),
  createdAt: Type.String(),
  skills: Type.Array(AgentSkill),
});

const SkillLevel = Type.Object(
  { skillId: Id, level: Type.Integer({ minimum: 1, maximum: 10, description: '1 初级 … 10 专家' }) },
  { additionalProperties: false },
);
const Password = Type.String({ minLength: 8, maxLength: 128, description: '至少 8 位' });
const Login = Pattern('^[A-Za-z0-9_.-]{1,32}$', '字母、数字、_ . -，1–32 位', { description: '工号/登录名' });

const AgentFields = {
  login: Login,
  name: Name,
  role: Type.Optional(Type.Enum([...AGENT_ROLES], { description: 'agent 话务员 / supervisor 班长 / admin 管理员 / editor 部门知识编辑；默认 agent' })),
  department: Type.Optional(Nullable(FreeText({ minLength: 1, maxLength: 64, description: '所属部门（部门知识编辑只能编写本部门的知识条目）' }))),
  endpoint: Type.Optional(Nullable(Endpoint)),
  enabled: Type.Optional(Type.Boolean()),
  skills: Type.Optional(Type.Array(SkillLevel, { maxItems: 50 })),
};
const AgentBody = Type.Object({ ...AgentFields, password: Type.Optional(Password) }, { additionalProperties: false });
const AgentPatch = Type.Partial(Type.Object(AgentFields), { additionalProperties: false, minProperties: 1 });
const PasswordBody = Type.Object({ password: Password }, { additionalProperties: false });

const TAGS = ['坐席 agents'];

/** The account without anything secret (the audit log gets the same). */
const view = (agent: AgentWithSkills): Static<typeof Agent> => ({
  id: agent.id,
  login: agent.login,
  name: agent.name,
  role: agent.role,
  endpoint: agent.endpoint,
  enabled: agent.enabled,
  department: agent.department,
  createdAt: agent.createdAt,
  skills: agent.skills,
});

async function checkSkills(db: Db, skills: { skillId: number }[] | undefined): Promise<void> {
  if (!skills) return;
  const details: ErrorDetail[] = [];
  const seen = new Set<number>();
  for (const [i, s] of skills.entries()) {
    if (seen.has(s.skillId)) details.push({ field: `/skills/${i}/skillId`, message: `技能重复: ${s.skillId}` });
    else if (!(await findSkill(db, s.skillId))) details.push({ field: `/skills/${i}/skillId`, message: `技能不存在: ${s.skillId}` });
    seen.add(s.skillId);
  }
  if (details.length) throw invalid(details);
}

async function requireAgent(db: Db, id: number): Promise<AgentWithSkills> {
  const agent = await findAgentWithSkills(db, id);
  if (!agent) throw notFound(`坐席不存在: ${id}`);
  return agent;
}

function assertNotOnCall(agents: LiveAgents, agent: AgentWithSkills, what: string): void {
  const state = agents.get(agent.id)?.state;
  if (state === 'ringing' || state === 'on_call') throw conflict(`坐席 ${agent.login} 正在通话中，不能${what}`);
}

/** An expert seat must sit on a 话务坐席: its agent can be neither removed nor given another role. */
async function assertNoExpertSeat(db: Db, agent: AgentWithSkills, what: string): Promise<void> {
  const seats = await listExpertSeatsOfAgent(db, agent.id);
  if (seats.length) throw conflict(`坐席 ${agent.login} 仍是专家座席（${seats.map((s) => s.name).join('、')}），不能${what}，请先修改或删除专家座席`);
}

/** Why an account's sessions must end after a change, or null when they may go on. */
function sessionEndAfter(before: AgentWithSkills, after: AgentWithSkills): SessionRevokeReason | null {
  if (!after.enabled && before.enabled) return 'disabled';
  if (after.role !== before.role) return 'role-changed';
  if (after.login !== before.login) return 'login-changed';
  return null;
}

export const agentsResource: FastifyPluginAsyncTypebox<ResourceDeps> = (app, { db, agents, sessions }) => {
  app.get(
    '/agents',
    { config: { roles: EVERYONE }, schema: { tags: TAGS, summary: '坐席与账号列表（不含密码）', response: { 200: Type.Array(Agent), ...errorReplies(401, 403) } } },
    async () => (await listAgents(db)).map(view),
  );

  app.get(
    '/agents/:id',
    { config: { roles: EVERYONE }, schema: { tags: TAGS, summary: '查看坐席', params: IdParams, response: { 200: Agent, ...errorReplies(400, 401, 403, 404) } } },
    async (request) => view(await requireAgent(db, request.params.id)),
  );

  app.post(
    '/agents',
    { config: { roles: ADMIN }, schema: { tags: TAGS, summary: '新增坐席或账号', body: AgentBody, response: { 201: Agent, ...errorReplies(400, 401, 403, 409) } } },
    async (request, reply) => {
      const { password, endpoint, ...rest } = request.body;
      const fields = { ...rest, ...(endpoint === undefined ? {} : { endpoint: endpoint === null ? null : endpointForm(endpoint) }) };
      await checkSkills(db, fields.skills);
      const passwordHash = password === undefined ? null : await hashPassword(password);
      const agent = await audited(db, sessionOf(request).login, 'agent', 'create', async (tx) => {
        const created = await requireAgent(tx, (await createAgent(tx, { ...fields, passwordHash })).id);
        return { id: created.id, after: { ...view(created), passwordSet: passwordHash !== null }, result: created };
      });
      await agents.reload();
      return reply.code(201).send(view(agent));
    },
  );

  app.patch(
    '/agents/:id',
    {
      config: { roles: ADMIN },
      schema: { tags: TAGS, summary: '修改坐席（技能整体替换）', params: IdParams, body: AgentPatch, response: { 200: Agent, ...errorReplies(400, 401, 403, 404, 409) } },
    },
    async (request) => {
      const before = await requireAgent(db, request.params.id);
      const patch = request.body.endpoint ? { ...request.body, endpoint: endpointForm(request.body.endpoint) } : request.body;
      await checkSkills(db, patch.skills);
      const staysAdmin = (patch.role ?? before.role) === 'admin' && (patch.enabled ?? before.enabled);
      if (before.role === 'admin' && before.enabled && !staysAdmin && (await countEnabledAdmins(db, before.id)) === 0) {
        throw conflict('至少需要保留一个启用的管理员账号');
      }
      // Each of these ends the agent's sessions (sessionEndAfter): not while a citizen is on the line.
      if ((patch.enabled === false && before.enabled) || (patch.role !== undefined && patch.role !== before.role)) {
        assertNotOnCall(agents, before, '停用或更改角色');
      }
      if (patch.login !== undefined && patch.login !== before.login) assertNotOnCall(agents, before, '更改登录名');
      if (before.role === 'agent' && patch.role !== undefined && patch.role !== 'agent') await assertNoExpertSeat(db, before, '更改角色');
      const agent = await audited(db, sessionOf(request).login, 'agent', 'update', async (tx) => {
        await updateAgent(tx, before.id, patch);
        const after = await requireAgent(tx, before.id);
        return { id: before.id, before: view(before), after: view(after), result: after };
      });
      const end = sessionEndAfter(before, agent);
      if (end) await sessions.revokeAccount(agent.id, end);
      await agents.reload();
      return view(agent);
    },
  );

  app.delete(
    '/agents/:id',
    { config: { roles: ADMIN }, schema: { tags: TAGS, summary: '删除坐席', params: IdParams, response: { 204: Type.Null(), ...errorReplies(400, 401, 403, 404, 409) } } },
    async (request, reply) => {
      const before = await requireAgent(db, request.params.id);
      const me = sessionOf(request);
      if (before.id === me.agentId) throw conflict('不能删除当前登录的账号');
      if (before.role === 'admin' && before.enabled && (await countEnabledAdmins(db, before.id)) === 0) throw conflict('至少需要保留一个启用的管理员账号');
      assertNotOnCall(agents, before, '删除');
      await assertNoExpertSeat(db, before, '删除');
      await audited(db, me.login, 'agent', 'delete', async (tx) => {
        await deleteAgent(tx, before.id);
        return { id: before.id, before: view(before), result: null };
      });
      await sessions.revokeAccount(before.id, 'deleted');
      await agents.reload();
      reply.code(204);
      return null;
    },
  );

  app.post(
    '/agents/:id/password',
    {
      config: { roles: ADMIN },
      schema: { tags: TAGS, summary: '重置密码（argon2 保存，不返回），同时解除该工号的登录锁定', params: IdParams, body: PasswordBody, response: { 204: Type.Null(), ...errorReplies(400, 401, 403, 404) } },
    },
    async (request, reply) => {
      const agent = await requireAgent(db, request.params.id);
      const passwordHash = await hashPassword(request.body.password);
      await audited(db, sessionOf(request).login, 'agent', 'password-reset', async (tx) => {
        await setAgentPassword(tx, agent.id, passwordHash);
        // The usual reason for a reset is a forgotten password, often after the guesses that locked the
        // name: the new password must let its owner in at once, not after the lock (up to an hour).
        const loginFailuresCleared = await clearLoginFailures(tx, agent.login);
        return { id: agent.id, after: { login: agent.login, passwordSet: true, loginFailuresCleared }, result: null };
      });
      // Whoever knew the old password is logged out with it (an admin resetting their own keeps this session).
      await sessions.revokeAccount(agent.id, 'password-reset', sessionOf(request).sessionId);
      return reply.code(204).send(null);
    },
  );
  return Promise.resolve();
};
