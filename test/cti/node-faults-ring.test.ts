/**
 * An agent's phone rings on node b — offered a caller of node a by the ACD, or a colleague's blind
 * transfer — and node b dies. Nobody missed the ring: the agent is set 示忙 with the reason 交换节点故障
 * (their phone cannot be reached, so nothing must come straight back to it), not 未接 — no missed-ring
 * alert for the supervisors, no missed call on the desktop, and an ACD ring is recorded as not
 * reached, not as unanswered. The caller keeps waiting and is served by the agent on node a.
 */
import { and, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../cti/events/domain-events.js';
import { callOffers } from '../../store/index.js';
import { AgentDesktop } from '../support/agent-desktop.js';
import { startNodesHarness, type NodesHarness } from '../support/multi-node.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';

interface World {
  h: NodesHarness;
  onA: AgentDesktop;
  onB: AgentDesktop;
  /** The domain events since the world started. */
  events: DomainEvent[];
}
let world: World | null = null;
afterEach(async () => {
  world?.onA.close();
  world?.onB.close();
  await world?.h.stop();
  world = null;
});

/** Two nodes, 1001's phone on a answering by itself, 1002's on b ringing until answered. */
async function start(): Promise<World> {
  const h = await startNodesHarness(['a', 'b'], { nodeLostSeconds: 1 });
  await h.placePhones({ a: ['1001'] });
  await h.placePhones({ b: ['1002'] }, 'manual');
  const events: DomainEvent[] = [];
  h.server.calls.bus.subscribe((e) => events.push(e));
  world = { h, onA: await AgentDesktop.login(h.server.httpUrl, '1001'), onB: await AgentDesktop.login(h.server.httpUrl, '1002'), events };
  return world;
}

/** Node b dies while 1002's phone rings there; 1002 is set 示忙 for the node, and blamed for nothing. */
async function nodeDiesWhileRinging({ h, onB, events }: World): Promise<void> {
  await waitFor(async () => (await h.channelsOn('b')).some((c) => c.endpoint === 'PJSIP/1002' && c.state === 'Ringing'), "1002's phone ringing on node b");
  h.sims.b?.fault('restart', 600_000);
  const state = await onB.next('agent.state', (m) => m.state === 'not_ready');
  expect(state.reason).toBe('交换节点故障');
  expect(onB.received.filter((m) => m.type === 'call.missed')).toEqual([]);
  expect(events.filter((e) => (e.type === 'alert' && e.kind === 'missed-ring') || e.type === 'call.missed')).toEqual([]);
}

/** The caller, back in line, is served by 1001 on node a. */
async function servedOnA({ h, onA }: World, caller: string): Promise<void> {
  await waitFor(() => h.server.calls.call(caller)?.state === 'queued', 'the caller back in line');
  if (h.agentOf('1001').state !== 'ready') expect(await onA.command('agent.ready')).toMatchObject({ ok: true });
  const a = h.agentOf('1001').agentId;
  await waitFor(() => h.server.calls.call(caller)?.state === 'connected' && h.server.calls.call(caller)?.agentId === a, '1001 talking to the caller');
  await simRequest(h.sim('a').httpUrl, 'POST', `/sim/channels/${caller}/hangup`);
  await waitFor(() => h.server.calls.call(caller) === undefined, 'the call over');
}

describe("node b dies while an agent's phone there rings", () => {
  it('offered by the ACD: not counted against the agent, the ring not reached, the caller served on node a', async () => {
    const w = await start();
    const b = w.h.agentOf('1002').agentId;
    const caller = await placeCall(w.h.sim('a').httpUrl, '13800000311', '12345');
    expect(await w.onB.command('agent.ready')).toMatchObject({ ok: true });
    await w.onB.next('call.offered', (m) => m.callId === caller);
    await nodeDiesWhileRinging(w);
    await w.onB.next('call.offer.withdrawn', (m) => m.callId === caller);
    // The activity recorder writes the offer's end beside the desktop's notice, not before it.
    const offers = () => w.h.server.store.db.select().from(callOffers).where(and(eq(callOffers.callKey, caller), eq(callOffers.agentId, b)));
    await waitFor(async () => (await offers()).every((o) => o.outcome !== null), "the ring's end recorded");
    expect((await offers()).map((o) => o.outcome)).toEqual(['not-reached']);
    await servedOnA(w, caller);
  });

  it("a colleague's blind transfer: not counted against the colleague, the caller back in line and served on node a", async () => {
    const w = await start();
    const b = w.h.agentOf('1002').agentId;
    const caller = await placeCall(w.h.sim('a').httpUrl, '13800000312', '12345');
    expect(await w.onA.command('agent.ready')).toMatchObject({ ok: true });
    await w.onA.next('call.answered', (m) => m.callId === caller);
    expect(await w.onB.command('agent.ready')).toMatchObject({ ok: true });
    expect(await w.onA.command('call.transfer', { callId: caller, target: { kind: 'agent', agentId: b }, mode: 'blind' })).toMatchObject({ ok: true });
    await nodeDiesWhileRinging(w);
    await servedOnA(w, caller);
  });
});
