/**
 * Rings (`call_offers`, the KPIs' 振铃 and 接听) across a restart. A ring the restart cut off is hung
 * up by the reconciliation pass, which puts the caller back in line: the ring's row is closed then,
 * not left open — an open ring was closed as `answered` as soon as its agent went on a call, so one
 * call counted two answered rings. And an agent going on a call closes only their rings of that call.
 */
import { asc, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { callOffers, calls, recordOffer } from '../../store/index.js';
import { first } from '../../store/prepared.js';
import { AgentDesktop } from '../support/agent-desktop.js';
import { registerPhones } from '../support/harness.js';
import { restartWorld, simChannels, type World } from '../support/restart-world.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';

let world: World | null = null;
afterEach(async () => {
  await world?.cleanup();
  world = null;
});

describe("a restart while an agent's phone rings", () => {
  it('closes the interrupted ring at once, and the ring the agent takes afterwards is the only one answered', async () => {
    world = await restartWorld();
    const { sim } = world;
    await registerPhones(sim, ['1001'], 'manual');
    const firstServer = await world.boot();
    const desk = await AgentDesktop.login(firstServer.server.httpUrl, '1001');
    await desk.command('agent.ready');
    const id = await placeCall(sim.httpUrl, '13800009201', '12345');
    await desk.next('call.offered', (m) => m.callId === id);
    const rings = async (db = firstServer.server.store.db) => db.select().from(callOffers).where(eq(callOffers.callKey, id)).orderBy(asc(callOffers.id));
    await waitFor(async () => (await rings()).length === 1, 'the ring recorded');
    desk.close();
    await firstServer.server.close();

    const second = await world.boot();
    const db = second.server.store.db;
    expect(second.passes[0]).toMatchObject({ requeued: 1 });
    await waitFor(async () => !(await simChannels(sim)).some((c) => c.name.startsWith('PJSIP/1001')), 'the old ring hung up');
    // Closed by the pass, before anyone answers anything: the phone was not reached.
    const [cutOff] = await waitFor(async () => {
      const all = await rings(db);
      return all[0]?.outcome ? all : null;
    }, 'the interrupted ring closed');
    expect(cutOff).toMatchObject({ outcome: 'not-reached' });

    // The same agent takes the caller after the restart.
    await simRequest(sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/1001', { online: true, answer: 'auto', answerDelayMs: 50 });
    const again = await AgentDesktop.login(second.server.httpUrl, '1001');
    await again.command('agent.ready');
    await again.next('call.answered', (m) => m.callId === id, 15_000);
    await waitFor(async () => first(await db.select().from(calls).where(eq(calls.linkedId, id)).limit(1))?.answeredAt, 'the answer written');
    const rows = await waitFor(async () => {
      const all = await rings(db);
      return all.length === 2 && all.every((r) => r.outcome !== null) ? all : null;
    }, 'both rings closed');
    again.close();
    // Two rings: the one the restart cut off (not answered), and the one the agent took.
    expect(rows.map((r) => r.outcome)).toEqual(['not-reached', 'answered']);
  }, 60_000);

  it("an agent going on a call leaves their open ring of another call alone (it is not theirs to have answered)", async () => {
    world = await restartWorld();
    const { sim } = world;
    await registerPhones(sim, ['1001']);
    const booted = await world.boot();
    const db = booted.server.store.db;
    const desk = await AgentDesktop.login(booted.server.httpUrl, '1001');
    const agentId = ((await desk.next('hello')).agent as { id: number }).id;
    // A ring of another call that nothing closed (as a server before this fix left one after a restart).
    await recordOffer(db, { callKey: 'an-earlier-call', agentId, offeredAt: world.clock.now().toISOString(), waitedMs: 0, outbound: false });

    await desk.command('agent.ready');
    const id = await placeCall(sim.httpUrl, '13800009202', '12345');
    await desk.next('call.answered', (m) => m.callId === id, 15_000);
    await waitFor(async () => first(await db.select().from(callOffers).where(eq(callOffers.callKey, id)).limit(1))?.outcome === 'answered', 'the ring taken closed');
    // The recorder writes in order: the on_call change came before the ring's answer was written.
    expect(first(await db.select().from(callOffers).where(eq(callOffers.callKey, 'an-earlier-call')).limit(1))?.outcome).toBeNull();
    desk.close();
  }, 60_000);
});
