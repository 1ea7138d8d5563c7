/**
 * An agent's phone rings on node b for a caller on node a, and node b dies. Nobody missed the ring:
 * the agent is set 示忙 with the reason 交换节点故障 (their phone cannot be reached, so the call must not
 * come straight back), not 未接 — no missed-ring alert for the supervisors, no missed call on the
 * desktop, and the ring is recorded as not reached, not as unanswered. The caller keeps waiting and
 * is served by the agent on node a.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../cti/events/domain-events.js';
import { callOffers } from '../../store/index.js';
import { AgentDesktop } from '../support/agent-desktop.js';
import { startNodesHarness, type NodesHarness } from '../support/multi-node.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';

let h: NodesHarness;
let onA: AgentDesktop;
let onB: AgentDesktop;

beforeAll(async () => {
  h = await startNodesHarness(['a', 'b'], { nodeLostSeconds: 1 });
  await h.placePhones({ a: ['1001'] });
  await h.placePhones({ b: ['1002'] }, 'manual');
  onA = await AgentDesktop.login(h.server.httpUrl, '1001');
  onB = await AgentDesktop.login(h.server.httpUrl, '1002');
});
afterAll(async () => {
  onA.close();
  onB.close();
  await h.stop();
});

describe("node b dies while an agent's phone there rings for a caller of node a", () => {
  it('does not count it against the agent, and the caller is served on node a', async () => {
    const events: DomainEvent[] = [];
    const stop = h.server.calls.bus.subscribe((e) => events.push(e));
    const b = h.server.calls.agents.list().find((a) => a.login === '1002')?.agentId ?? 0;
    const caller = await placeCall(h.sim('a').httpUrl, '13800000311', '12345');
    expect(await onB.command('agent.ready')).toMatchObject({ ok: true });
    await onB.next('call.offered', (m) => m.callId === caller);
    await waitFor(async () => (await h.channelsOn('b')).some((c) => c.endpoint === 'PJSIP/1002' && c.state === 'Ringing'), "1002's phone ringing on node b");

    h.sims.b?.fault('restart', 600_000);

    const state = await onB.next('agent.state', (m) => m.state === 'not_ready');
    expect(state.reason).toBe('交换节点故障');
    await onB.next('call.offer.withdrawn', (m) => m.callId === caller);
    await waitFor(() => h.server.calls.call(caller)?.state === 'queued', 'the caller still in line');
    stop();
    expect(onB.received.filter((m) => m.type === 'call.missed')).toEqual([]);
    expect(events.filter((e) => (e.type === 'alert' && e.kind === 'missed-ring') || e.type === 'call.missed')).toEqual([]);
    const offers = await h.server.store.db.select().from(callOffers).where(and(eq(callOffers.callKey, caller), eq(callOffers.agentId, b)));
    expect(offers.map((o) => o.outcome)).toEqual(['not-reached']);

    expect(await onA.command('agent.ready')).toMatchObject({ ok: true });
    await onA.next('call.answered', (m) => m.callId === caller);
    await simRequest(h.sim('a').httpUrl, 'POST', `/sim/channels/${caller}/hangup`);
    await onA.next('call.ended', (m) => m.callId === caller);
  });
});
