/**
 * A blacklist entry with an expiry stays in the list after it has expired, marked 已过期 (`active:
 * false`), and no longer blocks the number. When the same number starts harassing again, a supervisor
 * adds it to the blacklist anew: the expired entry is replaced (the audit keeps it as `before`), while
 * a number blacklisted now is still refused with 409 "号码已在黑名单中".
 */
import { describe, expect, it } from 'vitest';
import { client, login } from './admin-client.js';
import { useHarness } from '../support/harness.js';

const h = useHarness();

interface Entry {
  id: number;
  number: string;
  active: boolean;
  expiresAt: string | null;
}

describe('a number whose blacklist entry expired', () => {
  it('can be blacklisted again', async () => {
    const supervisor = client(h.server.httpUrl, await login(h.server.httpUrl, 'super'));
    const number = '13800138111';
    const now = h.clock.now().getTime();
    const first = await supervisor<Entry>('POST', '/api/v1/blacklist', { number, reason: '恶意骚扰坐席', expiresAt: new Date(now + 10 * 60_000).toISOString() });
    expect(first.status).toBe(201);

    // Half an hour later the entry has expired: listed as not blocking.
    h.clock.set(new Date(now + 30 * 60_000).toISOString());
    const listed = (await supervisor<Entry[]>('GET', '/api/v1/blacklist')).body.find((e) => e.number === number);
    expect(listed).toMatchObject({ active: false });

    // The number harasses again: the supervisor blacklists it for good.
    const again = await supervisor<Entry & { error?: string }>('POST', '/api/v1/blacklist', { number, reason: '再次恶意骚扰', expiresAt: null });
    expect(again.status, `answer: ${JSON.stringify(again.body)}`).toBe(201);
    const now2 = (await supervisor<Entry[]>('GET', '/api/v1/blacklist')).body.filter((e) => e.number === number);
    expect(now2, 'one entry for the number, blocking again').toMatchObject([{ active: true, expiresAt: null, reason: '再次恶意骚扰' }]);

    // The replacement is audited with the expired entry it replaced.
    const admin = client(h.server.httpUrl, await login(h.server.httpUrl, 'admin'));
    const trail = (await admin<{ action: string; before: unknown; after: unknown }[]>('GET', `/api/v1/audit?entity=blacklist&entityId=${again.body.id}`)).body;
    expect(trail[0]).toMatchObject({ action: 'create', before: { reason: '恶意骚扰坐席', active: false }, after: { reason: '再次恶意骚扰', active: true } });

    // Blacklisted now: adding it again is refused.
    const refused = await supervisor<{ error: string }>('POST', '/api/v1/blacklist', { number, reason: '第三次' });
    expect({ status: refused.status, error: refused.body.error }).toEqual({ status: 409, error: `号码已在黑名单中: ${number}` });
  });
});
