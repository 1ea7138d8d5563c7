/**
 * The whole server (main.ts's startServer) against the simulator: a citizen's call is answered, recorded
 * with its ticket before its first prompt, and ends; channels the server creates never open tickets.
 */
import { count, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { calls, tickets, ticketEvents } from '../../store/index.js';
import { useHarness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';
import { alterSchema } from '../support/test-database.js';
import { capturedLog } from '../support/test-logger.js';

/** The server's log lines at info level and above. */
const { log, lines: logged } = capturedLog('info');
const h = useHarness({}, {}, log);
const alter = (statement: string) => alterSchema(h.server.store, statement);

const ticketOf = async (linkedId: string) => (await h.server.store.db.select().from(tickets).where(eq(tickets.callKey, linkedId)).limit(1))[0];

describe('a citizen calls', () => {
  it('reports healthy once linked to the PBX', async () => {
    const res = await simRequest<{ status: string; ami: boolean; ari: boolean }>(h.server.httpUrl, 'GET', '/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', ami: true, ari: true, database: true });
  });

  it('gets a ticket tagged with the dialled hotline, then is answered', async () => {
    const channelId = await placeCall(h.sim.httpUrl, '13800138000', '12315');
    const ticket = await waitFor(() => ticketOf(channelId), 'the ticket');
    expect(ticket).toMatchObject({ callerNumber: '13800138000', dialledNumber: '12315', status: 'accepted' });
    expect(ticket.hotline).toBe('12315 市场监管投诉举报热线');
    expect(ticket.number).toMatch(/^\d{10}$/);
    const channel = await waitFor(async () => {
      const res = await simRequest<{ state: string }>(h.sim.httpUrl, 'GET', `/sim/channels/${channelId}`);
      return res.body.state === 'Up' ? res.body : undefined;
    }, 'the call answered');
    expect(channel.state).toBe('Up');
    const call = (await h.server.store.db.select().from(calls).where(eq(calls.linkedId, channelId)).limit(1))[0];
    expect(call?.routeId).toBe(ticket.routeId);
    expect(await h.server.store.db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, ticket.id))).toHaveLength(1);
  });

  it('a caller who hangs up before an agent answers is recorded as abandoned', async () => {
    const channelId = await placeCall(h.sim.httpUrl, '13900139000', '12345');
    await waitFor(() => ticketOf(channelId), 'the ticket');
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${channelId}/hangup`);
    const call = await waitFor(async () => {
      const row = (await h.server.store.db.select().from(calls).where(eq(calls.linkedId, channelId)).limit(1))[0];
      return row?.endedAt ? row : undefined;
    }, 'the call to end');
    expect(call.outcome).toBe('abandoned');
  });

  it('a channel the server originates for an agent opens no ticket', async () => {
    await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/1001', { online: true, answer: 'auto', answerDelayMs: 0 });
    const before = (await h.server.store.db.select({ n: count() }).from(tickets))[0]?.n ?? 0;
    const agentLeg = await h.server.link.ari.originate({
      endpoint: 'PJSIP/1001',
      app: 'hotline12345',
      appArgs: ['agent', 'some-caller'],
      callerId: '"Hotline 12345" <12345>',
      timeoutSeconds: 30,
    });
    await waitFor(async () => (await h.server.link.ari.getChannel(agentLeg.id)).state === 'Up', 'the agent leg to answer');
    await h.server.link.ari.hangup(agentLeg.id);
    expect((await h.server.store.db.select({ n: count() }).from(tickets))[0]?.n).toBe(before);
  });

  it("a caller whose routing read fails is still queued, and the failure's log shows their number masked", async () => {
    const caller = '13800138555';
    // The blacklist cannot be read while this caller arrives: on PostgreSQL the failed query's error
    // carries its parameters, the caller's number among them.
    await alter('alter table blacklist rename to blacklist_away');
    let channelId: string;
    try {
      channelId = await placeCall(h.sim.httpUrl, caller, '12345');
      await waitFor(async () => (await h.server.store.db.select().from(calls).where(eq(calls.linkedId, channelId)).limit(1))[0]?.state === 'queued', 'the caller queued');
    } finally {
      await alter('alter table blacklist_away rename to blacklist');
    }
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${channelId}/hangup`);
    const failure = logged.find((line) => line.includes('could not route the call'));
    expect(failure).toContain(channelId);
    expect(failure).toContain('blacklist');
    expect(logged.join('')).toContain('138****8555');
    expect(logged.join('')).not.toContain(caller);
  });
});
