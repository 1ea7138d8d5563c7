/**
 * The deadline watch (督办) tells supervisors of a ticket "due soon" (within 24 hours) and of a ticket
 * "overdue". A ticket it already flagged as due soon is looked at again: the moment it runs out,
 * supervisors hear "overdue" (with the watch running every minute, every ticket is seen "due soon"
 * first — an urgent (D, 12 hours) ticket at its very first run). A new deadline (延期) lets the watch
 * flag it again for that deadline.
 */
import { asc, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { deadlineText } from '../../routing/tickets/deadlines.js';
import { ticketEvents, tickets } from '../../store/index.js';
import { api, login } from '../admin-api/admin-client.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { SupervisorDesk } from '../support/supervisor-desk.js';
import { answeredCall, demoRefs, fullForm, type AnsweredCall } from '../support/ticket-calls.js';

const h = useHarness();
beforeAll(() => registerPhones(h.sim));

/** An urgent (D: 12 hours) ticket registered and dispatched on the call, the call then ended. */
async function dispatchedUrgent(caller: string): Promise<{ call: AnsweredCall; dueAt: number }> {
  const db = h.server.store.db;
  const call = await answeredCall({ httpUrl: h.server.httpUrl, simUrl: h.sim.httpUrl }, '1001', caller);
  const path = `/api/v1/tickets/${call.number}`;
  const form = await fullForm(db, { urgency: 'D', handlingUnitId: (await demoRefs(db)).unit('市住房和城乡建设委员会').id });
  expect((await api(h.server.httpUrl, 'PATCH', path, { token: call.desk.token, body: form })).status).toBe(200);
  expect((await api(h.server.httpUrl, 'POST', `${path}/register`, { token: call.desk.token })).status).toBe(200);
  const dispatched = await api<{ ticket: { status: string; dueAt: string } }>(h.server.httpUrl, 'POST', `${path}/actions`, {
    token: call.desk.token,
    body: { action: 'dispatch' },
  });
  expect(dispatched.body.ticket.status).toBe('dispatched');
  await call.hangUp();
  call.desk.close();
  return { call, dueAt: Date.parse(dispatched.body.ticket.dueAt) };
}

async function watchNotes(number: string): Promise<string[]> {
  const db = h.server.store.db;
  const ticket = (await db.select().from(tickets).where(eq(tickets.number, number)))[0];
  return (await db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, ticket?.id ?? -1)).orderBy(asc(ticketEvents.id)))
    .filter((e) => e.kind === 'supervise-mark')
    .map((e) => e.note ?? '');
}

describe('deadline watch on an urgent ticket', () => {
  it('says "due soon" first and "overdue" once the deadline has passed', async () => {
    const sup = await SupervisorDesk.login(h.server.httpUrl, 'super');
    const { call, dueAt } = await dispatchedUrgent('13800137101');

    // The watch's next run: 12 hours to go — due soon.
    expect(await h.server.deadlineWatch.runOnce()).toContain(call.number);
    await sup.next('alert', (m) => m.kind === 'ticket-due-soon' && m.ticketNumber === call.number);
    // Nothing new for the next run.
    expect(await h.server.deadlineWatch.runOnce()).not.toContain(call.number);

    // An hour past the deadline, the unit still has not replied.
    h.clock.set(new Date(dueAt + 3600_000).toISOString());
    expect(await h.server.deadlineWatch.runOnce(), 'the overdue ticket is flagged once it is overdue').toContain(call.number);
    const alert = await sup.next('alert', (m) => m.kind === 'ticket-overdue' && m.ticketNumber === call.number);
    expect(String(alert.message)).toContain('已超期');
    expect(await h.server.deadlineWatch.runOnce(), 'and only once').not.toContain(call.number);
    const notes = await watchNotes(call.number);
    expect(notes.map((n) => n.slice(0, 4)), 'the history says due soon, then overdue').toEqual(['即将到期', '已超期（']);
    sup.close();
  });

  it('flags a ticket again for its new deadline after an extension', async () => {
    const { call, dueAt } = await dispatchedUrgent('13800137102');
    expect(await h.server.deadlineWatch.runOnce()).toContain(call.number);

    // 延期 by 5 working days: nothing is due soon any more.
    const supervisor = await login(h.server.httpUrl, 'super');
    const extended = await api<{ ticket: { dueAt: string } }>(h.server.httpUrl, 'POST', `/api/v1/tickets/${call.number}/extensions`, {
      token: supervisor,
      body: { note: '需现场勘查' },
    });
    expect(extended.status).toBe(200);
    const newDue = Date.parse(extended.body.ticket.dueAt);
    expect(newDue).toBeGreaterThan(dueAt);
    expect(await h.server.deadlineWatch.runOnce()).not.toContain(call.number);

    // An hour before the new deadline: due soon again, for the new deadline; past it: overdue.
    h.clock.set(new Date(newDue - 3600_000).toISOString());
    expect(await h.server.deadlineWatch.runOnce()).toContain(call.number);
    h.clock.set(new Date(newDue + 60_000).toISOString());
    expect(await h.server.deadlineWatch.runOnce()).toContain(call.number);
    const notes = await watchNotes(call.number);
    expect(notes).toEqual([
      `即将到期（期限 ${deadlineText(new Date(dueAt).toISOString())}）`,
      `即将到期（期限 ${deadlineText(extended.body.ticket.dueAt)}）`,
      `已超期（期限 ${deadlineText(extended.body.ticket.dueAt)}）`,
    ]);
  });
});
