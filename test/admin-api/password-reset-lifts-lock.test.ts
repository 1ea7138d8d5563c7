/**
 * The usual way out of "I forgot my password" is the admin resetting it. By then the agent has often
 * typed the old one wrong five times and their name is locked. A reset is the admin's deliberate act
 * for exactly this person and hands them a new password: it lets them in with it at once (not 429
 * "该工号已临时锁定" for up to an hour, nor a second screen to find), and the audit entry of the reset
 * says the lock went with it.
 */
import { describe, expect, it } from 'vitest';
import { api, client, login, type ErrorBody } from './admin-client.js';
import { useHarness } from '../support/harness.js';

const h = useHarness();

const attempt = (username: string, password: string) => api<ErrorBody & { token?: string }>(h.server.httpUrl, 'POST', '/api/v1/auth/login', { body: { username, password } });

interface AuditRow {
  action: string;
  after: Record<string, unknown> | null;
}

describe('an admin resetting the password of a locked-out agent', () => {
  it('lets the agent log in with the new password at once', async () => {
    for (let i = 0; i < 5; i++) await attempt('1002', 'forgotten-one');
    expect((await attempt('1002', 'demo')).status).toBe(429);

    const admin = client(h.server.httpUrl, await login(h.server.httpUrl, 'admin'));
    expect((await admin<{ login: string }[]>('GET', '/api/v1/lockouts')).body.map((l) => l.login)).toContain('1002');
    const id = (await admin<{ id: number; login: string }[]>('GET', '/api/v1/agents')).body.find((a) => a.login === '1002')?.id;
    const reset = await admin('POST', `/api/v1/agents/${id}/password`, { password: 'new-secret-2026' });
    expect(reset.status).toBe(204);

    const after = await attempt('1002', 'new-secret-2026');
    expect(after.status, after.body.error).toBe(200);
    expect((await admin<{ login: string }[]>('GET', '/api/v1/lockouts')).body.map((l) => l.login)).not.toContain('1002');
    const audit = (await admin<AuditRow[]>('GET', `/api/v1/audit?entity=agent&entityId=${id}`)).body;
    expect(audit.find((a) => a.action === 'password-reset')?.after).toMatchObject({ login: '1002', passwordSet: true, loginFailuresCleared: true });
  });

  it('of an agent with no failed logins says there was nothing to lift', async () => {
    const admin = client(h.server.httpUrl, await login(h.server.httpUrl, 'admin'));
    const id = (await admin<{ id: number; login: string }[]>('GET', '/api/v1/agents')).body.find((a) => a.login === '1003')?.id;
    expect((await admin('POST', `/api/v1/agents/${id}/password`, { password: 'another-secret-2026' })).status).toBe(204);
    expect((await attempt('1003', 'another-secret-2026')).status).toBe(200);
    const audit = (await admin<AuditRow[]>('GET', `/api/v1/audit?entity=agent&entityId=${id}`)).body;
    expect(audit.find((a) => a.action === 'password-reset')?.after).toMatchObject({ passwordSet: true, loginFailuresCleared: false });
  });
});
