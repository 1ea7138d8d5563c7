/**
 * Every recording of a ticket, as an agent or a quality inspector (质检) reads the ticket over HTTP:
 * a caller answered again after going back to the queue has two conversations on the ticket, and a
 * callback of a missed call — an agent's 回拨 or the automatic 漏接回拨 — is recorded under the missed
 * call's own ticket. Before, the ticket named only its latest recording, and a callback's was on no
 * ticket once another came after it. The list follows the ticket's read rules (its own agent,
 * supervisors and admins; department editors not at all), and a recording the retention job removed
 * stays listed, marked deleted.
 */
import { asc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { callRecordings, calls, missedCalls, putSetting, tickets } from '../../store/index.js';
import { AgentDesktop } from '../support/agent-desktop.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';

const h = useHarness({ ringTimeoutSeconds: 5 });

interface Recording {
  name: string;
  startedAt: string;
  agentId: number | null;
  agentLogin: string | null;
  agentName: string | null;
  callId: string;
  origin: 'original' | 'callback';
  node: string | null;
  deletedAt: string | null;
}
interface TicketAnswer {
  ticket: { number: string; recording: string | null };
  recordings: Recording[];
}

async function token(username: string): Promise<string> {
  const res = await simRequest<{ token: string }>(h.server.httpUrl, 'POST', '/api/v1/auth/login', { username, password: 'demo' });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status}`);
  return res.body.token;
}

async function readTicket(username: string, number: string): Promise<{ status: number; body: TicketAnswer }> {
  const res = await fetch(`${h.server.httpUrl}/api/v1/tickets/${number}`, { headers: { authorization: `Bearer ${await token(username)}` } });
  return { status: res.status, body: (await res.json()) as TicketAnswer };
}

/** The recordings the store keeps of a call, oldest first. */
async function recordingsOfCall(linkedId: string): Promise<string[]> {
  const db = h.server.store.db;
  const row = (await db.select().from(calls).where(eq(calls.linkedId, linkedId)).limit(1))[0];
  const rows = await db.select().from(callRecordings).where(eq(callRecordings.callId, row?.id ?? -1)).orderBy(asc(callRecordings.id));
  return rows.map((r) => r.name);
}

/** The citizen waits in the queue with nobody ready and gives up: a missed call with its own ticket. */
async function abandon(caller: string): Promise<{ ticketNumber: string; missedId: number }> {
  const db = h.server.store.db;
  const id = await placeCall(h.sim.httpUrl, caller, '12345');
  await waitFor(async () => (await simRequest<{ bridgeId: string | null }>(h.sim.httpUrl, 'GET', `/sim/channels/${id}`)).body.bridgeId !== null, 'queued');
  await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
  const missed = await waitFor(async () => (await db.select().from(missedCalls).where(eq(missedCalls.callerNumber, caller)).limit(1))[0], 'missed-call entry');
  const ticket = (await db.select().from(tickets).where(eq(tickets.callKey, id)).limit(1))[0];
  if (!ticket) throw new Error('the missed call has no ticket');
  return { ticketNumber: ticket.number, missedId: missed.id };
}

describe("a ticket's recordings", () => {
  it('lists both conversations of a caller answered again after going back to the queue, oldest first, each with its agent', async () => {
    await registerPhones(h.sim);
    const first = await AgentDesktop.login(h.server.httpUrl, '1001');
    const second = await AgentDesktop.login(h.server.httpUrl, '1002');
    expect(await first.command('agent.ready')).toMatchObject({ ok: true });
    const caller = await placeCall(h.sim.httpUrl, '13800007611', '12345');
    const pop = await first.next('call.offered', (m) => m.callId === caller);
    const number = String(pop.ticketNumber);
    await first.next('call.answered', (m) => m.callId === caller);
    expect(await first.command('call.transfer', { callId: caller, target: { kind: 'skill', skill: 'general' }, mode: 'blind' })).toMatchObject({ ok: true });
    await first.next('agent.state', (m) => m.state === 'wrap_up');
    expect(await first.command('agent.notReady', { reason: '休息' })).toMatchObject({ ok: true });
    expect(await second.command('agent.ready')).toMatchObject({ ok: true });
    await second.next('call.answered', (m) => m.callId === caller);
    const names = await waitFor(async () => {
      const listed = await recordingsOfCall(caller);
      return listed.length === 2 ? listed : undefined;
    }, 'both recordings kept');

    // 质检: the supervisor reads the ticket.
    const read = await readTicket('super', number);
    expect(read.status).toBe(200);
    expect(read.body.recordings).toEqual([
      expect.objectContaining({ name: names[0], agentLogin: '1001', agentName: '王芳', callId: caller, origin: 'original', deletedAt: null }),
      expect.objectContaining({ name: names[1], agentLogin: '1002', agentName: '李强', callId: caller, origin: 'original', deletedAt: null }),
    ]);
    const [earlier, later] = read.body.recordings;
    expect(Date.parse(earlier?.startedAt ?? '')).toBeLessThan(Date.parse(later?.startedAt ?? ''));
    // The single field stays, naming the latest.
    expect(read.body.ticket.recording).toBe(names[1]);

    // The agent the ticket is theirs now reads the same list; the first agent no longer reads the
    // ticket at all (another's ticket answers 404), and a department editor reads no ticket.
    expect((await readTicket('1002', number)).body.recordings.map((r) => r.name)).toEqual(names);
    expect((await readTicket('1001', number)).status).toBe(404);
    expect((await readTicket('kb-ybj', number)).status).toBe(403);

    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${caller}/hangup`);
    await second.next('call.ended', (m) => m.callId === caller);
    first.close();
    second.close();

    // Removed by the retention job: still listed, marked deleted.
    const later200Days = new Date(h.clock.now().getTime() + 200 * 86_400_000);
    expect((await h.server.retention.runOnce(later200Days)).sort()).toEqual([...names].sort());
    const afterRetention = await readTicket('super', number);
    expect(afterRetention.body.recordings.map((r) => [r.name, typeof r.deletedAt])).toEqual([
      [names[0], 'string'],
      [names[1], 'string'],
    ]);
  });

  it("lists an agent's 回拨 of a missed call under the missed call's ticket", async () => {
    await registerPhones(h.sim);
    const caller = '13800007622';
    const { ticketNumber, missedId } = await abandon(caller);
    await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/trunk', { online: true, answer: 'auto', answerDelayMs: 20 });
    const desk = await AgentDesktop.login(h.server.httpUrl, '1003');
    expect(await desk.command('agent.ready')).toMatchObject({ ok: true });
    const dialled = desk.command('call.dial', { number: caller, missedCallId: missedId });
    const pop = await desk.next('call.offered', (m) => m.outbound === true);
    expect(pop.ticketNumber).toBe(ticketNumber);
    const callbackId = String(pop.callId);
    await desk.next('call.answered', (m) => m.callId === callbackId);
    expect(await dialled).toMatchObject({ ok: true });
    const [name] = await waitFor(async () => {
      const listed = await recordingsOfCall(callbackId);
      return listed.length === 1 ? listed : undefined;
    }, 'the callback recorded');

    const read = await readTicket('super', ticketNumber);
    expect(read.body.recordings).toEqual([expect.objectContaining({ name, agentLogin: '1003', callId: callbackId, origin: 'callback', deletedAt: null })]);
    expect(read.body.ticket.recording).toBe(name);
    expect((await readTicket('1003', ticketNumber)).body.recordings.map((r) => r.name)).toEqual([name]);

    expect(await desk.command('call.hangup', { callId: callbackId })).toMatchObject({ ok: true });
    await desk.next('call.ended', (m) => m.callId === callbackId);
    desk.close();
  });

  it("lists the automatic 漏接回拨's recording under the missed call's ticket", async () => {
    await registerPhones(h.sim);
    await putSetting(h.server.store.db, 'callback-policy', { from: '00:00', to: '24:00', workdaysOnly: false, spacingMinutes: 0, maxAttempts: 3 });
    const caller = '13800007633';
    const { ticketNumber } = await abandon(caller);
    await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/trunk', { online: true, answer: 'auto', answerDelayMs: 20 });
    const desk = await AgentDesktop.login(h.server.httpUrl, '1005');
    expect(await desk.command('agent.ready')).toMatchObject({ ok: true });
    await h.server.missedCallbacks.runOnce();
    const pop = await desk.next('call.offered', (m) => m.callerNumber === caller);
    expect(pop.ticketNumber).toBe(ticketNumber);
    const callbackId = String(pop.callId);
    await desk.next('call.answered', (m) => m.callId === callbackId);
    const [name] = await waitFor(async () => {
      const listed = await recordingsOfCall(callbackId);
      return listed.length === 1 ? listed : undefined;
    }, 'the callback recorded');

    const read = await readTicket('admin', ticketNumber);
    expect(read.status).toBe(200);
    expect(read.body.recordings).toEqual([expect.objectContaining({ name, agentLogin: '1005', agentName: '刘洋', callId: callbackId, origin: 'callback' })]);

    expect(await desk.command('call.hangup', { callId: callbackId })).toMatchObject({ ok: true });
    await desk.next('call.ended', (m) => m.callId === callbackId);
    desk.close();
  });
});
