/**
 * The lockout per user name holds against guesses sent all at once: however many wrong passwords for
 * one name arrive together, only the first five are checked (the fifth locks the name for 5 minutes),
 * and every other one is refused as locked without its password being tried.
 */
import { describe, expect, it } from 'vitest';
import { api, login, type ErrorBody } from '../admin-api/admin-client.js';
import { useHarness } from '../support/harness.js';

const h = useHarness();

const attempt = (username: string, password: string) => api<ErrorBody & { token?: string }>(h.server.httpUrl, 'POST', '/api/v1/auth/login', { body: { username, password } });

describe('guesses sent together', () => {
  it('twelve wrong passwords at once: five are checked, the name is locked for 5 minutes, the rest refused unchecked', async () => {
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => attempt('1005', `wrong-guess-${i}`)));

    expect(answers.filter((a) => a.status === 401)).toHaveLength(4);
    // The fifth failure locks the name; the ones that found it locked were never checked, so never counted.
    expect(answers.filter((a) => a.status === 429 && a.body.error.includes('已临时锁定 5 分钟'))).toHaveLength(1);
    expect(answers.filter((a) => a.status === 429 && a.body.error.includes('请 5 分钟后再试'))).toHaveLength(7);

    const admin = await login(h.server.httpUrl, 'admin');
    const locks = await api<{ login: string; failures: number; lastFailureAt: string; lockedUntil: string }[]>(h.server.httpUrl, 'GET', '/api/v1/lockouts', {
      token: admin,
    });
    const lock = locks.body.find((l) => l.login === '1005');
    expect(lock?.failures).toBe(5);
    expect(Date.parse(lock?.lockedUntil ?? '') - Date.parse(lock?.lastFailureAt ?? '')).toBe(5 * 60_000);
  });

  it('after a lock has run out, guesses sent together: one is checked and locks the name again for 10 minutes, the rest refused unchecked', async () => {
    const admin = await login(h.server.httpUrl, 'admin');
    expect((await api(h.server.httpUrl, 'DELETE', '/api/v1/lockouts/1005', { token: admin })).status).toBe(204);
    for (let i = 0; i < 5; i++) await attempt('1002', 'wrong-guess');
    h.clock.set(new Date(h.clock.now().getTime() + 6 * 60_000).toISOString());
    // The lock has run out: one attempt may be checked, and its failure locks the name again (10 minutes).
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => attempt('1002', `wrong-guess-${i}`)));
    expect(answers.filter((a) => a.body.error.includes('已临时锁定 10 分钟'))).toHaveLength(1);
    expect(answers.filter((a) => a.status === 429 && a.body.error.includes('请 10 分钟后再试'))).toHaveLength(7);
    const locks = await api<{ login: string; failures: number }[]>(h.server.httpUrl, 'GET', '/api/v1/lockouts', { token: admin });
    expect(locks.body.find((l) => l.login === '1002')?.failures).toBe(6);
  });
});
