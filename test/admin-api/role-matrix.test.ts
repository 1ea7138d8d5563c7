/**
 * The role matrix: walks every route the server registered under /api/v1 (the route catalogue fed by
 * fastify's onRoute hook) and proves that each role is refused where it does not belong — 401 without
 * or with a bad token, 403 with the wrong role — and admitted where it does. Requests that are
 * admitted touch nothing: ids that do not exist, bodies that fail validation.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useHarness } from '../support/harness.js';
import { api, login, type ErrorBody } from './admin-client.js';

const h = useHarness();

type Role = 'admin' | 'supervisor' | 'agent' | 'editor';
const ADMIN: Role[] = ['admin'];
const STAFF: Role[] = ['admin', 'supervisor'];
const EVERYONE: Role[] = ['admin', 'supervisor', 'agent'];
/** Every account, department knowledge editors too. */
const ANY_ACCOUNT: Role[] = [...EVERYONE, 'editor'];
const KNOWLEDGE_STAFF: Role[] = ['admin', 'supervisor', 'editor'];
const KNOWLEDGE_WRITERS: Role[] = ['admin', 'editor'];

/** The documented policy (softphone-bridge/admin-api/README.md), route by route. */
const POLICY: Record<string, Role[]> = {
  'GET /api/v1/routes': EVERYONE,
  'GET /api/v1/routes/:id': EVERYONE,
  'POST /api/v1/routes': ADMIN,
  'PATCH /api/v1/routes/:id': ADMIN,
  'DELETE /api/v1/routes/:id': ADMIN,
  'GET /api/v1/skills': EVERYONE,
  'GET /api/v1/skills/:id': EVERYONE,
  'POST /api/v1/skills': ADMIN,
  'PATCH /api/v1/skills/:id': ADMIN,
  'DELETE /api/v1/skills/:id': ADMIN,
  'GET /api/v1/agents': EVERYONE,
  'GET /api/v1/agents/:id': EVERYONE,
  'POST /api/v1/agents': ADMIN,
  'PATCH /api/v1/agents/:id': ADMIN,
  'DELETE /api/v1/agents/:id': ADMIN,
  'POST /api/v1/agents/:id/password': ADMIN,
  'GET /api/v1/expert-seats': EVERYONE,
  'GET /api/v1/expert-seats/:id': EVERYONE,
  'POST /api/v1/expert-seats': ADMIN,
  'PATCH /api/v1/expert-seats/:id': ADMIN,
  'DELETE /api/v1/expert-seats/:id': ADMIN,
  'GET /api/v1/department-contacts': EVERYONE,
  'GET /api/v1/department-contacts/:id': EVERYONE,
  'POST /api/v1/department-contacts': ADMIN,
  'PATCH /api/v1/department-contacts/:id': ADMIN,
  'DELETE /api/v1/department-contacts/:id': ADMIN,
  'GET /api/v1/menus': STAFF,
  'GET /api/v1/menus/:id': STAFF,
  'POST /api/v1/menus': ADMIN,
  'PUT /api/v1/menus/:id': ADMIN,
  'DELETE /api/v1/menus/:id': ADMIN,
  'GET /api/v1/blacklist': STAFF,
  'GET /api/v1/blacklist/:id': STAFF,
  'POST /api/v1/blacklist': STAFF,
  'PATCH /api/v1/blacklist/:id': STAFF,
  'DELETE /api/v1/blacklist/:id': STAFF,
  'GET /api/v1/repeat-call-policy': STAFF,
  'PUT /api/v1/repeat-call-policy': ADMIN,
  'GET /api/v1/audit': ADMIN,
  'GET /api/v1/kpis': STAFF,
  'GET /api/v1/missed-calls': EVERYONE,
  'POST /api/v1/missed-calls/:id/done': EVERYONE,
  'GET /api/v1/meta/endpoints': EVERYONE,
  'GET /api/v1/lockouts': ADMIN,
  'DELETE /api/v1/lockouts/:login': ADMIN,
  'POST /api/v1/auth/logout': ANY_ACCOUNT,
  'GET /api/v1/calendar': EVERYONE,
  'PUT /api/v1/calendar/:date': ADMIN,
  'DELETE /api/v1/calendar/:date': ADMIN,
  // Tickets: every role may reach them; which ticket and which move is decided per ticket (ticket tests).
  'GET /api/v1/tickets': EVERYONE,
  'GET /api/v1/tickets/:number': EVERYONE,
  'PATCH /api/v1/tickets/:number': EVERYONE,
  'POST /api/v1/tickets/:number/actions': EVERYONE,
  'POST /api/v1/tickets/:number/extensions': EVERYONE,
  // Knowledge base: editors write (their department only, decided per entry), supervisors review.
  'GET /api/v1/knowledge/profile': KNOWLEDGE_STAFF,
  'GET /api/v1/knowledge/search': ANY_ACCOUNT,
  'GET /api/v1/knowledge/suggestions': ANY_ACCOUNT,
  'GET /api/v1/knowledge/entries': KNOWLEDGE_STAFF,
  'GET /api/v1/knowledge/entries/:id': KNOWLEDGE_STAFF,
  'GET /api/v1/knowledge/entries/:id/versions/:version': ANY_ACCOUNT,
  'POST /api/v1/knowledge/entries': KNOWLEDGE_WRITERS,
  'PUT /api/v1/knowledge/entries/:id': KNOWLEDGE_WRITERS,
  'POST /api/v1/knowledge/entries/:id/actions': KNOWLEDGE_STAFF,
  'POST /api/v1/knowledge/import': KNOWLEDGE_WRITERS,
  'POST /api/v1/tickets/:number/knowledge': EVERYONE,
  'GET /api/v1/tickets/:number/knowledge': EVERYONE,
  'POST /api/v1/tickets/:number/register': EVERYONE,
  'GET /api/v1/tickets/mine': EVERYONE,
  'GET /api/v1/ticket-options': EVERYONE,
  // The ticket form's reference lists: everyone reads them, admins edit them.
  'GET /api/v1/ticket-matters': EVERYONE,
  'POST /api/v1/ticket-matters': ADMIN,
  'PATCH /api/v1/ticket-matters/:id': ADMIN,
  'GET /api/v1/handling-units': EVERYONE,
  'POST /api/v1/handling-units': ADMIN,
  'PATCH /api/v1/handling-units/:id': ADMIN,
  'GET /api/v1/centre-city': EVERYONE,
  'PUT /api/v1/centre-city': ADMIN,
  // The prompt catalogue: staff read it (routes and menus name its prompts), admins add and generate.
  'GET /api/v1/prompts': STAFF,
  'POST /api/v1/prompts': ADMIN,
  'PATCH /api/v1/prompts/:id': ADMIN,
  'DELETE /api/v1/prompts/:id': ADMIN,
  'POST /api/v1/prompts/:id/generate': ADMIN,
  'GET /api/v1/settings': STAFF,
  'GET /api/v1/hot-topics': STAFF,
  'PUT /api/v1/settings/callback-policy': ADMIN,
  'PUT /api/v1/settings/recording-retention': ADMIN,
  'PUT /api/v1/settings/kpi-targets': ADMIN,
  'PUT /api/v1/settings/call-timings': ADMIN,
};

/** The one public route under /api/v1: the login. Anything else that declares no roles fails the walk. */
const PUBLIC = [/^\/api\/v1\/auth\/login$/];
const LOGINS: Record<Role, string> = { admin: 'admin', supervisor: 'super', agent: '1001', editor: 'kb-ybj' };
/** Logging out ends the token it is called with: the walk spends a fresh login on it. */
const LOGOUT = 'POST /api/v1/auth/logout';

interface Endpoint {
  method: string;
  url: string;
  roles: Role[] | null;
}

let endpoints: Endpoint[] = [];
const tokens = {} as Record<Role, string>;

beforeAll(async () => {
  for (const role of ANY_ACCOUNT) tokens[role] = await login(h.server.httpUrl, LOGINS[role]);
  const answer = await api<Endpoint[]>(h.server.httpUrl, 'GET', '/api/v1/meta/endpoints', { token: tokens.agent });
  expect(answer.status).toBe(200);
  endpoints = answer.body;
});

const declared = () => endpoints.filter((e) => e.roles !== null);
const keyOf = (e: Endpoint) => `${e.method} ${e.url}`;
/** A request that an admitted caller can make without changing anything. */
const probe = (e: Endpoint) => ({
  path: e.url.replaceAll(':id', '999999'),
  body: e.method === 'GET' || e.method === 'DELETE' ? undefined : {},
});

describe('role matrix over the whole /api/v1 route table', () => {
  it('the catalogue holds the admin API and itself, and every route under /api/v1 declares its roles, but the login', () => {
    expect(endpoints.length).toBeGreaterThan(Object.keys(POLICY).length);
    const undeclared = endpoints.filter((e) => e.roles === null).map(keyOf);
    const unknown = undeclared.filter((k) => !PUBLIC.some((re) => re.test(k.split(' ')[1] ?? '')));
    expect(unknown, 'routes under /api/v1 that declare no roles').toEqual([]);
  });

  it('the declared roles are exactly the documented policy', () => {
    const actual = Object.fromEntries(declared().map((e) => [keyOf(e), [...(e.roles ?? [])].sort()]));
    const expected = Object.fromEntries(Object.entries(POLICY).map(([k, roles]) => [k, [...roles].sort()]));
    expect(actual).toEqual(expected);
  });

  it('without a token, or with a forged one, every declared route answers 401 with an error', async () => {
    for (const e of declared()) {
      const { path, body } = probe(e);
      for (const token of [null, 'not-a-token', `${tokens.admin}x`]) {
        const answer = await api<ErrorBody>(h.server.httpUrl, e.method, path, { token, body });
        expect(answer.status, `${keyOf(e)} with token ${String(token).slice(0, 12)}`).toBe(401);
        expect(typeof answer.body.error).toBe('string');
      }
    }
  });

  it('each role is refused (403) where it does not belong and admitted where it does', async () => {
    let refused = 0;
    let admitted = 0;
    for (const e of declared()) {
      const { path, body } = probe(e);
      for (const role of ANY_ACCOUNT) {
        const token = keyOf(e) === LOGOUT ? await login(h.server.httpUrl, LOGINS[role]) : tokens[role];
        const answer = await api<ErrorBody>(h.server.httpUrl, e.method, path, { token, body });
        if (e.roles?.includes(role)) {
          expect([401, 403], `${role} admitted to ${keyOf(e)} (got ${answer.status} ${JSON.stringify(answer.body)})`).not.toContain(answer.status);
          expect(answer.status).toBeLessThan(500);
          admitted++;
        } else {
          expect(answer.status, `${role} refused ${keyOf(e)}`).toBe(403);
          expect(answer.body.error).toBe('无权执行此操作');
          refused++;
        }
      }
    }
    expect(refused).toBeGreaterThan(0);
    expect(admitted).toBeGreaterThan(0);
  });

  it('a token of an account that was disabled since it was issued no longer opens anything', async () => {
    const admin = tokens.admin;
    const agents = await api<{ id: number; login: string }[]>(h.server.httpUrl, 'GET', '/api/v1/agents', { token: admin });
    const agent1002 = agents.body.find((a) => a.login === '1002');
    expect(agent1002).toBeDefined();
    const token1002 = await login(h.server.httpUrl, '1002');
    expect((await api(h.server.httpUrl, 'GET', '/api/v1/skills', { token: token1002 })).status).toBe(200);
    expect((await api(h.server.httpUrl, 'PATCH', `/api/v1/agents/${agent1002?.id}`, { token: admin, body: { enabled: false } })).status).toBe(200);
    expect((await api(h.server.httpUrl, 'GET', '/api/v1/skills', { token: token1002 })).status).toBe(401);
    expect((await api(h.server.httpUrl, 'PATCH', `/api/v1/agents/${agent1002?.id}`, { token: admin, body: { enabled: true } })).status).toBe(200);
  });
});
