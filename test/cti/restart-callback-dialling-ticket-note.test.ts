/**
 * An agent's 回拨 of a missed call (`call.dial` with `missedCallId`) is still ringing the citizen when
 * the server restarts. The new server's pass ends the attempt `failed`, and — as for a 外呼, whose own
 * ticket gets the line — the missed call's ticket, which the 回拨 ran under (the 回拨 opened none of
 * its own), says why it was not reached.
 */
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { calls, missedCalls, ticketEvents, tickets } from '../../store/index.js';
import { first } from '../../store/prepared.js';
import type { RunningServer } from '../../main.js';
import { AgentDesktop } from '../support/agent-desktop.js';
import { registerPhones } from '../support/harness.js';
import { restartWorld, simChannels, type World } from '../support/restart-world.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';

let world: World | null = null;
afterEach(async () => {
  await world?.cleanup();
  world = null;
});

const rowOf = async (server: RunningServer, id: string) => first(await server.store.db.select().from(calls).where(eq(calls.linkedId, id)).limit(1));

describe('a 回拨 still ringing the citizen when the server restarts', () => {
  it("ends failed and the missed call's ticket says so, as a 外呼's own ticket does", async () => {
    world = await restartWorld();
    const { sim } = world;
    await registerPhones(sim, ['1001', 'trunk']);
    const server = (await world.boot({ queueOverflowSeconds: 3600 })).server;
    // A caller gives up in the queue nobody staffs: an entry on the missed-call list, under their call's ticket.
    const caller = '13800138603';
    const gaveUp = await placeCall(sim.httpUrl, caller, '12345');
    await waitFor(async () => (await rowOf(server, gaveUp))?.state === 'queued', 'queued');
    await simRequest(sim.httpUrl, 'POST', `/sim/channels/${gaveUp}/hangup`);
    const missed = await waitFor(async () => first(await server.store.db.select().from(missedCalls).where(eq(missedCalls.callerNumber, caller)).limit(1)), 'the missed-call entry');
    const ticket = first(await server.store.db.select().from(tickets).where(eq(tickets.callKey, gaveUp)).limit(1));
    expect(ticket, "the missed call's ticket").toBeDefined();

    // The citizen's phone rings until answered by the test: it never is.
    await simRequest(sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/trunk', { answer: 'manual' });
    const desk = await AgentDesktop.login(server.httpUrl, '1001');
    let callId = '';
    try {
      expect(await desk.command('agent.ready')).toMatchObject({ ok: true });
      // The command's answer comes once the citizen answered or the attempt failed: the server goes away first.
      void desk.command('call.dial', { number: caller, missedCallId: missed.id }).catch(() => undefined);
      const pop = await desk.next('call.offered', (m) => m.outbound === true);
      expect(pop).toMatchObject({ missedCallId: missed.id, ticketId: ticket?.id });
      callId = String(pop.callId);
      await waitFor(async () => (await simChannels(sim)).some((c) => c.id === callId), "the citizen's phone ringing");
    } finally {
      desk.close();
    }
    await server.close();

    const second = await world.boot({ queueOverflowSeconds: 3600 });
    expect(second.passes[0]).toMatchObject({ outboundEnded: 1 });
    await waitFor(async () => (await simChannels(sim)).length === 0, 'no leg left');
    expect(await rowOf(second.server, callId)).toMatchObject({ state: 'ended', outcome: 'failed' });
    const lines = await second.server.store.db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, ticket?.id ?? -1));
    expect(lines.map((l) => [l.kind, l.note])).toContainEqual(['outbound-failed', '外呼未接通：系统重启，呼叫已中断']);
    // The 回拨 opened no ticket of its own for the line to land on instead.
    expect(first(await second.server.store.db.select().from(tickets).where(eq(tickets.callKey, callId)).limit(1))).toBeUndefined();
  });
});
