/**
 * 重办 (redo). A citizen dissatisfied at the 回访 gets the ticket reopened and dispatched again. The
 * redone ticket gets a new round: a deadline counted from the redo (the first round's has usually
 * passed by then), no extension used yet, and the change written to its history — it is not overdue
 * the moment the unit receives it, and 延期 stays possible.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { deadlineText } from '../../routing/tickets/deadlines.js';
import { api, login } from '../admin-api/admin-client.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { answeredCall, demoRefs, fullForm } from '../support/ticket-calls.js';

const h = useHarness();
beforeAll(() => registerPhones(h.sim));

interface One {
  ticket: { status: string; dueAt: string | null; extensions: number };
}

describe('a redone ticket', () => {
  it('gets a deadline ahead of it when dispatched again', async () => {
    const db = h.server.store.db;
    const call = await answeredCall({ httpUrl: h.server.httpUrl, simUrl: h.sim.httpUrl }, '1001', '13800137201');
    const path = `/api/v1/tickets/${call.number}`;
    const agent = call.desk.token;
    const form = await fullForm(db, { handlingUnitId: (await demoRefs(db)).unit('市住房和城乡建设委员会').id });
    expect((await api(h.server.httpUrl, 'PATCH', path, { token: agent, body: form })).status).toBe(200);
    expect((await api(h.server.httpUrl, 'POST', `${path}/register`, { token: agent })).status).toBe(200);
    const first = await api<One>(h.server.httpUrl, 'POST', `${path}/actions`, { token: agent, body: { action: 'dispatch' } });
    expect(first.body.ticket.status).toBe('dispatched');
    await call.hangUp();

    // The unit takes it and gets an extension in the first round.
    let supervisor = await login(h.server.httpUrl, 'super');
    const act = (body: Record<string, unknown>) => api<One & { error?: string }>(h.server.httpUrl, 'POST', `${path}/actions`, { token: supervisor, body });
    expect((await act({ action: 'take' })).status).toBe(200);
    const extended = await api<One>(h.server.httpUrl, 'POST', `${path}/extensions`, { token: supervisor, body: { note: '需现场勘查' } });
    expect(extended.body.ticket.extensions).toBe(1);
    const firstDue = Date.parse(extended.body.ticket.dueAt ?? '');

    // It replies late in its time; it is closed and the 回访 comes two days after the first round's
    // deadline: the citizen is dissatisfied, the ticket is redone and dispatched again.
    h.clock.set(new Date(firstDue + 2 * 86_400_000).toISOString());
    supervisor = await login(h.server.httpUrl, 'super');
    for (const body of [
      { action: 'reply' },
      { action: 'close' },
      { action: 'start-callback' },
      { action: 'evaluate', satisfaction: 'dissatisfied', note: '问题未解决' },
    ]) {
      expect((await act(body)).status, body.action).toBe(200);
    }
    const redone = await act({ action: 'redo', note: '回访不满意，重新办理' });
    expect(redone.status).toBe(200);
    expect(redone.body.ticket.extensions, 'no extension used in the new round').toBe(0);
    const again = await act({ action: 'dispatch', note: '重办，再次派单' });
    expect(again.body.ticket.status).toBe('dispatched');

    const now = h.clock.now().getTime();
    const newDue = again.body.ticket.dueAt ?? '';
    expect(Date.parse(newDue), 'the redone ticket is not overdue the moment it is dispatched').toBeGreaterThan(now);
    // A complaint: 15 working days from the redo, so at least three weeks ahead.
    expect(Date.parse(newDue)).toBeGreaterThan(now + 15 * 86_400_000);
    const extension = await api<{ error?: string }>(h.server.httpUrl, 'POST', `${path}/extensions`, { token: supervisor, body: { note: '需现场勘查' } });
    expect(extension.body.error ?? null, 'the unit may still ask for an extension').toBeNull();

    // The history says so.
    const read = await api<{ history: { kind: string; note: string | null }[] }>(h.server.httpUrl, 'GET', path, { token: supervisor });
    const redo = read.body.history.find((e) => e.kind === 'redo');
    expect(redo?.note).toBe(`回访不满意，重新办理；办理时限重新计算至 ${deadlineText(newDue)}（原期限 ${deadlineText(new Date(firstDue).toISOString())}），延期次数重新计算`);
    call.desk.close();
  });

  it('dispatched again only after the redo deadline passed, counts its deadline from the dispatch', async () => {
    const db = h.server.store.db;
    const call = await answeredCall({ httpUrl: h.server.httpUrl, simUrl: h.sim.httpUrl }, '1001', '13800137202');
    const path = `/api/v1/tickets/${call.number}`;
    const agent = call.desk.token;
    // Urgent (D): 12 hours.
    const form = await fullForm(db, { urgency: 'D', handlingUnitId: (await demoRefs(db)).unit('市住房和城乡建设委员会').id });
    expect((await api(h.server.httpUrl, 'PATCH', path, { token: agent, body: form })).status).toBe(200);
    expect((await api(h.server.httpUrl, 'POST', `${path}/register`, { token: agent })).status).toBe(200);
    expect((await api(h.server.httpUrl, 'POST', `${path}/actions`, { token: agent, body: { action: 'dispatch' } })).status).toBe(200);
    await call.hangUp();
    call.desk.close();
    const supervisor = await login(h.server.httpUrl, 'super');
    const act = (body: Record<string, unknown>) => api<One & { error?: string }>(h.server.httpUrl, 'POST', `${path}/actions`, { token: supervisor, body });
    for (const body of [
      { action: 'take' },
      { action: 'reply' },
      { action: 'close' },
      { action: 'start-callback' },
      { action: 'evaluate', satisfaction: 'dissatisfied', note: '问题未解决' },
    ]) {
      expect((await act(body)).status, body.action).toBe(200);
    }
    // 12 hours from the moment of the move (the test clock runs on while the request is answered).
    const twelveHoursFromMove = async (move: () => Promise<One>): Promise<number> => {
      const before = h.clock.now().getTime();
      const answer = await move();
      const after = h.clock.now().getTime();
      const due = Date.parse(answer.ticket.dueAt ?? '');
      expect(due).toBeGreaterThanOrEqual(before + 12 * 3600_000);
      expect(due).toBeLessThanOrEqual(after + 12 * 3600_000);
      return due;
    };
    const redoDue = await twelveHoursFromMove(async () => (await act({ action: 'redo', note: '回访不满意，重新办理' })).body);

    // Nobody dispatches it for a day.
    h.clock.set(new Date(redoDue + 12 * 3600_000).toISOString());
    const token = await login(h.server.httpUrl, 'super');
    await twelveHoursFromMove(async () => (await api<One>(h.server.httpUrl, 'POST', `${path}/actions`, { token, body: { action: 'dispatch' } })).body);
  });
});
