/**
 * A citizen's call across two Asterisk nodes, as the agents see it: the caller on one node, the agent's
 * phone on the other. The pop carries the ticket and the caller's history (also the calls they made on
 * the other node); the call is answered and recorded over the inter-node trunk; the agent registers the
 * ticket and hangs up from the desktop; a blind transfer and a three-way call reach a colleague whose
 * phone is on the other node. Each time, the call's media stays on the caller's node and nothing is
 * left on either node once it is over.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calls, ticketEvents, tickets } from '../../store/index.js';
import { first } from '../../store/prepared.js';
import type { AgentDesktop } from '../support/agent-desktop.js';
import { startNodesHarness, type NodesHarness } from '../support/multi-node.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';

let h: NodesHarness;
let desk: (login: string) => AgentDesktop;

beforeAll(async () => {
  h = await startNodesHarness(['a', 'b']);
  await h.placePhones({ a: ['1001'], b: ['1002'] });
  desk = await h.desktops(['1001', '1002']);
});
afterAll(async () => {
  await h.stop();
});

const agentId = (login: string): number => h.agentOf(login).agentId;
const callRow = async (id: string) => first(await h.server.store.db.select().from(calls).where(eq(calls.linkedId, id)).limit(1));
const ticketRow = async (id: string) => first(await h.server.store.db.select().from(tickets).where(eq(tickets.callKey, id)).limit(1));
const hangup = (node: string, id: string) => simRequest(h.sim(node).httpUrl, 'POST', `/sim/channels/${id}/hangup`);

/** The names (without the unique suffix) of the channels in the caller's bridge on the caller's node. */
async function callerBridge(node: string, callerId: string): Promise<string[]> {
  const channels = await h.channelsOn(node);
  const bridgeId = channels.find((c) => c.id === callerId)?.bridgeId;
  if (!bridgeId) return [];
  return channels
    .filter((c) => c.bridgeId === bridgeId && c.id !== callerId)
    .map((c) => c.name.replace(/-[0-9a-f]+$/, ''))
    .sort();
}

/** Nothing of the call left on either node, and both agents free of it. */
async function nothingLeft(callerId: string): Promise<void> {
  for (const node of ['a', 'b']) await waitFor(async () => (await h.channelsOn(node)).length === 0, `node ${node} empty`);
  await waitFor(async () => (await callRow(callerId))?.state === 'ended', 'the row closed');
  await waitFor(() => ['1001', '1002'].every((login) => h.server.calls.agents.get(agentId(login))?.callId !== callerId), 'the agents free of the call');
}

/** Both agents ready, phones answering by themselves. */
async function bothReady(): Promise<void> {
  for (const login of ['1001', '1002']) {
    await waitFor(() => ['ready', 'not_ready'].includes(h.server.calls.agents.get(agentId(login))?.state ?? ''), `${login} out of the last call`);
    if (h.server.calls.agents.get(agentId(login))?.state !== 'ready') expect(await desk(login).command('agent.ready')).toMatchObject({ ok: true });
  }
}

describe('a call across two nodes, as the agents see it', () => {
  it("pops with the caller's history from both nodes, is answered and recorded over the trunk, registered, and hung up from the desktop", async () => {
    // The citizen called before on node a and hung up in the queue.
    const earlier = await placeCall(h.sim('a').httpUrl, '13700000301', '12345');
    const earlierTicket = await waitFor(() => ticketRow(earlier), 'the first ticket');
    await hangup('a', earlier);
    await waitFor(async () => (await callRow(earlier))?.endedAt, 'the first call ended');

    // Now on node b, and only the agent whose phone is on node a is free.
    expect(await desk('1001').command('agent.ready')).toMatchObject({ ok: true });
    const id = await placeCall(h.sim('b').httpUrl, '13700000301', '12345');
    const pop = await desk('1001').next('call.offered', (m) => m.callId === id);
    const ticket = await waitFor(() => ticketRow(id), 'the ticket');
    expect(pop).toMatchObject({ ticketNumber: ticket.number, callerNumber: '13700000301', dialledNumber: '12345', repeatCaller: true });
    expect((pop.history as { ticketNumber: string }[]).map((t) => t.ticketNumber)).toEqual([earlierTicket.number]);
    await desk('1001').next('call.answered', (m) => m.callId === id);

    // Bridged and recorded on node b, the caller's node, with the trunk leg to node a.
    expect(await callerBridge('b', id)).toEqual(['PJSIP/internode-a']);
    const row = await waitFor(async () => {
      const r = await callRow(id);
      return r?.recording ? r : undefined;
    }, 'the recording stored');
    expect(row).toMatchObject({ node: 'b', outcome: 'answered' });
    expect((await ticketRow(id))?.recording).toBe(row.recording);
    expect((await h.channelsOn('a')).find((c) => c.endpoint === 'PJSIP/1001')).toMatchObject({ state: 'Up' });

    // The agent registers what the citizen says, then hangs up from the desktop.
    const token = (await simRequest<{ token: string }>(h.server.httpUrl, 'POST', '/api/v1/auth/login', { username: '1001', password: 'demo' })).body.token;
    const saved = await fetch(`${h.server.httpUrl}/api/v1/tickets/${ticket.number}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ category: 'consult', content: '咨询跨区办理居住证的材料' }),
    });
    expect(saved.status).toBe(200);
    expect(await desk('1001').command('call.hangup', { callId: id })).toMatchObject({ ok: true });
    await desk('1001').next('call.ended', (m) => m.callId === id);
    // The agent's leg on node a is gone at once; the caller on node b may hear the survey, then goes.
    await waitFor(async () => !(await h.channelsOn('a')).some((c) => c.endpoint === 'PJSIP/1001'), "the agent's phone free on node a");
    if ((await h.channelsOn('b')).some((c) => c.id === id)) await hangup('b', id);
    await nothingLeft(id);
    expect(await callRow(id)).toMatchObject({ node: 'b', outcome: 'answered', state: 'ended' });
    expect(await ticketRow(id)).toMatchObject({ content: '咨询跨区办理居住证的材料', category: 'consult', agentId: agentId('1001') });
    await desk('1001').next('agent.state', (m) => m.state === 'wrap_up');
  });

  it('a blind transfer to a colleague whose phone is on the other node: the caller goes over the trunk, the first agent is free', async () => {
    await bothReady();
    expect(await desk('1002').command('agent.notReady', { reason: '休息' })).toMatchObject({ ok: true });
    const id = await placeCall(h.sim('a').httpUrl, '13700000302', '12345');
    await desk('1001').next('call.answered', (m) => m.callId === id);
    expect(await callerBridge('a', id)).toEqual(['PJSIP/1001']);

    expect(await desk('1002').command('agent.ready')).toMatchObject({ ok: true });
    expect(await desk('1001').command('call.transfer', { callId: id, target: { kind: 'agent', agentId: agentId('1002') }, mode: 'blind' })).toMatchObject({ ok: true });
    await desk('1002').next('call.offered', (m) => m.callId === id);
    await desk('1002').next('call.answered', (m) => m.callId === id);
    expect(h.server.calls.call(id)?.agentId).toBe(agentId('1002'));
    // Still on node a: the caller now with the trunk leg to node b, 1001's phone no longer in the call.
    await waitFor(async () => JSON.stringify(await callerBridge('a', id)) === JSON.stringify(['PJSIP/internode-b']), 'the caller bridged with the trunk leg');
    await waitFor(async () => !(await h.channelsOn('a')).some((c) => c.endpoint === 'PJSIP/1001'), "1001's phone free");
    expect((await h.channelsOn('b')).find((c) => c.endpoint === 'PJSIP/1002')).toMatchObject({ state: 'Up' });
    const row = await callRow(id);
    const kinds = (await h.server.store.db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, (await ticketRow(id))?.id ?? 0))).map((e) => e.kind);
    expect(kinds).toContain('transferred');

    await hangup('a', id);
    await desk('1002').next('call.ended', (m) => m.callId === id);
    await nothingLeft(id);
    expect(await callRow(id)).toMatchObject({ node: 'a', outcome: 'answered', state: 'ended', id: row?.id });
  });

  it('a three-way call with a colleague on the other node: all three talk on the caller node, the colleague leaves, the call goes on', async () => {
    await bothReady();
    expect(await desk('1002').command('agent.notReady', { reason: '休息' })).toMatchObject({ ok: true });
    const id = await placeCall(h.sim('a').httpUrl, '13700000303', '12345');
    await desk('1001').next('call.answered', (m) => m.callId === id);

    expect(await desk('1002').command('agent.ready')).toMatchObject({ ok: true });
    expect(await desk('1001').command('call.conference', { callId: id, target: { kind: 'agent', agentId: agentId('1002') } })).toMatchObject({ ok: true });
    await waitFor(async () => (await callerBridge('a', id)).length === 2, 'three parties in the call bridge');
    expect(await callerBridge('a', id)).toEqual(['PJSIP/1001', 'PJSIP/internode-b']);
    expect((await h.channelsOn('b')).find((c) => c.endpoint === 'PJSIP/1002')).toMatchObject({ state: 'Up' });

    // The colleague is dropped: node b's side ends, the caller and the agent talk on.
    expect(await desk('1001').command('call.kick', { callId: id, party: 'third' })).toMatchObject({ ok: true });
    await waitFor(async () => (await h.channelsOn('b')).length === 0, "node b's side of the three-way call gone");
    expect(await callerBridge('a', id)).toEqual(['PJSIP/1001']);
    expect(h.server.calls.call(id)?.agentId).toBe(agentId('1001'));

    await hangup('a', id);
    await desk('1001').next('call.ended', (m) => m.callId === id);
    await nothingLeft(id);
    expect(await callRow(id)).toMatchObject({ node: 'a', outcome: 'answered', state: 'ended' });
  });
});
