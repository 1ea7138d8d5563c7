/**
 * A blind transfer's target answers, and Asterisk refuses to move the caller off hold into the call
 * (the request gets no answer, every try): the caller must not stay in the hold music with the target
 * hearing nobody and never told they have the call. The target's line is hung up, a colleague's desk
 * is told in Chinese (`call.offer.withdrawn` `reason` `not-connected`, never `call.answered`) and they
 * are ready again; the caller goes back in line; the ticket history says what happened; and the
 * transfer's lock is gone (the call can be transferred again).
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDepartmentContact, ticketEvents, tickets } from '../../store/index.js';
import { OpenDesks, type WireMessage } from '../support/agent-desktop.js';
import { registerPhones, hangUpEverything, useHarness } from '../support/harness.js';
import { placeCall, simChannels, simRequest, waitFor } from '../support/sim-client.js';

/** The call bridge the caller's moves into are lost (the connection closes unanswered, every try), and the caller. */
let lose: { bridge: string; caller: string } | null = null;
// The first agent stays in wrap-up: the caller back in line can only be offered to the colleague.
const h = useHarness(
  { ringTimeoutSeconds: 10, wrapUpSeconds: 30 },
  {
    // A request lost on its way is an HTTP failure: an Asterisk that takes no requests over the events socket.
    requestsOverSocket: false,
    onAriRequest: (r) =>
      lose !== null &&
      r.method === 'POST' &&
      r.path.endsWith(`/bridges/${lose.bridge}/addChannel`) &&
      r.query.some(([, value]) => value.split(',').includes(lose?.caller ?? ''))
        ? 'drop'
        : undefined,
  },
);
const desks = new OpenDesks(() => h.server.httpUrl);

beforeAll(async () => {
  await registerPhones(h.sim);
});
afterAll(() => desks.closeAll());
afterEach(async () => {
  lose = null;
  await hangUpEverything(h);
  desks.closeAll();
});

const channels = () => simChannels(h.sim.httpUrl);
const colleagueId = () => h.server.calls.agents.list().find((a) => a.login === '1002')?.agentId;
const blindTransferNotes = async (ticketNumber: string) => {
  const ticket = (await h.server.store.db.select().from(tickets).where(eq(tickets.number, ticketNumber)).limit(1))[0];
  const rows = await h.server.store.db.select().from(ticketEvents).where(and(eq(ticketEvents.ticketId, ticket?.id ?? -1), eq(ticketEvents.kind, 'blind-transfer')));
  return rows.map((e) => e.note ?? '');
};

describe('a blind transfer whose hand-over Asterisk refuses once the target answered', () => {
  it('the colleague is told and ready again, the caller back in line, the ticket history says so, the lock released', async () => {
    const a = await desks.open('1001', true);
    const t = await desks.open('1002');
    const caller = await placeCall(h.sim.httpUrl, '13800007801', '12345');
    const pop = await a.next('call.offered', (m) => m.callId === caller);
    await a.next('call.answered', (m) => m.callId === caller);
    expect(await t.command('agent.ready')).toMatchObject({ ok: true });
    await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/1002', { online: true, answer: 'manual', answerDelayMs: 50 });

    const bridge = h.server.calls.call(caller)?.bridgeId;
    expect(bridge).toBeTruthy();
    expect(await a.command('call.transfer', { callId: caller, target: { kind: 'agent', agentId: colleagueId() }, mode: 'blind' })).toMatchObject({ ok: true });
    await t.next('call.offered', (m) => m.callId === caller);
    await waitFor(async () => (await channels()).some((c) => c.name.startsWith('PJSIP/1002-') && c.state === 'Ringing'), "the colleague's phone ringing");
    lose = { bridge: String(bridge), caller };
    const mark = t.received.length;
    const after = (m: WireMessage) => t.received.indexOf(m) >= mark;
    await simRequest(h.sim.httpUrl, 'POST', '/sim/endpoints/PJSIP/1002/answer');

    // The colleague's pop goes, saying why; they are ready again (they missed nothing).
    const withdrawn = await t.next('call.offer.withdrawn', (m) => after(m) && m.callId === caller);
    expect(withdrawn.reason).toBe('not-connected');
    await t.next('agent.state', (m) => after(m) && m.state === 'ready');
    // Their phone is hung up, not left open on nobody.
    await waitFor(async () => !(await channels()).some((c) => c.name.startsWith('PJSIP/1002-') && c.state === 'Up'), "the colleague's line hung up");

    // The caller is back in line: offered again, here to the colleague, ready again; this time the
    // hand-over is a new answer into a new bridge, and goes through.
    await t.next('call.offered', (m) => after(m) && m.callId === caller && t.received.indexOf(m) > t.received.indexOf(withdrawn));
    expect(t.received.filter(after).some((m) => m.type === 'call.answered' && m.callId === caller && t.received.indexOf(m) < t.received.indexOf(withdrawn))).toBe(false);
    await waitFor(async () => (await channels()).some((c) => c.name.startsWith('PJSIP/1002-') && c.state === 'Ringing'), "the colleague's phone ringing again");
    await simRequest(h.sim.httpUrl, 'POST', '/sim/endpoints/PJSIP/1002/answer');
    const answered = await t.next('call.answered', (m) => after(m) && m.callId === caller);
    // The transfer no longer holds the call: the colleague may transfer it.
    expect(answered.allowed).toContain('call.transfer');

    const notes = await blindTransferNotes(String(pop.ticketNumber));
    expect(notes.some((n) => n.includes('坐席 1002') && n.includes('未能') && n.includes('回到队列')), notes.join(' | ')).toBe(true);
  });

  it('to an outside line: the line is hung up and the caller goes back in line, the ticket history says so', async () => {
    const contact = await createDepartmentContact(h.server.store.db, { unit: '市住房城乡建委', person: '钱科长', phone: '02361230002' });
    await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/trunk', { online: true, answer: 'manual' });
    const a = await desks.open('1001', true);
    const t = await desks.open('1002');
    const caller = await placeCall(h.sim.httpUrl, '13800007802', '12345');
    const pop = await a.next('call.offered', (m) => m.callId === caller);
    await a.next('call.answered', (m) => m.callId === caller);
    expect(await t.command('agent.ready')).toMatchObject({ ok: true });

    const bridge = h.server.calls.call(caller)?.bridgeId;
    expect(bridge).toBeTruthy();
    expect(await a.command('call.transfer', { callId: caller, target: { kind: 'contact', contactId: contact.id }, mode: 'blind' })).toMatchObject({ ok: true });
    const line = await waitFor(async () => (await channels()).find((c) => c.name.startsWith('PJSIP/trunk-') && c.id !== caller && c.state === 'Ringing'), 'the outside line ringing');
    lose = { bridge: String(bridge), caller };
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${line.id}/answer`);

    // Back in line, the caller reaches the only ready agent; the outside line is not left open on nobody.
    await t.next('call.offered', (m) => m.callId === caller);
    await waitFor(async () => !(await channels()).some((c) => c.id === line.id), 'the outside line hung up');
    expect(h.server.calls.call(caller)?.transferredTo ?? null).toBeNull();
    const notes = await blindTransferNotes(String(pop.ticketNumber));
    expect(notes.some((n) => n.includes('市住房城乡建委 钱科长') && n.includes('未能') && n.includes('回到队列')), notes.join(' | ')).toBe(true);
  });
});
