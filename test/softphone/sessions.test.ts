/**
 * Sessions end when they should, on every surface: an account disabled, deleted, re-roled or given a
 * new password loses its REST access and its live sockets at once; logout ends a token; a token that
 * runs out (on the test clock) stops opening anything. Sockets say why before they close (4401).
 */
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { revokeSession } from '../../store/index.js';
import { api, login, type ErrorBody } from '../admin-api/admin-client.js';
import { AgentDesktop } from '../support/agent-desktop.js';
import { useHarness } from '../support/harness.js';
import { SupervisorDesk } from '../support/supervisor-desk.js';

const h = useHarness();

const call = <T = ErrorBody>(method: string, path: string, token: string | null, body?: unknown) => api<T>(h.server.httpUrl, method, path, { token, body });

/** A fresh account made by the admin for one test, with password `demo-password`. */
async function account(admin: string, fields: Record<string, unknown>): Promise<{ id: number; login: string }> {
  const made = await call<{ id: number; login: string }>('POST', '/api/v1/agents', admin, { password: 'demo-password', ...fields });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  return made.body;
}

describe('sessions end with the account', () => {
  it('an admin disabled after login can no longer change the working-day calendar', async () => {
    const admin = await login(h.server.httpUrl, 'admin');
    const second = await account(admin, { login: 'admin-b', name: '备用管理员', role: 'admin' });
    const token = await login(h.server.httpUrl, 'admin-b', 'demo-password');
    expect((await call('PUT', '/api/v1/calendar/2026-10-09', token, { kind: 'holiday', name: '调休' })).status).toBe(200);

    expect((await call('PATCH', `/api/v1/agents/${second.id}`, admin, { enabled: false })).status).toBe(200);
    const refused = await call('PUT', '/api/v1/calendar/2026-10-10', token, { kind: 'holiday', name: '调休' });
    expect(refused.status).toBe(401);
    expect(refused.body.error).toBe('账号已被停用，请联系管理员');
    const days = await call<{ date: string }[]>('GET', '/api/v1/calendar', admin);
    expect(days.body.map((d) => d.date)).not.toContain('2026-10-10');
    // Enabled again, the old token stays dead: a new login is needed.
    expect((await call('PATCH', `/api/v1/agents/${second.id}`, admin, { enabled: true })).status).toBe(200);
    expect((await call('GET', '/api/v1/calendar', token)).status).toBe(401);
    expect((await call('GET', '/api/v1/calendar', await login(h.server.httpUrl, 'admin-b', 'demo-password'))).status).toBe(200);
  });

  it("a deleted supervisor's wallboard socket is told and closed at once", async () => {
    const admin = await login(h.server.httpUrl, 'admin');
    const supervisor = await account(admin, { login: 'super-b', name: '夜班班长', role: 'supervisor' });
    const desk = await SupervisorDesk.login(h.server.httpUrl, 'super-b', undefined, 'demo-password');
    await desk.next('snapshot');

    expect((await call('DELETE', `/api/v1/agents/${supervisor.id}`, admin)).status).toBe(204);
    const ended = await desk.next('session.ended');
    expect(ended).toMatchObject({ reason: 'deleted', message: '账号已被删除' });
    expect(await desk.closed()).toBe(4401);
  });

  it('a disabled agent can no longer search tickets, and their desktop closes', async () => {
    const admin = await login(h.server.httpUrl, 'admin');
    const agents = await call<{ id: number; login: string }[]>('GET', '/api/v1/agents', admin);
    const agent = agents.body.find((a) => a.login === '1005');
    if (!agent) throw new Error('demo agent 1005 missing');
    const desktop = await AgentDesktop.login(h.server.httpUrl, '1005');
    expect((await call('GET', '/api/v1/tickets', desktop.token)).status).toBe(200);

    expect((await call('PATCH', `/api/v1/agents/${agent.id}`, admin, { enabled: false })).status).toBe(200);
    expect((await desktop.next('session.ended')).reason).toBe('disabled');
    expect(await desktop.closed()).toBe(4401);
    const search = await call('GET', '/api/v1/tickets', desktop.token);
    expect(search.status).toBe(401);
    expect(search.body.error).toBe('账号已被停用，请联系管理员');
    expect((await call('PATCH', `/api/v1/agents/${agent.id}`, admin, { enabled: true })).status).toBe(200);
  });

  it("a changed role or a reset password ends the account's sessions", async () => {
    const admin = await login(h.server.httpUrl, 'admin');
    const person = await account(admin, { login: 'super-c', name: '质检员', role: 'supervisor' });
    const desk = await SupervisorDesk.login(h.server.httpUrl, 'super-c', undefined, 'demo-password');
    await desk.next('snapshot');
    expect((await call('PATCH', `/api/v1/agents/${person.id}`, admin, { role: 'admin' })).status).toBe(200);
    expect((await desk.next('session.ended')).reason).toBe('role-changed');
    expect(await desk.closed()).toBe(4401);

    const token = await login(h.server.httpUrl, 'super-c', 'demo-password');
    expect((await call('GET', '/api/v1/skills', token)).status).toBe(200);
    expect((await call('POST', `/api/v1/agents/${person.id}/password`, admin, { password: 'another-password' })).status).toBe(204);
    const after = await call('GET', '/api/v1/skills', token);
    expect(after.status).toBe(401);
    expect(after.body.error).toBe('密码已被重置，请用新密码重新登录');
    // The admin who reset it keeps their own session.
    expect((await call('GET', '/api/v1/skills', admin)).status).toBe(200);
  });
});

describe('logout and expiry', () => {
  it('logout ends the token everywhere, its desktop included; other sessions of the account go on', async () => {
    const desktop = await AgentDesktop.login(h.server.httpUrl, '1004');
    const other = await login(h.server.httpUrl, '1004');
    expect((await call('POST', '/api/v1/auth/logout', desktop.token)).status).toBe(204);
    expect((await desktop.next('session.ended')).reason).toBe('logout');
    expect(await desktop.closed()).toBe(4401);
    const after = await call('GET', '/api/v1/tickets', desktop.token);
    expect(after.status).toBe(401);
    expect(after.body.error).toBe('已退出登录');
    expect((await call('POST', '/api/v1/auth/logout', desktop.token)).status).toBe(401);
    expect((await call('GET', '/api/v1/tickets', other)).status).toBe(200);
  });

  it('a socket whose session was ended elsewhere is closed on its next message', async () => {
    const desktop = await AgentDesktop.login(h.server.httpUrl, '1003');
    const claims = await h.server.tokens.verify(desktop.token);
    if (!claims) throw new Error('token not readable');
    // Another server process (or an operator) revoked it: nobody told this one.
    expect(await revokeSession(h.server.store.db, claims.sessionId, 'logout')).toBe(true);
    desktop.sendRaw(JSON.stringify({ id: 'x1', type: 'agent.ready' }));
    expect((await desktop.next('session.ended')).reason).toBe('logout');
    expect(await desktop.closed()).toBe(4401);
    expect(desktop.received.find((m) => m.type === 'result' && m.id === 'x1')).toBeUndefined();
  });

  it('a token stops working when its 12 hours are over, on REST and on the socket', async () => {
    const desktop = await AgentDesktop.login(h.server.httpUrl, '1002');
    const token = await login(h.server.httpUrl, 'super');
    h.clock.set(new Date(h.clock.now().getTime() + 12 * 3600_000 + 60_000).toISOString());
    try {
      const answer = await call('GET', '/api/v1/skills', token);
      expect(answer.status).toBe(401);
      await h.server.sessions.sweep();
      expect((await desktop.next('session.ended')).reason).toBe('expired');
      expect(await desktop.closed()).toBe(4401);
    } finally {
      h.clock.set(new Date(h.clock.now().getTime() - 12 * 3600_000 - 60_000).toISOString());
    }
  });

  it('a socket cannot be opened with an ended session', async () => {
    const token = await login(h.server.httpUrl, 'super');
    expect((await call('POST', '/api/v1/auth/logout', token)).status).toBe(204);
    const refusal = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const socket = new WebSocket(`${h.server.httpUrl.replace('http', 'ws')}/ws/supervisor?token=${encodeURIComponent(token)}`);
      socket.once('open', () => reject(new Error('the socket opened')));
      socket.once('unexpected-response', (_request, response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      });
    });
    expect(refusal.status).toBe(401);
    expect((JSON.parse(refusal.body) as ErrorBody).error).toBe('已退出登录');
  });
});
