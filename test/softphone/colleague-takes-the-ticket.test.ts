/**
 * A colleague who takes the caller over — a blind transfer they answered, an attended transfer
 * completed to them, a three-way call the first agent left — gets the call's ticket with it: their
 * desktop opens the ticket form when it is told it has the call, so the ticket must be theirs to read,
 * fill and register by then, and their wrap-up (with the wrap-up ticket check on, the product's
 * default) ends ready once they registered it, not 示忙 (工单未登记).
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ticketEvents, tickets } from '../../store/index.js';
import { first } from '../../store/prepared.js';
import { OpenDesks, type AgentDesktop, type WireMessage } from '../support/agent-desktop.js';
import { registerPhones, startHarness, type Harness } from '../support/harness.js';
import { placeCall, simRequest } from '../support/sim-client.js';
import { fullForm } from '../support/ticket-calls.js';

let h: Harness;
const desks = new OpenDesks(() => h.server.httpUrl);

beforeAll(async () => {
  h = await startHarness({ ringTimeoutSeconds: 5, wrapUpTicketCheck: 'remind' });
  await registerPhones(h.sim);
});
afterEach(() => {
  desks.closeAll();
});
afterAll(async () => {
  await h.stop();
});

const desk = (login: string, ready: boolean) => desks.open(login, ready);
const agentId = (login: string) => h.server.calls.agents.list().find((a) => a.login === login)?.agentId;
const tokenOf = async (login: string) =>
  (await simRequest<{ token: string }>(h.server.httpUrl, 'POST', '/api/v1/auth/login', { username: login, password: 'demo' })).body.token;

async function api(login: string, method: string, path: string, body?: unknown): Promise<number> {
  const res = await fetch(`${h.server.httpUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${await tokenOf(login)}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return res.status;
}

/** A (1001) answers a citizen's call; T (1002) is made ready once A has it. Returns the call and its ticket number. */
async function callWithA(caller: string): Promise<{ a: AgentDesktop; t: AgentDesktop; callId: string; ticket: string }> {
  const a = await desk('1001', true);
  const t = await desk('1002', false);
  const callId = await placeCall(h.sim.httpUrl, caller, '12345');
  const pop = await a.next('call.offered', (m) => m.callId === callId);
  await a.next('call.answered', (m) => m.callId === callId);
  expect(await t.command('agent.ready')).toMatchObject({ ok: true });
  return { a, t, callId, ticket: String(pop.ticketNumber) };
}

/**
 * T has the caller and was told so: the ticket is T's in the database and its history, T reads,
 * fills and registers it, and T's wrap-up after the call ends ready.
 */
async function colleagueOwnsTicket(t: AgentDesktop, callId: string, ticket: string): Promise<void> {
  const row = first(await h.server.store.db.select().from(tickets).where(eq(tickets.number, ticket)).limit(1));
  expect(row?.agentId).toBe(agentId('1002'));
  const handed = await h.server.store.db
    .select()
    .from(ticketEvents)
    .where(and(eq(ticketEvents.ticketId, row?.id ?? -1), eq(ticketEvents.kind, 'handed-over')));
  expect(handed.map((e) => [e.actor, e.note])).toEqual([['1002', '工单转交坐席 1002']]);

  expect(await api('1002', 'GET', `/api/v1/tickets/${ticket}`), 'GET by the colleague now on the call').toBe(200);
  expect(await api('1002', 'PATCH', `/api/v1/tickets/${ticket}`, await fullForm(h.server.store.db))).toBe(200);
  expect(await api('1002', 'POST', `/api/v1/tickets/${ticket}/register`), 'register by the colleague').toBe(200);

  const mark = t.received.length;
  const after = (m: WireMessage) => t.received.indexOf(m) >= mark;
  await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${callId}/hangup`);
  await t.next('call.ended', (m) => after(m) && m.callId === callId);
  await t.next('agent.state', (m) => after(m) && m.state === 'wrap_up');
  const wrapUpEnd = await t.next('agent.state', (m) => after(m) && m.state !== 'wrap_up');
  expect(wrapUpEnd).toMatchObject({ state: 'ready', reason: null });
}

describe('the colleague who takes the caller over gets the ticket', () => {
  it('after a blind transfer the colleague answered', async () => {
    const { a, t, callId, ticket } = await callWithA('13800007001');
    expect(await a.command('call.transfer', { callId, target: { kind: 'agent', agentId: agentId('1002') }, mode: 'blind' })).toMatchObject({ ok: true });
    await t.next('call.answered', (m) => m.callId === callId);
    await colleagueOwnsTicket(t, callId, ticket);
  });

  it('after an attended transfer completed to the colleague', async () => {
    const { a, t, callId, ticket } = await callWithA('13800007002');
    expect(await a.command('call.transfer', { callId, target: { kind: 'agent', agentId: agentId('1002') }, mode: 'attended' })).toMatchObject({ ok: true });
    await a.next('call.consult.answered', (m) => m.callId === callId);
    expect(await a.command('call.transfer.complete', { callId })).toMatchObject({ ok: true });
    await t.next('call.answered', (m) => m.callId === callId);
    await colleagueOwnsTicket(t, callId, ticket);
  });

  it("the first agent's wrap-up ends ready, not 示忙: the ticket is the colleague's to register now", async () => {
    const { a, t, callId, ticket } = await callWithA('13800007004');
    expect(await a.command('call.transfer', { callId, target: { kind: 'agent', agentId: agentId('1002') }, mode: 'attended' })).toMatchObject({ ok: true });
    await a.next('call.consult.answered', (m) => m.callId === callId);
    const mark = a.received.length;
    expect(await a.command('call.transfer.complete', { callId })).toMatchObject({ ok: true });
    await t.next('call.answered', (m) => m.callId === callId);
    await a.next('agent.state', (m) => a.received.indexOf(m) >= mark && m.state === 'wrap_up');
    const wrapUpEnd = await a.next('agent.state', (m) => a.received.indexOf(m) >= mark && m.state !== 'wrap_up');
    expect(wrapUpEnd).toMatchObject({ state: 'ready', reason: null });
    // Unregistered still, and no longer the first agent's to open.
    expect(first(await h.server.store.db.select().from(tickets).where(eq(tickets.number, ticket)).limit(1))?.registeredAt).toBeNull();
    expect(await api('1001', 'GET', `/api/v1/tickets/${ticket}`)).toBe(404);
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${callId}/hangup`);
    await t.next('call.ended', (m) => m.callId === callId);
  });

  it('after the first agent left a three-way call with the colleague', async () => {
    const { a, t, callId, ticket } = await callWithA('13800007003');
    expect(await a.command('call.conference', { callId, target: { kind: 'agent', agentId: agentId('1002') } })).toMatchObject({ ok: true });
    // While the first agent is in the call the ticket stays theirs.
    expect(await api('1002', 'GET', `/api/v1/tickets/${ticket}`)).toBe(404);
    expect(await a.command('call.kick', { callId, party: 'agent' })).toMatchObject({ ok: true });
    await t.next('call.conference.ended', (m) => m.callId === callId && m.left === 'third');
    await colleagueOwnsTicket(t, callId, ticket);
  });
});
