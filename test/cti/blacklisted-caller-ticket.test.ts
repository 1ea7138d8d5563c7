/**
 * The ticket of a call turned away as blacklisted (骚扰号码). Every call gets its ticket before the
 * caller hears anything, the harasser's too; the call then ends `blocked` (outside the KPIs). The
 * ticket's history says why nobody took it (骚扰号码，已拒接); it stays out of the agents' lists (no
 * agent took it), of the deadline watch (no deadline: never registered) and of the early warning and
 * the weekly hot topics (registered tickets only); and when the number, taken off the blacklist, calls
 * again as a citizen, the turned-away call is not in their screen-pop's history nor makes them a
 * repeat caller (as it does not for the repeat-call warning and the KPIs' 重复来电率).
 */
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { BLOCKED_TICKET_NOTE } from '../../cti/calls/call-end.js';
import { calls, tickets } from '../../store/index.js';
import { first } from '../../store/prepared.js';
import { api, client, login } from '../admin-api/admin-client.js';
import { AgentDesktop } from '../support/agent-desktop.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';

const h = useHarness({}, { core: { soundDurations: { 'blocked-notice': 2 } } });
beforeAll(() => registerPhones(h.sim, ['1001'], 'manual'));

const rowOf = async (id: string) => first(await h.server.store.db.select().from(calls).where(eq(calls.linkedId, id)).limit(1));
const ticketOf = async (id: string) => first(await h.server.store.db.select().from(tickets).where(eq(tickets.callKey, id)).limit(1));

type History = { actor: string; kind: string; note: string | null }[];

/** A call from `number`, blacklisted, turned away with the notice; its blacklist entry's id. */
async function turnedAway(supervisor: ReturnType<typeof client>, number: string): Promise<{ callId: string; entryId: number }> {
  const entry = await supervisor<{ id: number }>('POST', '/api/v1/blacklist', { number, reason: '多次恶意骚扰坐席' });
  expect(entry.status).toBe(201);
  const callId = await placeCall(h.sim.httpUrl, number, '12345');
  const row = await waitFor(async () => {
    const r = await rowOf(callId);
    return r?.endedAt ? r : undefined;
  }, 'the blocked call over');
  expect(row.outcome).toBe('blocked');
  return { callId, entryId: entry.body.id };
}

describe('the ticket of a call turned away as blacklisted', () => {
  it('says in its history why nobody took it, and stays off the agents’ lists, the deadline watch and the hot topics', async () => {
    const number = '13800135570';
    const supervisorToken = await login(h.server.httpUrl, 'super');
    const supervisor = client(h.server.httpUrl, supervisorToken);
    const { callId } = await turnedAway(supervisor, number);
    const ticket = await waitFor(() => ticketOf(callId), 'the call’s ticket');

    // The history, as a supervisor reads it.
    const read = async () => (await api<{ ticket: { status: string }; history: History }>(h.server.httpUrl, 'GET', `/api/v1/tickets/${ticket.number}`, { token: supervisorToken })).body;
    const noted = await waitFor(async () => {
      const body = await read();
      return body.history.some((e) => e.kind === 'blocked') ? body : undefined;
    }, 'the turned-away line in the ticket’s history').catch(async () => read());
    expect(noted.history.map((e) => ({ actor: e.actor, kind: e.kind, note: e.note })), 'opened, then turned away').toEqual([
      { actor: 'system', kind: 'created', note: '来电受理' },
      { actor: 'system', kind: 'blocked', note: BLOCKED_TICKET_NOTE },
    ]);
    expect(BLOCKED_TICKET_NOTE).toBe('骚扰号码，已拒接');
    // Nobody took it, nobody registered it, no deadline runs for it. Not moved to 已办结: a closed
    // ticket goes to the survey callbacks (回访), which would ring the harasser.
    const row = await ticketOf(callId);
    expect({ status: row?.status, agentId: row?.agentId, registeredAt: row?.registeredAt, dueAt: row?.dueAt }).toEqual({
      status: 'accepted',
      agentId: null,
      registeredAt: null,
      dueAt: null,
    });

    // Not in an agent's lists: 我的工单 (with its 待登记 drafts), nor their search by the number.
    const desk = await AgentDesktop.login(h.server.httpUrl, '1001');
    try {
      const mine = await api<{ items: { number: string }[] }>(h.server.httpUrl, 'GET', '/api/v1/tickets/mine', { token: desk.token });
      expect(mine.body.items.map((t) => t.number)).not.toContain(ticket.number);
      const found = await api<{ total: number }>(h.server.httpUrl, 'GET', `/api/v1/tickets?caller=${number}`, { token: desk.token });
      expect(found.body.total).toBe(0);
    } finally {
      desk.close();
    }

    // Not counted in the week's hot topics (the early warning counts the same registered tickets).
    const topics = await api<{ total: { thisWeek: number } }>(h.server.httpUrl, 'GET', '/api/v1/hot-topics', { token: supervisorToken });
    expect(topics.status).toBe(200);
    expect(topics.body.total.thisWeek).toBe(0);
    // No 督办: a month on, the deadline watch has nothing to say of it.
    h.clock.set(new Date(h.clock.now().getTime() + 30 * 86_400_000).toISOString());
    expect(await h.server.deadlineWatch.runOnce()).not.toContain(ticket.number);
  });

  it('is not in the screen-pop of the number calling again as a citizen, nor makes it a repeat caller', async () => {
    const number = '13800135571';
    const supervisor = client(h.server.httpUrl, await login(h.server.httpUrl, 'super'));
    const { entryId } = await turnedAway(supervisor, number);
    expect((await supervisor('DELETE', `/api/v1/blacklist/${entryId}`)).status).toBe(204);

    const desk = await AgentDesktop.login(h.server.httpUrl, '1001');
    try {
      expect(await desk.command('agent.ready')).toMatchObject({ ok: true });
      const id = await placeCall(h.sim.httpUrl, number, '12345');
      const pop = await desk.next('call.offered', (m) => m.callId === id);
      expect({ repeatCaller: pop.repeatCaller, history: pop.history }, 'the only earlier call was turned away').toEqual({ repeatCaller: false, history: [] });
      await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
      await waitFor(async () => (await rowOf(id))?.endedAt, 'the citizen’s call over');
    } finally {
      desk.close();
    }
  });
});
