/**
 * A caller on hold whose agent's node dies: the caller (on node a) was talking to an agent whose
 * phone is on node b, over the inter-node trunk, and had been put on hold. The trunk leg ends with a
 * line-failure cause; nobody hung up. As for a caller who was talking, the caller goes back in line
 * at their old place (no survey, no cut-off), the agent's desktop is told the line was lost, and the
 * agent on node a serves the caller.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { calls } from '../../store/index.js';
import { first } from '../../store/prepared.js';
import { useTwoNodeDesks } from '../support/multi-node.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';

const two = useTwoNodeDesks();

const row = async (id: string) => first(await two.h.server.store.db.select().from(calls).where(eq(calls.linkedId, id)).limit(1));

describe('node b dies while a caller of node a is on hold with an agent of node b', () => {
  it('puts the caller back in line, and the agent of node a serves them', async () => {
    // Only the agent on node b is free: the caller on node a is answered over the trunk.
    const caller = await placeCall(two.h.sim('a').httpUrl, '13800000301', '12345');
    expect(await two.onB.command('agent.ready')).toMatchObject({ ok: true });
    await two.onB.next('call.answered', (m) => m.callId === caller);
    expect(await two.onB.command('call.hold', { callId: caller })).toMatchObject({ ok: true });
    await waitFor(() => two.h.server.calls.call(caller)?.state === 'held', 'the caller on hold');

    two.h.sims.b?.fault('restart', 600_000);

    await two.onB.next('call.transferred', (m) => m.callId === caller && m.reason === 'line-lost');
    await waitFor(() => two.h.server.calls.call(caller)?.state === 'queued', 'the caller back in line');
    expect(await row(caller)).toMatchObject({ endedAt: null });
    // In the queue's holding bridge on node a.
    await waitFor(async () => {
      const bridges = (await simRequest<{ name: string; channelIds: string[] }[]>(two.h.sim('a').httpUrl, 'GET', '/sim/bridges')).body;
      return bridges.some((b) => b.name.startsWith('queue-') && b.channelIds.includes(caller));
    }, "the caller in the queue's holding bridge");

    expect(await two.onA.command('agent.ready')).toMatchObject({ ok: true });
    await two.onA.next('call.answered', (m) => m.callId === caller);
    expect(two.h.server.calls.call(caller)).toMatchObject({ state: 'connected' });

    await simRequest(two.h.sim('a').httpUrl, 'POST', `/sim/channels/${caller}/hangup`);
    await waitFor(async () => (await row(caller))?.endedAt, 'the call ended');
    expect(await row(caller)).toMatchObject({ outcome: 'answered', state: 'ended' });
  });
});
