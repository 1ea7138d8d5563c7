/**
 * A ticket returned by a unit (退单) goes back to its agent to be dispatched again (改派), and the form
 * lets them choose another 承办单位 and 办理时限. The chosen deadline is the one that applies, checked
 * as at acceptance: not in the past, later than the rule's only with a reason, never beyond the rule
 * plus both extensions; cleared, the rule's deadline applies again. The dispatch then carries it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { api, login } from '../admin-api/admin-client.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { answeredCall, demoRefs, fullForm } from '../support/ticket-calls.js';

const h = useHarness();
beforeAll(() => registerPhones(h.sim));

interface One {
  ticket: { status: string; dueAt: string | null; dueOverride: string | null; handlingUnit: string | null };
}

describe('re-dispatching a returned ticket', () => {
  it('applies and checks the deadline the agent chooses', async () => {
    const db = h.server.store.db;
    const refs = await demoRefs(db);
    const call = await answeredCall({ httpUrl: h.server.httpUrl, simUrl: h.sim.httpUrl }, '1001', '13800137501');
    const path = `/api/v1/tickets/${call.number}`;
    const token = call.desk.token;
    expect((await api(h.server.httpUrl, 'PATCH', path, { token, body: await fullForm(db, { handlingUnitId: refs.unit('市住房和城乡建设委员会').id }) })).status).toBe(200);
    expect((await api(h.server.httpUrl, 'POST', `${path}/register`, { token })).status).toBe(200);
    const first = await api<One>(h.server.httpUrl, 'POST', `${path}/actions`, { token, body: { action: 'dispatch' } });
    const ruleDue = first.body.ticket.dueAt ?? '';
    const supervisor = await login(h.server.httpUrl, 'super');
    const returned = await api<One>(h.server.httpUrl, 'POST', `${path}/actions`, { token: supervisor, body: { action: 'return', note: '非本单位职责' } });
    expect(returned.body.ticket.status).toBe('returned');

    // The agent picks another unit and an earlier deadline (allowed without a reason).
    const now = h.clock.now().getTime();
    const chosen = new Date(now + 3 * 86_400_000).toISOString();
    expect(Date.parse(chosen)).toBeLessThan(Date.parse(ruleDue));
    const other = refs.unit('市交通运输局');
    const save = (body: Record<string, unknown>) => api<One & { error?: string }>(h.server.httpUrl, 'PATCH', path, { token, body });
    const saved = await save({ handlingUnitId: other.id, dueOverride: chosen });
    expect(saved.status).toBe(200);
    expect(saved.body.ticket).toMatchObject({ dueOverride: chosen, dueAt: chosen, handlingUnit: '市交通运输局' });

    // Refused as before the first dispatch, and nothing changes: a deadline already past, one later
    // than the rule's without a reason, one beyond the rule plus both extensions.
    const past = await save({ dueOverride: new Date(now - 86_400_000).toISOString() });
    expect(past).toMatchObject({ status: 409, body: { error: '办理时限须晚于当前时间' } });
    const later = new Date(Date.parse(ruleDue) + 86_400_000).toISOString();
    expect(await save({ dueOverride: later })).toMatchObject({ status: 409, body: { error: '办理时限晚于规定时限，须填写延长理由' } });
    expect(await save({ dueOverride: new Date(Date.parse(ruleDue) + 60 * 86_400_000).toISOString(), dueReason: '需多部门会商' })).toMatchObject({
      status: 409,
      body: { error: '办理时限超过规定时限加最长延期，不能设定' },
    });
    // With a reason, a later one is taken.
    expect((await save({ dueOverride: later, dueReason: '需多部门会商' })).body.ticket).toMatchObject({ dueOverride: later, dueAt: later });
    // Cleared, the rule's deadline applies again; chosen again, it is dispatched with the ticket.
    expect((await save({ dueOverride: null, dueReason: null })).body.ticket).toMatchObject({ dueOverride: null, dueAt: ruleDue });
    expect((await save({ dueOverride: chosen })).body.ticket.dueAt).toBe(chosen);
    const again = await api<One>(h.server.httpUrl, 'POST', `${path}/actions`, { token, body: { action: 'dispatch', note: '改派市交通局' } });
    expect(again.body.ticket).toMatchObject({ status: 'dispatched', dueAt: chosen, handlingUnit: '市交通运输局' });
    await call.hangUp();
    call.desk.close();
  });
});
