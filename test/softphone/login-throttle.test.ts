/**
 * Password guessing is slowed: a user name is locked after five wrong passwords in a row (then for
 * twice as long after each further failure), unknown names behave exactly like known ones, an admin can
 * lift a lock (audited), and one address may only try so often a minute.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login, type ErrorBody } from '../admin-api/admin-client.js';
import { startHarness, useHarness, type Harness } from '../support/harness.js';

const h = useHarness();

const attempt = (username: string, password: string, baseUrl = h.server.httpUrl) =>
  api<ErrorBody & { token?: string }>(baseUrl, 'POST', '/api/v1/auth/login', { body: { username, password } });

const minutesLater = (minutes: number) => h.clock.set(new Date(h.clock.now().getTime() + minutes * 60_000).toISOString());

describe('lockout per user name', () => {
  it('five wrong passwords lock the name; even the right one is refused until an admin lifts it (audited)', async () => {
    for (let i = 1; i <= 4; i++) expect((await attempt('1002', 'wrong-guess')).status, `guess ${i}`).toBe(401);
    const fifth = await attempt('1002', 'wrong-guess');
    expect(fifth.status).toBe(429);
    expect(fifth.body.error).toContain('已临时锁定 5 分钟');
    const right = await attempt('1002', 'demo');
    expect(right.status).toBe(429);
    expect(right.body.token).toBeUndefined();

    const admin = await login(h.server.httpUrl, 'admin');
    const locks = await api<{ login: string; failures: number }[]>(h.server.httpUrl, 'GET', '/api/v1/lockouts', { token: admin });
    expect(locks.body).toContainEqual(expect.objectContaining({ login: '1002', failures: 5 }));
    expect((await api(h.server.httpUrl, 'DELETE', '/api/v1/lockouts/1002', { token: admin })).status).toBe(204);
    const audit = await api<{ action: string; entity: string; entityId: string; actor: string }[]>(h.server.httpUrl, 'GET', '/api/v1/audit?entity=login-lock', {
      token: admin,
    });
    expect(audit.body[0]).toMatchObject({ action: 'unlock', entityId: '1002', actor: 'admin' });
    expect((await attempt('1002', 'demo')).status).toBe(200);
    expect((await api(h.server.httpUrl, 'DELETE', '/api/v1/lockouts/1002', { token: admin })).status).toBe(404);
  });

  it('a lock runs out by itself, and the next failure locks for twice as long', async () => {
    for (let i = 0; i < 5; i++) await attempt('1003', 'wrong-guess');
    expect((await attempt('1003', 'demo')).status).toBe(429);
    minutesLater(6);
    const again = await attempt('1003', 'wrong-guess');
    expect(again.status).toBe(429);
    expect(again.body.error).toContain('已临时锁定 10 分钟');
    minutesLater(11);
    expect((await attempt('1003', 'demo')).status).toBe(200);
    // The success cleared the count: four more failures are free again.
    for (let i = 0; i < 4; i++) expect((await attempt('1003', 'wrong-guess')).status).toBe(401);
    expect((await attempt('1003', 'demo')).status).toBe(200);
  });

  it('an unknown name gets exactly the answers a known one gets, lock included', async () => {
    const known: { status: number; body: ErrorBody }[] = [];
    const unknown: { status: number; body: ErrorBody }[] = [];
    for (let i = 0; i < 6; i++) {
      known.push(await attempt('1004', 'wrong-guess'));
      unknown.push(await attempt('nobody-here', 'wrong-guess'));
    }
    expect(unknown.map((a) => a.status)).toEqual(known.map((a) => a.status));
    expect(unknown.map((a) => a.body)).toEqual(known.map((a) => a.body));
    const admin = await login(h.server.httpUrl, 'admin');
    expect((await api(h.server.httpUrl, 'DELETE', '/api/v1/lockouts/1004', { token: admin })).status).toBe(204);
  });
});

describe('attempts per address', () => {
  let small: Harness;
  beforeAll(async () => {
    small = await startHarness({ loginAttemptsPerMinute: 3 });
  });
  afterAll(async () => {
    await small.stop();
  });

  it('an address that tries too often a minute is told to wait, whatever the name', async () => {
    for (const name of ['1001', '1002', 'x']) expect((await attempt(name, 'wrong-guess', small.server.httpUrl)).status).toBe(401);
    const fourth = await api<ErrorBody>(small.server.httpUrl, 'POST', '/api/v1/auth/login', { body: { username: 'admin', password: 'demo' } });
    expect(fourth.status).toBe(429);
    expect(fourth.body.error).toMatch(/^登录尝试过于频繁，请 \d+ 秒后再试$/);
  });
});
