/**
 * Times with a UTC offset. The ticket API takes ISO date-times — its own error text suggests
 * `2026-06-10T08:00:00+08:00` — and turns them into the UTC text it stores and compares with
 * (`…Z`): a search from 09:00 Beijing time finds a ticket of 10:00, a deadline chosen as
 * `…18:00:00+08:00` is stored as 10:00Z and is in the overdue list two hours after it passed.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { api, login, type ErrorBody } from '../admin-api/admin-client.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { answeredCall, demoRefs, fullForm } from '../support/ticket-calls.js';

const h = useHarness();
beforeAll(() => registerPhones(h.sim));

interface Found {
  total: number;
  items: { number: string; dueAt: string | null }[];
}

describe('ticket times given with a UTC offset', () => {
  it('a search from 09:00 to 12:00 Beijing time finds a ticket opened at 10:00 Beijing time', async () => {
    // The test clock starts on 2026-06-10 at 10:00 Beijing time (02:00Z).
    const call = await answeredCall({ httpUrl: h.server.httpUrl, simUrl: h.sim.httpUrl }, '1001', '13800137301');
    await call.hangUp();
    call.desk.close();
    const supervisor = await login(h.server.httpUrl, 'super');
    const search = (params: Record<string, string>) => api<Found>(h.server.httpUrl, 'GET', `/api/v1/tickets?${new URLSearchParams(params).toString()}`, { token: supervisor });
    const found = await search({ caller: '13800137301', from: '2026-06-10T09:00:00+08:00', to: '2026-06-10T12:00:00+08:00' });
    expect(found.status).toBe(200);
    expect(found.body.items.map((t) => t.number)).toEqual([call.number]);
    // The same window written in UTC finds it; one that ends at 10:00 Beijing time does not.
    expect((await search({ caller: '13800137301', from: '2026-06-10T01:00:00Z', to: '2026-06-10T04:00:00Z' })).body.items.map((t) => t.number)).toEqual([call.number]);
    expect((await search({ caller: '13800137301', from: '2026-06-10T08:00:00+08:00', to: '2026-06-10T10:00:00+08:00' })).body.total).toBe(0);
    // A date-time the format lets through but that names no instant (a leap second) is a bad request.
    const leap = await api<ErrorBody>(h.server.httpUrl, 'GET', `/api/v1/tickets?from=${encodeURIComponent('2026-06-30T23:59:60Z')}`, { token: supervisor });
    expect(leap.status).toBe(400);
    expect(leap.body.details).toEqual([{ field: '/from', in: 'querystring', message: '不是有效的时间（如 2026-06-10T08:00:00+08:00）' }]);
  });

  it('a deadline chosen as 18:00 Beijing time is stored in UTC and overdue at 20:00 Beijing time', async () => {
    const db = h.server.store.db;
    const call = await answeredCall({ httpUrl: h.server.httpUrl, simUrl: h.sim.httpUrl }, '1002', '13800137302');
    const path = `/api/v1/tickets/${call.number}`;
    // Earlier than the rule's 15 working days: no reason needed.
    const form = await fullForm(db, { handlingUnitId: (await demoRefs(db)).unit('市住房和城乡建设委员会').id, dueOverride: '2026-06-11T18:00:00+08:00' });
    const saved = await api<{ ticket: { dueAt: string; dueOverride: string } }>(h.server.httpUrl, 'PATCH', path, { token: call.desk.token, body: form });
    expect(saved.status).toBe(200);
    expect(saved.body.ticket).toMatchObject({ dueOverride: '2026-06-11T10:00:00.000Z', dueAt: '2026-06-11T10:00:00.000Z' });
    expect((await api(h.server.httpUrl, 'POST', `${path}/register`, { token: call.desk.token })).status).toBe(200);
    expect((await api(h.server.httpUrl, 'POST', `${path}/actions`, { token: call.desk.token, body: { action: 'dispatch' } })).status).toBe(200);
    await call.hangUp();
    call.desk.close();

    // 2026-06-11 20:00 Beijing time: two hours past the deadline.
    h.clock.set('2026-06-11T12:00:00.000Z');
    const supervisor = await login(h.server.httpUrl, 'super');
    const read = await api<{ ticket: { status: string; dueAt: string } }>(h.server.httpUrl, 'GET', path, { token: supervisor });
    // The deadline has passed and the ticket is still open.
    expect(read.body.ticket.status).toBe('dispatched');
    expect(Date.parse(read.body.ticket.dueAt)).toBeLessThan(h.clock.now().getTime());
    const overdue = await api<Found>(h.server.httpUrl, 'GET', '/api/v1/tickets?overdue=true', { token: supervisor });
    expect(overdue.status).toBe(200);
    expect(overdue.body.items.map((t) => t.number)).toContain(call.number);
    // The deadline watch sees it too.
    expect(await h.server.deadlineWatch.runOnce()).toContain(call.number);
  });

  it('the admin API takes the same offsets the same way (the blacklist expiry)', async () => {
    const supervisor = await login(h.server.httpUrl, 'super');
    const entry = await api<{ expiresAt: string | null; active: boolean }>(h.server.httpUrl, 'POST', '/api/v1/blacklist', {
      token: supervisor,
      body: { number: '13800137303', reason: '恶意骚扰坐席', expiresAt: '2026-07-01T08:00:00+08:00' },
    });
    expect(entry.status).toBe(201);
    expect(entry.body).toMatchObject({ expiresAt: '2026-07-01T00:00:00.000Z', active: true });
    const leap = await api<ErrorBody>(h.server.httpUrl, 'POST', '/api/v1/blacklist', {
      token: supervisor,
      body: { number: '13800137304', reason: '恶意骚扰坐席', expiresAt: '2026-12-31T23:59:60Z' },
    });
    expect(leap.status).toBe(400);
    expect(leap.body.details).toEqual([{ field: '/expiresAt', in: 'body', message: '不是有效的时间（如 2026-06-10T08:00:00+08:00）' }]);
  });
});
