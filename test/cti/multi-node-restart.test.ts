/**
 * The server restarts while calls on two nodes are in hand — two crossing the trunk each way, two
 * waiting — and takes each back on its own node: the crossing calls stay bridged with their agents,
 * the waiting callers stay in their node's holding bridge, no row or ticket is added, and everything
 * ends normally afterwards, leaving nothing on either node.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calls, tickets } from '../../store/index.js';
import { first } from '../../store/prepared.js';
import { AgentDesktop } from '../support/agent-desktop.js';
import { startNodesHarness, type NodesHarness } from '../support/multi-node.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';

let h: NodesHarness;

beforeAll(async () => {
  h = await startNodesHarness(['a', 'b']);
  await h.placePhones({ a: ['1001'], b: ['1002'] });
});
afterAll(async () => {
  await h.stop();
});

const simUrl = (node: string): string => h.sim(node).httpUrl;
const channelsOn = (node: string) => h.channelsOn(node);
const row = async (id: string) => first(await h.server.store.db.select().from(calls).where(eq(calls.linkedId, id)).limit(1));
const agentId = (login: string): number => h.agentOf(login).agentId;

describe('a server restart with calls on two nodes', () => {
  it('takes every call back on its own node', async () => {
    const desk1001 = await AgentDesktop.login(h.server.httpUrl, '1001');
    const desk1002 = await AgentDesktop.login(h.server.httpUrl, '1002');
    // A caller on node a with the agent on node b, and one on node b with the agent on node a.
    expect(await desk1002.command('agent.ready')).toMatchObject({ ok: true });
    const aAcross = await placeCall(simUrl('a'), '13800000301', '12345');
    await desk1002.next('call.answered', (m) => m.callId === aAcross);
    expect(await desk1001.command('agent.ready')).toMatchObject({ ok: true });
    const bAcross = await placeCall(simUrl('b'), '13800000302', '12345');
    await desk1001.next('call.answered', (m) => m.callId === bAcross);
    const aWaiting = await placeCall(simUrl('a'), '13800000303', '12345');
    const bWaiting = await placeCall(simUrl('b'), '13800000304', '12345');
    for (const [node, id] of [['a', aWaiting], ['b', bWaiting]] as const) {
      await waitFor(async () => (await channelsOn(node)).find((c) => c.id === id)?.bridgeId, `the caller on node ${node} waiting`);
    }
    const ids = [aAcross, bAcross, aWaiting, bWaiting];
    const rowsBefore = (await h.server.store.db.select().from(calls)).length;
    const ticketsBefore = (await h.server.store.db.select().from(tickets)).length;
    desk1001.close();
    desk1002.close();

    await h.restart();

    await waitFor(() => ids.every((id) => h.server.calls.call(id) !== undefined), 'every call taken back', 10_000);
    expect(h.server.calls.call(aAcross)).toMatchObject({ state: 'connected', agentId: agentId('1002') });
    expect(h.server.calls.call(bAcross)).toMatchObject({ state: 'connected', agentId: agentId('1001') });
    expect(h.server.calls.call(aWaiting)?.state).toBe('queued');
    expect(h.server.calls.call(bWaiting)?.state).toBe('queued');
    expect(h.server.calls.nodes().map((n) => [n.name, n.calls])).toEqual([
      ['a', 2],
      ['b', 2],
    ]);
    // Still where they were: each caller with the trunk leg to their agent's node in one bridge.
    for (const [node, id, other] of [['a', aAcross, 'b'], ['b', bAcross, 'a']] as const) {
      const on = await channelsOn(node);
      const caller = on.find((c) => c.id === id);
      expect(on.filter((c) => c.bridgeId === caller?.bridgeId && c.id !== id).map((c) => c.name)).toEqual([expect.stringMatching(new RegExp(`^PJSIP/internode-${other}-`))]);
    }
    expect((await h.server.store.db.select().from(calls)).length).toBe(rowsBefore);
    expect((await h.server.store.db.select().from(tickets)).length).toBe(ticketsBefore);
    for (const id of ids) expect(await row(id)).toMatchObject({ endedAt: null, node: id === aAcross || id === aWaiting ? 'a' : 'b' });

    // The desktops come back with their calls, and the calls end as calls do.
    const again1001 = await AgentDesktop.login(h.server.httpUrl, '1001');
    expect((again1001.received.find((m) => m.type === 'hello')?.call as { callId?: string } | undefined)?.callId).toBe(bAcross);
    again1001.close();
    for (const [node, id] of [['a', aAcross], ['b', bAcross], ['a', aWaiting], ['b', bWaiting]] as const) {
      await simRequest(simUrl(node), 'POST', `/sim/channels/${id}/hangup`);
    }
    for (const id of ids) await waitFor(async () => (await row(id))?.endedAt, `call ${id} ended`);
    expect(await row(aAcross)).toMatchObject({ outcome: 'answered' });
    expect(await row(bWaiting)).toMatchObject({ outcome: 'abandoned' });
    await waitFor(async () => (await channelsOn('a')).length === 0 && (await channelsOn('b')).length === 0, 'nothing left on either node');
  });
});
