/**
 * Each resource through the real server: create, read, update, delete; 404 for what is not there;
 * 409 with a reason for what is still referred to; an audit row with before/after for every change;
 * password reset that works for login; and no password hash in anything the API returns.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findActiveBlock, getSetting, recordCallArrival, recordMissedCall, updateAgent } from '../../store/index.js';
import { useHarness } from '../support/harness.js';
import { api, client, login, type ApiAnswer, type ErrorBody } from './admin-client.js';

const h = useHarness();
/** Every answer the API gave in this file: none may carry a password hash. */
const answers: ApiAnswer[] = [];
let admin: <T = unknown>(method: string, path: string, body?: unknown) => Promise<ApiAnswer<T>>;
let supervisor: typeof admin;
let agent: typeof admin;

function recording(call: ReturnType<typeof client>): typeof admin {
  return async <T,>(method: string, path: string, body?: unknown) => {
    const answer = await call<T>(method, path, body);
    answers.push(answer);
    return answer;
  };
}

beforeAll(async () => {
  admin = recording(client(h.server.httpUrl, await login(h.server.httpUrl, 'admin')));
  supervisor = recording(client(h.server.httpUrl, await login(h.server.httpUrl, 'super')));
  agent = recording(client(h.server.httpUrl, await login(h.server.httpUrl, '1001')));
});

afterAll(() => {
  const text = JSON.stringify(answers.map((a) => a.body));
  expect(text).not.toMatch(/passwordHash|password_hash|\$argon2/);
});

interface Row {
  id: number;
  [key: string]: unknown;
}
interface AuditRow {
  id: number;
  actor: string;
  action: string;
  entity: string;
  entityId: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

const auditOf = async (entity: string, id: number | string) =>
  (await admin<AuditRow[]>('GET', `/api/v1/audit?entity=${entity}&entityId=${id}`)).body;

const skillId = async (code: string) => (await admin<Row[]>('GET', '/api/v1/skills')).body.find((s) => s.code === code)?.id ?? -1;

describe('merged-hotline routes', () => {
  it('create, read, update, delete, each audited with before and after', async () => {
    const created = await admin<Row>('POST', '/api/v1/routes', { number: '12358', name: '12358 价格举报热线', mode: 'parallel', skillId: await skillId('market-12315'), prompt: 'greeting-12315' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ number: '12358', mode: 'parallel', enabled: true, priority: 0 });
    const id = created.body.id;
    expect((await admin<Row>('GET', `/api/v1/routes/${id}`)).body).toMatchObject({ name: '12358 价格举报热线' });
    const updated = await admin<Row>('PATCH', `/api/v1/routes/${id}`, { enabled: false, priority: 3 });
    expect(updated.body).toMatchObject({ enabled: false, priority: 3, name: '12358 价格举报热线' });
    expect((await admin('DELETE', `/api/v1/routes/${id}`)).status).toBe(204);
    expect((await admin('GET', `/api/v1/routes/${id}`)).status).toBe(404);

    const trail = await auditOf('route', id);
    expect(trail.map((a) => a.action)).toEqual(['delete', 'update', 'create']);
    expect(trail.every((a) => a.actor === 'admin')).toBe(true);
    const [deleted, update, create] = trail;
    expect(create?.before).toBeNull();
    expect(create?.after).toMatchObject({ number: '12358', enabled: true });
    expect(update?.before).toMatchObject({ enabled: true, priority: 0 });
    expect(update?.after).toMatchObject({ enabled: false, priority: 3 });
    expect(deleted?.before).toMatchObject({ number: '12358', enabled: false });
    expect(deleted?.after).toBeNull();
  });

  it('404 for a route that is not there; 409 for a number already routed and for a second main route', async () => {
    expect((await admin<ErrorBody>('PATCH', '/api/v1/routes/4242', { name: 'x' })).status).toBe(404);
    expect((await admin<ErrorBody>('DELETE', '/api/v1/routes/4242')).body).toEqual({ error: '路由不存在: 4242' });
    const dup = await admin<ErrorBody>('POST', '/api/v1/routes', { number: '12345', name: '重复', mode: 'whole', prompt: 'notice-merged-12333' });
    expect(dup.status).toBe(409);
    expect(dup.body.error).toContain('12345');
    const main = await admin<ErrorBody>('POST', '/api/v1/routes', { number: '12300', name: '第二个主号码', mode: 'main' });
    expect(main.status).toBe(409);
    expect(main.body.error).toContain('只能启用一个');
  });

  it('409 naming the number when a route is changed to a number another route answers; the route keeps its own', async () => {
    const r12315 = (await admin<Row[]>('GET', '/api/v1/routes')).body.find((r) => r.number === '12315');
    const taken = await admin<ErrorBody>('PATCH', `/api/v1/routes/${r12315?.id}`, { number: '12333' });
    expect(taken.status).toBe(409);
    expect(taken.body).toEqual({ error: '号码已配置路由: 12333' });
    expect((await admin<Row>('GET', `/api/v1/routes/${r12315?.id}`)).body).toMatchObject({ number: '12315' });
    expect((await auditOf('route', r12315?.id ?? -1)).filter((a) => a.action === 'update')).toEqual([]);
  });

  it('agents read only the sub-centre routes (their transfer targets); supervisors read all', async () => {
    const forAgent = (await agent<Row[]>('GET', '/api/v1/routes')).body;
    expect(forAgent.map((r) => r.mode)).toEqual(['subcentre']);
    expect(forAgent[0]).toMatchObject({ number: '12366' });
    const main = (await supervisor<Row[]>('GET', '/api/v1/routes')).body.find((r) => r.mode === 'main');
    expect((await agent<ErrorBody>('GET', `/api/v1/routes/${main?.id}`)).status).toBe(403);
    expect((await supervisor<Row[]>('GET', '/api/v1/routes')).body.length).toBeGreaterThanOrEqual(4);
  });
});

describe('skills', () => {
  it('a skill a route uses cannot be deleted: 409 naming who uses it', async () => {
    const skill = await admin<Row>('POST', '/api/v1/skills', { code: 'price-12358', name: '价格举报' });
    expect(skill.status).toBe(201);
    const route = await admin<Row>('POST', '/api/v1/routes', { number: '12357', name: '12357 测试', mode: 'parallel', skillId: skill.body.id });
    const refused = await admin<ErrorBody>('DELETE', `/api/v1/skills/${skill.body.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toBe('技能 price-12358 仍在使用中，不能删除：热线路由 12357');
    expect((await admin('GET', `/api/v1/skills/${skill.body.id}`)).status).toBe(200);

    expect((await admin('DELETE', `/api/v1/routes/${route.body.id}`)).status).toBe(204);
    expect((await admin('DELETE', `/api/v1/skills/${skill.body.id}`)).status).toBe(204);
    expect((await admin('GET', `/api/v1/skills/${skill.body.id}`)).status).toBe(404);
    expect((await auditOf('skill', skill.body.id)).map((a) => a.action)).toEqual(['delete', 'create']);
  });

  it('agents, expert seats and menus hold a skill too; a code a menu queues to cannot be renamed', async () => {
    const general = await admin<ErrorBody>('DELETE', `/api/v1/skills/${await skillId('general')}`);
    expect(general.status).toBe(409);
    expect(general.body.error).toContain('坐席 1001');
    expect(general.body.error).toContain('IVR 菜单 main');
    const market = await admin<ErrorBody>('DELETE', `/api/v1/skills/${await skillId('market-12315')}`);
    expect(market.body.error).toContain('专家座席 市场监管局专家座席');
    const rename = await admin<ErrorBody>('PATCH', `/api/v1/skills/${await skillId('enterprise')}`, { code: 'business' });
    expect(rename.status).toBe(409);
    expect(rename.body.error).toContain('main');
    const renamed = await admin<Row>('PATCH', `/api/v1/skills/${await skillId('dialect')}`, { name: '方言（粤语）' });
    expect(renamed.body).toMatchObject({ code: 'dialect', name: '方言（粤语）' });
    expect((await admin<ErrorBody>('POST', '/api/v1/skills', { code: 'general', name: '重复' })).status).toBe(409);
  });
});

describe('IVR menus', () => {
  const menu = (code: string, options: Record<string, unknown>) => ({
    code,
    name: `菜单 ${code}`,
    prompts: ['menu-main'],
    timeoutSeconds: 5,
    retries: 2,
    invalidPrompt: 'invalid-input',
    options,
    onFailure: { type: 'queue', skill: 'general' },
  });

  it('create, replace, and refuse to delete a menu a route runs or another menu opens', async () => {
    const sub = await admin<Row>('POST', '/api/v1/menus', menu('tax', { '1': { type: 'queue', skill: 'enterprise' }, '0': { type: 'queue', skill: 'general' } }));
    expect(sub.status).toBe(201);
    const top = await admin<Row>('POST', '/api/v1/menus', menu('top', { '1': { type: 'menu', menu: 'tax' }, '2': { type: 'progress-query' } }));
    expect(top.status).toBe(201);
    expect((await admin<ErrorBody>('POST', '/api/v1/menus', menu('top', { '1': { type: 'progress-query' } }))).status).toBe(409);

    const opened = await admin<ErrorBody>('DELETE', `/api/v1/menus/${sub.body.id}`);
    expect(opened.status).toBe(409);
    expect(opened.body.error).toContain('top');

    const route = (await admin<Row[]>('GET', '/api/v1/routes')).body.find((r) => r.number === '12333');
    expect((await admin('PATCH', `/api/v1/routes/${route?.id}`, { menuId: top.body.id })).status).toBe(200);
    expect((await admin<Row>('GET', `/api/v1/menus/${top.body.id}`)).body.usedByRoutes).toEqual(['12333']);
    const used = await admin<ErrorBody>('DELETE', `/api/v1/menus/${top.body.id}`);
    expect(used.status).toBe(409);
    expect(used.body.error).toBe('菜单 top 仍被热线路由使用（12333），不能删除');

    // Renaming the sub-menu's code would leave `top` pointing nowhere: the set is checked as a whole.
    const renamed = await admin<ErrorBody>('PUT', `/api/v1/menus/${sub.body.id}`, menu('tax-2', { '1': { type: 'queue', skill: 'enterprise' } }));
    expect(renamed.status).toBe(400);
    expect(renamed.body.details).toEqual([expect.objectContaining({ menu: 'top', field: '/options/1' })]);
    const replaced = await admin<Row>('PUT', `/api/v1/menus/${sub.body.id}`, menu('tax', { '1': { type: 'queue', skill: 'enterprise' } }));
    expect(replaced.status).toBe(200);
    expect(replaced.body.definition).toMatchObject({ options: { '1': { type: 'queue', skill: 'enterprise' } } });

    expect((await admin('PATCH', `/api/v1/routes/${route?.id}`, { menuId: null })).status).toBe(200);
    expect((await admin('DELETE', `/api/v1/menus/${top.body.id}`)).status).toBe(204);
    expect((await admin('DELETE', `/api/v1/menus/${sub.body.id}`)).status).toBe(204);
    expect((await admin('DELETE', `/api/v1/menus/${sub.body.id}`)).status).toBe(404);
    const trail = await auditOf('menu', sub.body.id);
    expect(trail.map((a) => a.action)).toEqual(['delete', 'update', 'create']);
    expect(trail[1]?.before).toMatchObject({ code: 'tax' });
  });
});

describe('agents', () => {
  it('create with skills and a password, log in with it, reset it, and never see a hash', async () => {
    const created = await admin<Row>('POST', '/api/v1/agents', {
      login: '2001',
      name: '赵丽',
      // An agent logs in at a phone: their usual one here (one with none must name it at login).
      endpoint: 'PJSIP/2001',
      password: 'first-secret-1',
      skills: [{ skillId: await skillId('general'), level: 6 }],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ login: '2001', role: 'agent', enabled: true, skills: [{ code: 'general', level: 6 }] });
    expect(created.body).not.toHaveProperty('password');
    const id = created.body.id;
    expect(h.server.calls.agents.get(id)?.login).toBe('2001');
    await login(h.server.httpUrl, '2001', 'first-secret-1');

    expect((await admin('POST', `/api/v1/agents/${id}/password`, { password: 'second-secret-2' })).status).toBe(204);
    expect((await api(h.server.httpUrl, 'POST', '/api/v1/auth/login', { body: { username: '2001', password: 'first-secret-1' } })).status).toBe(401);
    await login(h.server.httpUrl, '2001', 'second-secret-2');
    expect((await admin<ErrorBody>('POST', `/api/v1/agents/${id}/password`, { password: 'short' })).status).toBe(400);
    expect((await admin('POST', '/api/v1/agents/4242/password', { password: 'long-enough-1' })).status).toBe(404);

    const updated = await admin<Row>('PATCH', `/api/v1/agents/${id}`, { name: '赵丽丽', skills: [{ skillId: await skillId('dialect'), level: 9 }] });
    expect(updated.body).toMatchObject({ name: '赵丽丽', skills: [{ code: 'dialect', level: 9 }] });
    expect(h.server.calls.agents.get(id)?.skillCodes.get('dialect')).toBe(9);

    expect((await admin('DELETE', `/api/v1/agents/${id}`)).status).toBe(204);
    expect(h.server.calls.agents.get(id)).toBeUndefined();
    expect((await admin('GET', `/api/v1/agents/${id}`)).status).toBe(404);

    const trail = await auditOf('agent', id);
    expect(trail.map((a) => a.action)).toEqual(['delete', 'update', 'password-reset', 'create']);
    expect(trail[1]?.before).toMatchObject({ name: '赵丽', skills: [{ code: 'general', level: 6 }] });
    expect(trail[1]?.after).toMatchObject({ name: '赵丽丽' });
    expect(trail[2]?.after).toEqual({ login: '2001', passwordSet: true, loginFailuresCleared: false });
    expect(JSON.stringify(trail)).not.toMatch(/argon2|passwordHash|secret/);
  });

  it('takes a phone typed as the extension alone, and stores it as the endpoint the login uses', async () => {
    const created = await admin<Row>('POST', '/api/v1/agents', { login: '2002', name: '孙悦', endpoint: '1006', password: 'first-secret-1', skills: [] });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ endpoint: 'PJSIP/1006' });
    const moved = await admin<Row>('PATCH', `/api/v1/agents/${created.body.id}`, { endpoint: '1007' });
    expect(moved.body).toMatchObject({ endpoint: 'PJSIP/1007' });
    expect((await admin<Row>('PATCH', `/api/v1/agents/${created.body.id}`, { endpoint: 'PJSIP/1008' })).body).toMatchObject({ endpoint: 'PJSIP/1008' });
    // The login takes the same two forms for today's seat.
    const seated = await api<{ endpoint: string }>(h.server.httpUrl, 'POST', '/api/v1/auth/login', { body: { username: '2002', password: 'first-secret-1', endpoint: '1009' } });
    expect(seated.body.endpoint).toBe('PJSIP/1009');
    // A malformed phone is refused in words with an example, never a regular expression.
    const bad = await admin<ErrorBody>('PATCH', `/api/v1/agents/${created.body.id}`, { endpoint: '10 06' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('分机号如 1006');
    expect(JSON.stringify(bad.body)).not.toMatch(/\^|\$|\[A-Z/);
    expect((await admin('DELETE', `/api/v1/agents/${created.body.id}`)).status).toBe(204);
  });

  it('409s: a taken login, an agent who is an expert seat, the last admin, one\'s own account', async () => {
    expect((await admin<ErrorBody>('POST', '/api/v1/agents', { login: '1001', name: '重复' })).status).toBe(409);
    const agents = (await admin<Row[]>('GET', '/api/v1/agents')).body;
    const id = (login: string) => agents.find((a) => a.login === login)?.id;
    const expert = await admin<ErrorBody>('DELETE', `/api/v1/agents/${id('1004')}`);
    expect(expert.status).toBe(409);
    expect(expert.body.error).toContain('市场监管局专家座席');
    expect((await admin<ErrorBody>('PATCH', `/api/v1/agents/${id('admin')}`, { role: 'supervisor' })).body.error).toBe('至少需要保留一个启用的管理员账号');
    expect((await admin<ErrorBody>('PATCH', `/api/v1/agents/${id('admin')}`, { enabled: false })).status).toBe(409);
    expect((await admin<ErrorBody>('DELETE', `/api/v1/agents/${id('admin')}`)).body.error).toBe('不能删除当前登录的账号');
    expect((await admin<ErrorBody>('PATCH', `/api/v1/agents/${id('1002')}`, { endpoint: 'PJSIP/1001' })).status).toBe(409);
  });

  it('the directory agents read has no secrets', async () => {
    const list = await agent<Row[]>('GET', '/api/v1/agents');
    expect(list.status).toBe(200);
    for (const row of list.body) expect(Object.keys(row).sort()).toEqual(['createdAt', 'department', 'enabled', 'endpoint', 'id', 'login', 'name', 'role', 'skills']);
  });
});

describe('expert seats and department contacts', () => {
  it('expert seat: an outside number or an agent, exactly one; on-duty windows; CRUD audited', async () => {
    const seat = await admin<Row>('POST', '/api/v1/expert-seats', {
      name: '住建专家',
      department: '市住房和城乡建设委员会',
      externalNumber: '02361239999',
      skillId: await skillId('enterprise'),
      onDuty: [{ days: [1, 2, 3, 4, 5], from: '09:00', to: '12:00' }, { days: [1, 2, 3, 4, 5], from: '13:30', to: '17:30' }],
    });
    expect(seat.status).toBe(201);
    expect(seat.body).toMatchObject({ agentId: null, enabled: true });
    const agents = (await admin<Row[]>('GET', '/api/v1/agents')).body;
    const supervisorId = agents.find((a) => a.login === 'super')?.id;
    expect((await admin<ErrorBody>('PATCH', `/api/v1/expert-seats/${seat.body.id}`, { agentId: supervisorId, externalNumber: null })).body.details?.[0]?.field).toBe('/agentId');
    const bad = await admin<ErrorBody>('PATCH', `/api/v1/expert-seats/${seat.body.id}`, { onDuty: [{ days: [6], from: '18:00', to: '09:00' }] });
    expect(bad.body.details?.[0]?.field).toBe('/onDuty/0/to');
    const moved = await admin<Row>('PATCH', `/api/v1/expert-seats/${seat.body.id}`, { agentId: agents.find((a) => a.login === '1003')?.id, externalNumber: null, enabled: false });
    expect(moved.body).toMatchObject({ externalNumber: null, enabled: false });
    expect((await agent<Row[]>('GET', '/api/v1/expert-seats')).body.map((s) => s.name)).toContain('住建专家');
    expect((await admin('DELETE', `/api/v1/expert-seats/${seat.body.id}`)).status).toBe(204);
    expect((await admin('GET', `/api/v1/expert-seats/${seat.body.id}`)).status).toBe(404);
    const trail = await auditOf('expert-seat', seat.body.id);
    expect(trail.map((a) => a.action)).toEqual(['delete', 'update', 'create']);
    expect(trail[1]?.before).toMatchObject({ externalNumber: '02361239999' });
  });

  it("the agent of an expert seat keeps the agent role: another role is refused naming the seat, and the seat stays editable", async () => {
    const expert = await admin<Row>('POST', '/api/v1/agents', { login: '2003', name: '周工', skills: [] });
    const seat = await admin<Row>('POST', '/api/v1/expert-seats', { name: '水务专家座席', department: '市水务局', agentId: expert.body.id, skillId: await skillId('enterprise') });
    expect(seat.status).toBe(201);

    const reroled = await admin<ErrorBody>('PATCH', `/api/v1/agents/${expert.body.id}`, { role: 'supervisor' });
    expect(reroled.status).toBe(409);
    expect(reroled.body.error).toBe('坐席 2003 仍是专家座席（水务专家座席），不能更改角色，请先修改或删除专家座席');
    expect((await admin<Row>('GET', `/api/v1/agents/${expert.body.id}`)).body).toMatchObject({ role: 'agent' });
    expect((await admin<Row>('PATCH', `/api/v1/agents/${expert.body.id}`, { name: '周工程师', role: 'agent' })).status).toBe(200);
    expect((await admin<Row>('PATCH', `/api/v1/expert-seats/${seat.body.id}`, { enabled: false })).body).toMatchObject({ enabled: false });

    // A seat whose agent got another role before the rule existed can still be edited and switched
    // off; only choosing that agent again is refused.
    await updateAgent(h.server.store.db, expert.body.id, { role: 'supervisor' });
    expect((await admin<Row>('PATCH', `/api/v1/expert-seats/${seat.body.id}`, { enabled: true, department: '市水务局（排水）' })).status).toBe(200);
    const chosenAgain = await admin<ErrorBody>('PATCH', `/api/v1/expert-seats/${seat.body.id}`, { agentId: expert.body.id });
    expect(chosenAgain.status).toBe(400);
    expect(chosenAgain.body.details).toEqual([{ field: '/agentId', message: '2003 不是话务坐席，不能作为专家座席' }]);

    expect((await admin('DELETE', `/api/v1/expert-seats/${seat.body.id}`)).status).toBe(204);
    expect((await admin('DELETE', `/api/v1/agents/${expert.body.id}`)).status).toBe(204);
  });

  it('a night duty is two windows, the first ending at midnight as 24:00; 24:00 is only an end', async () => {
    const night = (first: Record<string, unknown>) => ({
      name: '夜间值班专家',
      department: '市应急管理局',
      externalNumber: '02388881111',
      skillId: 1,
      onDuty: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '22:00', to: '24:00', ...first }, { days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '08:00' }],
    });
    const seat = await admin<Row>('POST', '/api/v1/expert-seats', night({}));
    expect(seat.status, JSON.stringify(seat.body)).toBe(201);
    expect((await admin<Row>('GET', `/api/v1/expert-seats/${seat.body.id}`)).body.onDuty).toEqual(night({}).onDuty);

    const startsAtMidnight = await admin<ErrorBody>('POST', '/api/v1/expert-seats', night({ from: '24:00' }));
    expect(startsAtMidnight.body.details).toEqual([{ field: '/onDuty/0/from', in: 'body', message: '格式不正确（HH:MM，如 08:30）' }]);
    const endsAtZero = await admin<ErrorBody>('POST', '/api/v1/expert-seats', night({ to: '00:00' }));
    expect(endsAtZero.body.details).toEqual([{ field: '/onDuty/0/to', message: '结束时间必须晚于开始时间（不支持跨零点，请拆成两段，如 22:00-24:00 与 00:00-08:00）' }]);
    const pastMidnight = await admin<ErrorBody>('POST', '/api/v1/expert-seats', night({ to: '24:30' }));
    expect(pastMidnight.body.details).toEqual([{ field: '/onDuty/0/to', in: 'body', message: '格式不正确（HH:MM，如 17:30；到午夜写 24:00）' }]);
    expect((await admin('DELETE', `/api/v1/expert-seats/${seat.body.id}`)).status).toBe(204);
  });

  it('department contact: CRUD, read by agents', async () => {
    const contact = await admin<Row>('POST', '/api/v1/department-contacts', { unit: '市水务局', person: '钱科长', phone: '02361230009' });
    expect(contact.status).toBe(201);
    expect(contact.body.note).toBeNull();
    expect((await admin<Row>('PATCH', `/api/v1/department-contacts/${contact.body.id}`, { note: '值班电话' })).body.note).toBe('值班电话');
    expect((await agent<Row[]>('GET', '/api/v1/department-contacts')).body.map((c) => c.unit)).toContain('市水务局');
    expect((await admin<ErrorBody>('POST', '/api/v1/department-contacts', { unit: '某局', person: '某人', phone: '电话' })).body.details?.[0]?.field).toBe('/phone');
    expect((await admin('DELETE', `/api/v1/department-contacts/${contact.body.id}`)).status).toBe(204);
    expect((await admin('PATCH', `/api/v1/department-contacts/${contact.body.id}`, { note: 'x' })).status).toBe(404);
  });
});

describe('blacklist and repeat-call policy', () => {
  it('a supervisor manages the blacklist; the call path sees the entry at once', async () => {
    const expires = new Date(h.clock.now().getTime() + 24 * 3600_000).toISOString();
    const entry = await supervisor<Row>('POST', '/api/v1/blacklist', { number: '13911112222', reason: '恶意骚扰坐席', expiresAt: expires });
    expect(entry.status).toBe(201);
    expect(entry.body).toMatchObject({ createdBy: 'super', active: true, expiresAt: expires });
    expect((await findActiveBlock(h.server.store.db, '13911112222', h.clock.now()))?.reason).toBe('恶意骚扰坐席');
    expect((await supervisor<ErrorBody>('POST', '/api/v1/blacklist', { number: '13911112222', reason: '再次' })).status).toBe(409);
    const forever = await supervisor<Row>('PATCH', `/api/v1/blacklist/${entry.body.id}`, { expiresAt: null });
    expect(forever.body).toMatchObject({ expiresAt: null, active: true });
    expect((await supervisor('DELETE', `/api/v1/blacklist/${entry.body.id}`)).status).toBe(204);
    expect(await findActiveBlock(h.server.store.db, '13911112222', h.clock.now())).toBeUndefined();
    const trail = await auditOf('blacklist', entry.body.id);
    expect(trail.map((a) => `${a.actor}:${a.action}`)).toEqual(['super:delete', 'super:update', 'super:create']);
    expect(trail[1]?.before).toMatchObject({ expiresAt: expires });
  });

  it('the repeat-call policy: read by staff, set by admins, stored where the call path reads it', async () => {
    expect((await supervisor('GET', '/api/v1/repeat-call-policy')).body).toEqual({ maxCalls: 5, windowMinutes: 60, action: 'warn' });
    const put = await admin('PUT', '/api/v1/repeat-call-policy', { maxCalls: 3, windowMinutes: 30, action: 'warn' });
    expect(put.body).toEqual({ maxCalls: 3, windowMinutes: 30, action: 'warn' });
    expect(await getSetting(h.server.store.db, 'repeat-call-policy')).toEqual({ maxCalls: 3, windowMinutes: 30, action: 'warn' });
    const [row] = await auditOf('setting', 'repeat-call-policy');
    expect(row).toMatchObject({ action: 'update', before: { maxCalls: 5 }, after: { maxCalls: 3 } });
  });
});

describe('working-day calendar corrections', () => {
  it('set, overwrite and remove a day, each audited with the day before and after; removing a day with no correction is a 404 and leaves no trace', async () => {
    expect((await admin<Row>('PUT', '/api/v1/calendar/2026-09-18', { kind: 'holiday', name: '市庆' })).body).toMatchObject({ kind: 'holiday', name: '市庆', createdBy: 'admin' });
    expect((await admin<Row>('PUT', '/api/v1/calendar/2026-09-18', { kind: 'workday', name: '调休上班' })).body).toMatchObject({ kind: 'workday', name: '调休上班' });
    expect((await admin('DELETE', '/api/v1/calendar/2026-09-18')).status).toBe(204);
    expect((await admin<Row[]>('GET', '/api/v1/calendar')).body.some((d) => d.date === '2026-09-18')).toBe(false);
    expect((await admin<ErrorBody>('DELETE', '/api/v1/calendar/2026-09-18')).body).toEqual({ error: '该日期没有调整' });

    const trail = await auditOf('calendar', '2026-09-18');
    expect(trail.map((a) => [a.action, a.actor])).toEqual([['delete', 'admin'], ['put', 'admin'], ['put', 'admin']]);
    const [removed, overwritten, created] = trail;
    expect(created).toMatchObject({ before: null, after: { kind: 'holiday', name: '市庆' } });
    expect(overwritten).toMatchObject({ before: { kind: 'holiday', name: '市庆' }, after: { kind: 'workday', name: '调休上班' } });
    expect(removed).toMatchObject({ before: { kind: 'workday', name: '调休上班' }, after: null });
  });
});

describe('missed calls and the audit log', () => {
  it('agents see the pending callbacks and mark one done; done twice is a 409', async () => {
    const { call } = await recordCallArrival(h.server.store.db, {
      linkedId: 'missed-1',
      channelId: 'missed-1',
      channelName: 'PJSIP/trunk-000001',
      callerNumber: '13822223333',
      dialledNumber: '12345',
      routeId: null,
      arrivedAt: h.clock.now().toISOString(),
    });
    await recordMissedCall(h.server.store.db, { callId: call.id, callerNumber: '13822223333', dialledNumber: '12345', waitMs: 42_000, at: h.clock.now().toISOString() });
    const list = await agent<Row[]>('GET', '/api/v1/missed-calls');
    const missed = list.body.find((m) => m.callerNumber === '13822223333');
    expect(missed).toMatchObject({ dialledNumber: '12345', waitMs: 42_000, status: 'pending' });
    expect((await agent('POST', `/api/v1/missed-calls/${missed?.id}/done`)).status).toBe(204);
    expect((await supervisor<ErrorBody>('POST', `/api/v1/missed-calls/${missed?.id}/done`)).status).toBe(409);
    expect((await agent('POST', '/api/v1/missed-calls/4242/done')).status).toBe(404);
    expect((await agent<Row[]>('GET', '/api/v1/missed-calls')).body.some((m) => m.id === missed?.id)).toBe(false);
    expect((await auditOf('missed-call', missed?.id ?? 0))[0]).toMatchObject({ actor: '1001', action: 'done', after: { status: 'done' } });
  });

  it('the audit log pages back with beforeId and filters by actor', async () => {
    const page = (await admin<AuditRow[]>('GET', '/api/v1/audit?limit=2')).body;
    expect(page).toHaveLength(2);
    expect(page[0]!.id).toBeGreaterThan(page[1]!.id);
    const older = (await admin<AuditRow[]>('GET', `/api/v1/audit?limit=2&beforeId=${page[1]!.id}`)).body;
    expect(older[0]!.id).toBeLessThan(page[1]!.id);
    const bySuper = (await admin<AuditRow[]>('GET', '/api/v1/audit?actor=super')).body;
    expect(bySuper.length).toBeGreaterThan(0);
    expect(bySuper.every((a) => a.actor === 'super')).toBe(true);
  });
});
