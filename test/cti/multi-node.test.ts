/**
 * One server, two Asterisk nodes (two simulators): each call is handled on the node it arrived on and
 * its row says which; the ACD prefers an agent whose phone is on the caller's node; `/health` and the
 * wallboard show each node; and a node that is lost takes only its own calls with it.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calls, missedCalls, ticketEvents, tickets } from '../../store/index.js';
import { first } from '../../store/prepared.js';
import { AgentDesktop } from '../support/agent-desktop.js';
import { SupervisorDesk } from '../support/supervisor-desk.js';
import { startNodesHarness, type NodesHarness } from '../support/multi-node.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';

let h: NodesHarness;
let desk1001: AgentDesktop;
let desk1002: AgentDesktop;

beforeAll(async () => {
  // A node lost for a second is lost for good here (the default waits 30 s).
  h = await startNodesHarness(['a', 'b'], { nodeLostSeconds: 1 });
  // 1001 is registered on node a, 1002 on node b.
  await h.placePhones({ a: ['1001'], b: ['1002'] });
  desk1001 = await AgentDesktop.login(h.server.httpUrl, '1001');
  desk1002 = await AgentDesktop.login(h.server.httpUrl, '1002');
});
afterAll(async () => {
  desk1001.close();
  desk1002.close();
  await h.stop();
});

const sim = (node: string) => h.sim(node);
const callRow = async (id: string) => first(await h.server.store.db.select().from(calls).where(eq(calls.linkedId, id)).limit(1));
const ticketRow = async (id: string) => first(await h.server.store.db.select().from(tickets).where(eq(tickets.callKey, id)).limit(1));
const simChannel = async (node: string, id: string) => (await simRequest<{ state: string; bridgeId: string | null }>(sim(node).httpUrl, 'GET', `/sim/channels/${id}`)).body;

interface Health {
  status: string;
  reasons?: string[];
  nodes: { name: string; ami: boolean; ari: boolean; stasis: boolean; serving: boolean }[];
}

describe('two Asterisk nodes behind one server', () => {
  it('reports each node in /health', async () => {
    const res = await simRequest<Health>(h.server.httpUrl, 'GET', '/health');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ok');
    expect(res.body.nodes).toEqual([
      { name: 'a', ami: true, ari: true, stasis: true, serving: true },
      { name: 'b', ami: true, ari: true, stasis: true, serving: true },
    ]);
  });

  it("offers a caller to the agent on the caller's node before one who has waited longer on another node", async () => {
    expect(await desk1002.command('agent.ready')).toMatchObject({ ok: true });
    // 1002 has been idle longer: alone, that would win.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await desk1001.command('agent.ready')).toMatchObject({ ok: true });

    const onA = await placeCall(sim('a').httpUrl, '13800000101', '12345');
    await desk1001.next('call.offered', (m) => m.callId === onA);
    await desk1001.next('call.answered', (m) => m.callId === onA);
    expect(desk1002.received.some((m) => m.type === 'call.offered' && m.callId === onA)).toBe(false);
    expect(await callRow(onA)).toMatchObject({ node: 'a', agentId: expect.any(Number) as number });
    // The caller is bridged on their own node.
    expect((await simChannel('a', onA)).bridgeId).toBeTruthy();

    const onB = await placeCall(sim('b').httpUrl, '13800000102', '12345');
    await desk1002.next('call.offered', (m) => m.callId === onB);
    await desk1002.next('call.answered', (m) => m.callId === onB);
    expect(await callRow(onB)).toMatchObject({ node: 'b' });
    expect((await simChannel('b', onB)).bridgeId).toBeTruthy();

    const wall = h.server.calls.nodes();
    expect(wall).toEqual([
      { name: 'a', ami: true, ari: true, calls: 1 },
      { name: 'b', ami: true, ari: true, calls: 1 },
    ]);

    await simRequest(sim('a').httpUrl, 'POST', `/sim/channels/${onA}/hangup`);
    await simRequest(sim('b').httpUrl, 'POST', `/sim/channels/${onB}/hangup`);
    await desk1001.next('call.ended', (m) => m.callId === onA);
    await desk1002.next('call.ended', (m) => m.callId === onB);
    expect(await callRow(onA)).toMatchObject({ outcome: 'answered', state: 'ended' });
    expect(await callRow(onB)).toMatchObject({ outcome: 'answered', state: 'ended' });
  });

  it("crosses to an agent on another node over the inter-node trunk: the call stays bridged on the caller's node", async () => {
    await desk1001.next('agent.state', (m) => m.state === 'ready' && desk1001.received.some((x) => x.state === 'wrap_up'));
    await desk1002.next('agent.state', (m) => m.state === 'ready' && desk1002.received.some((x) => x.state === 'wrap_up'));
    // Only the agent on node b is free.
    expect(await desk1001.command('agent.notReady', { reason: '培训' })).toMatchObject({ ok: true });
    const onA = await placeCall(sim('a').httpUrl, '13800000105', '12345');
    await desk1002.next('call.offered', (m) => m.callId === onA);
    await desk1002.next('call.answered', (m) => m.callId === onA);
    expect(await callRow(onA)).toMatchObject({ node: 'a', outcome: 'answered', endedAt: null });

    // On node a: the caller and the trunk leg to node b share the call's bridge.
    const caller = await simChannel('a', onA);
    const onNodeA = await h.channelsOn('a');
    const trunkLeg = onNodeA.find((c) => c.name.startsWith('PJSIP/internode-b-'));
    expect(trunkLeg).toMatchObject({ state: 'Up', bridgeId: caller.bridgeId, stasisApp: 'hotline12345' });
    // On node b: the call came in from node a and rings 1002's phone there, answered.
    const onNodeB = await h.channelsOn('b');
    expect(onNodeB.find((c) => c.name.startsWith('PJSIP/internode-a-'))).toMatchObject({ state: 'Up' });
    expect(onNodeB.find((c) => c.endpoint === 'PJSIP/1002')).toMatchObject({ state: 'Up' });

    // The caller hangs up on node a: node b's side ends with it.
    await simRequest(sim('a').httpUrl, 'POST', `/sim/channels/${onA}/hangup`);
    await desk1002.next('call.ended', (m) => m.callId === onA);
    await waitFor(async () => (await h.channelsOn('b')).length === 0, "node b's side of the call gone");
    expect(await callRow(onA)).toMatchObject({ outcome: 'answered', state: 'ended' });
    expect(await desk1001.command('agent.ready')).toMatchObject({ ok: true });
  });

  it('an attended transfer from an agent on node a to one on node b: consulted over the trunk, then handed over', async () => {
    const b = agentId('1002');
    await desk1002.next('agent.state', (m) => m.state === 'ready' && desk1002.received.filter((x) => x.state === 'ready').length >= 3);
    expect(await desk1002.command('agent.notReady', { reason: '休息' })).toMatchObject({ ok: true });
    const onA = await placeCall(sim('a').httpUrl, '13800000106', '12345');
    await desk1001.next('call.answered', (m) => m.callId === onA);
    // The colleague is free once the call is in hand (a transfer goes to a ready agent only).
    expect(await desk1002.command('agent.ready')).toMatchObject({ ok: true });
    expect(await desk1001.command('call.transfer', { callId: onA, target: { kind: 'agent', agentId: b }, mode: 'attended' })).toMatchObject({ ok: true });
    await desk1002.next('call.offered', (m) => m.callId === onA);
    await waitFor(() => h.server.calls.agents.get(b)?.state === 'on_call', 'the colleague on node b answered');
    expect(await desk1001.command('call.transfer.complete', { callId: onA })).toMatchObject({ ok: true });
    await desk1002.next('call.answered', (m) => m.callId === onA);
    expect(h.server.calls.call(onA)?.agentId).toBe(b);
    // Still bridged on node a, now with the trunk leg to node b.
    const caller = await simChannel('a', onA);
    const onNodeA = await h.channelsOn('a');
    expect(onNodeA.filter((c) => c.bridgeId === caller.bridgeId).map((c) => c.name.replace(/-[0-9a-f]+$/, ''))).toEqual(
      expect.arrayContaining([expect.stringMatching(/^PJSIP\/internode-b/)]),
    );
    expect(onNodeA.some((c) => c.endpoint === 'PJSIP/1001')).toBe(false);
    await simRequest(sim('a').httpUrl, 'POST', `/sim/channels/${onA}/hangup`);
    await desk1002.next('call.ended', (m) => m.callId === onA);
    expect(await callRow(onA)).toMatchObject({ node: 'a', outcome: 'answered', state: 'ended' });
  });

  it('a lost node takes only its own calls: they are closed and called back, the other node talks on', async () => {
    // A call in progress on node a …
    const talking = await placeCall(sim('a').httpUrl, '13800000103', '12345');
    await desk1001.next('call.answered', (m) => m.callId === talking);
    // … and a caller waiting on node b, whose agent is away.
    expect(await desk1002.command('agent.notReady', { reason: '休息' })).toMatchObject({ ok: true });
    const waiting = await placeCall(sim('b').httpUrl, '13800000104', '12345');
    await waitFor(async () => (await simChannel('b', waiting)).bridgeId !== null, 'the caller on node b in the holding bridge');

    // Node b dies and stays down.
    sim('b').fault('restart', 600_000);

    const closed = await waitFor(async () => {
      const row = await callRow(waiting);
      return row?.endedAt ? row : undefined;
    }, "node b's call closed", 15_000);
    expect(closed).toMatchObject({ node: 'b', outcome: 'abandoned' });
    expect(first(await h.server.store.db.select().from(missedCalls).where(eq(missedCalls.callId, closed.id)))).toMatchObject({ callerNumber: '13800000104', status: 'pending' });
    const ticket = await ticketRow(waiting);
    const notes = await h.server.store.db
      .select()
      .from(ticketEvents)
      .where(and(eq(ticketEvents.ticketId, ticket?.id ?? -1), eq(ticketEvents.kind, 'node-lost')));
    expect(notes.map((n) => n.note)).toEqual([expect.stringContaining('所在交换节点 b 失联')]);

    // Node a's call never noticed.
    expect(h.server.calls.call(talking)?.state).toBe('connected');
    expect((await simChannel('a', talking)).state).toBe('Up');
    expect(h.server.calls.agents.get(agentId('1001'))?.state).toBe('on_call');

    // The server still serves, and says what is missing.
    const health = await simRequest<Health>(h.server.httpUrl, 'GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('degraded');
    expect(health.body.reasons).toContain('node b: ARI link down');
    expect(health.body.nodes.find((n) => n.name === 'a')?.serving).toBe(true);
    expect(health.body.nodes.find((n) => n.name === 'b')?.serving).toBe(false);

    // The wallboard's snapshot shows which node is down, and the call still on node a.
    await waitFor(() => h.server.calls.call(waiting) === undefined, "node b's call gone from the live calls");
    const wall = await SupervisorDesk.login(h.server.httpUrl, 'super');
    const snapshot = await wall.next('snapshot', (m) => Array.isArray(m.nodes));
    expect(snapshot.nodes).toEqual([
      { name: 'a', ami: true, ari: true, calls: 1 },
      expect.objectContaining({ name: 'b', ari: false, calls: 0 }),
    ]);
    wall.close();

    // A new caller on node a is served as before.
    await simRequest(sim('a').httpUrl, 'POST', `/sim/channels/${talking}/hangup`);
    await desk1001.next('call.ended', (m) => m.callId === talking);
    expect(await callRow(talking)).toMatchObject({ node: 'a', outcome: 'answered' });
  });
});

function agentId(login: string): number {
  return h.agentOf(login).agentId;
}
