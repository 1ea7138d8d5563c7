/**
 * The centre reads deadlines in Beijing time. The deadline watch's alert on the wallboard (即将到期 /
 * 已超期) and the ticket's history lines (延期至 …, 办理时限重新计算至 …) name the deadline as a supervisor
 * reads it — `2026-06-10 22:00`, a working day's end as `24:00` of that day — never as the UTC text
 * the store keeps (`2026-06-10T14:00:00.000Z` reads as 14:00, eight hours early).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { api, login } from '../admin-api/admin-client.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { SupervisorDesk } from '../support/supervisor-desk.js';
import { answeredCall, demoRefs, fullForm } from '../support/ticket-calls.js';

const h = useHarness();
beforeAll(() => registerPhones(h.sim));

/** `YYYY-MM-DD HH:MM` in Beijing time (minutes cut, as a clock shows them). */
const beijing = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');

describe('deadlines in what supervisors read', () => {
  it('the watch alert and the extension line give the deadline in Beijing time', async () => {
    const db = h.server.store.db;
    const sup = await SupervisorDesk.login(h.server.httpUrl, 'super');
    // Wednesday 2026-06-10, 10:00 in Shanghai: an urgent (D) ticket is due 12 hours later, 22:00.
    const call = await answeredCall({ httpUrl: h.server.httpUrl, simUrl: h.sim.httpUrl }, '1001', '13800137701');
    const path = `/api/v1/tickets/${call.number}`;
    const token = call.desk.token;
    const form = await fullForm(db, { urgency: 'D', handlingUnitId: (await demoRefs(db)).unit('市住房和城乡建设委员会').id });
    expect((await api(h.server.httpUrl, 'PATCH', path, { token, body: form })).status).toBe(200);
    expect((await api(h.server.httpUrl, 'POST', `${path}/register`, { token })).status).toBe(200);
    const dispatched = await api<{ ticket: { dueAt: string } }>(h.server.httpUrl, 'POST', `${path}/actions`, { token, body: { action: 'dispatch' } });
    const dueAt = Date.parse(dispatched.body.ticket.dueAt);
    expect(beijing(dueAt).slice(0, 14)).toBe('2026-06-10 22:');

    expect(await h.server.deadlineWatch.runOnce()).toContain(call.number);
    const alert = await sup.next('alert', (m) => m.kind === 'ticket-due-soon' && m.ticketNumber === call.number);
    expect(alert.message).toBe(`工单 ${call.number} 即将到期（期限 ${beijing(dueAt)}）`);

    // 延期: 5 working days from Wednesday 06-10 — Thursday, Friday, Monday to Wednesday 06-17, to its end.
    const supervisor = await login(h.server.httpUrl, 'super');
    const extended = await api<{ ticket: { dueAt: string } }>(h.server.httpUrl, 'POST', `${path}/extensions`, { token: supervisor, body: { note: '需现场勘查' } });
    expect(extended.body.ticket.dueAt).toBe('2026-06-17T16:00:00.000Z');
    const read = await api<{ history: { kind: string; note: string | null }[] }>(h.server.httpUrl, 'GET', path, { token: supervisor });
    const lines = read.body.history.filter((e) => e.kind === 'supervise-mark' || e.kind === 'extended').map((e) => e.note);
    expect(lines).toEqual([`即将到期（期限 ${beijing(dueAt)}）`, '延期至 2026-06-17 24:00：需现场勘查']);
    await call.hangUp();
    call.desk.close();
    sup.close();
  });
});
