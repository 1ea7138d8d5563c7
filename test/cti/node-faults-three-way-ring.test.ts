/**
 * An agent on node b starts a three-way call (三方通话) for a caller of node a, and node b dies while
 * the third party's phone still rings. The caller goes back in line (the line to their agent is lost)
 * and the three-way call is over with it: the third party's ring stops at once — a colleague gets
 * their pop taken back and is ready again, not set 未接 for a ring nobody wanted any more — and the
 * caller is served from the line (here by that colleague, the only agent left).
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../cti/events/domain-events.js';
import { calls, ticketEvents } from '../../store/index.js';
import { first } from '../../store/prepared.js';
import { AgentDesktop, type WireMessage } from '../support/agent-desktop.js';
import { startNodesHarness, type NodesHarness } from '../support/multi-node.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';

let h: NodesHarness;
let onA: AgentDesktop;
let onB: AgentDesktop;
const events: DomainEvent[] = [];

beforeAll(async () => {
  h = await startNodesHarness(['a', 'b'], { nodeLostSeconds: 1 });
  // 1002 (on b) answers by itself; 1001 (on a) rings until the test answers it.
  await h.placePhones({ b: ['1002'] });
  await h.placePhones({ a: ['1001'] }, 'manual');
  h.server.calls.bus.subscribe((e) => events.push(e));
  onA = await AgentDesktop.login(h.server.httpUrl, '1001');
  onB = await AgentDesktop.login(h.server.httpUrl, '1002');
});
afterAll(async () => {
  onA.close();
  onB.close();
  await h.stop();
});

const row = async (id: string) => first(await h.server.store.db.select().from(calls).where(eq(calls.linkedId, id)).limit(1));

describe('node b dies while the third party of its agent\'s three-way call rings', () => {
  it('stops the ring at once: the colleague is ready again, the caller back in line and served by them', async () => {
    const caller = await placeCall(h.sim('a').httpUrl, '13800000321', '12345');
    expect(await onB.command('agent.ready')).toMatchObject({ ok: true });
    await onB.next('call.answered', (m) => m.callId === caller);
    expect(await onA.command('agent.ready')).toMatchObject({ ok: true });
    const colleague = h.agentOf('1001').agentId;

    const conference: Promise<WireMessage> = onB.command('call.conference', { callId: caller, target: { kind: 'agent', agentId: colleague } });
    await onA.next('call.offered', (m) => m.callId === caller);
    await waitFor(async () => (await h.channelsOn('a')).some((c) => c.endpoint === 'PJSIP/1001' && c.state === 'Ringing'), "1001's phone ringing");
    const from = events.length;

    h.sims.b?.fault('restart', 600_000);

    await onB.next('call.transferred', (m) => m.callId === caller && m.reason === 'line-lost');
    // The three-way call is over with the line: its command says so in Chinese.
    const answer = await conference;
    expect(answer).toMatchObject({ ok: false });
    expect(String(answer.error)).toMatch(/[\u4e00-\u9fa5]/);
    // The colleague's ring stops now (long before its 15 s timeout): pop taken back, ready, not 未接.
    const withdrawn = await onA.next('call.offer.withdrawn', (m) => m.callId === caller, 5_000);
    expect(withdrawn.reason).toBe('cancelled');
    expect(onA.received.some((m) => m.type === 'agent.state' && m.state === 'not_ready')).toBe(false);
    expect(events.slice(from).some((e) => (e.type === 'alert' && e.kind === 'missed-ring') || e.type === 'call.missed')).toBe(false);

    // Back in line, the caller is offered to the colleague, who is free again, and served.
    await onA.next('call.offered', (m) => m.callId === caller && m !== withdrawn && onA.received.indexOf(m) > onA.received.indexOf(withdrawn), 5_000);
    await waitFor(async () => (await h.channelsOn('a')).some((c) => c.endpoint === 'PJSIP/1001' && c.state === 'Ringing'), "1001's phone ringing for the queue's offer");
    await simRequest(h.sim('a').httpUrl, 'POST', '/sim/endpoints/PJSIP/1001/answer');
    await onA.next('call.answered', (m) => m.callId === caller);
    await waitFor(() => h.server.calls.call(caller)?.state === 'connected' && h.server.calls.call(caller)?.agentId === colleague, '1001 talking to the caller');
    // Nothing of the three-way call is left on the call: the colleague can transfer or hold it.
    expect(await onA.command('call.hold', { callId: caller })).toMatchObject({ ok: true });

    // The ticket history tells how the three-way call ended.
    const ticketId = h.server.calls.call(caller)?.summary.ticketId ?? -1;
    await h.server.calls.settle();
    const notes = (await h.server.store.db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, ticketId))).map((e) => `${e.kind}: ${e.note}`);
    expect(notes.some((n) => n.startsWith('conference: ringing → cancelled'))).toBe(true);

    await simRequest(h.sim('a').httpUrl, 'POST', `/sim/channels/${caller}/hangup`);
    await waitFor(async () => (await row(caller))?.endedAt, 'the call ended');
    expect(await row(caller)).toMatchObject({ outcome: 'answered', state: 'ended' });
  });
});
