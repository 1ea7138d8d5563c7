/**
 * A node fault across nodes: calls in every phase on two Asterisk nodes, some crossing the trunk,
 * when node b dies and stays down. Node b's calls alone are closed and accounted for — answered ones
 * closed answered, waiting ones on the missed-call list, and the agent on node a who was talking to a
 * caller of node b is freed — while node a's calls (one talking, one waiting) go on untouched and end
 * normally, leaving nothing behind on node a. A caller of node a whose agent was on node b loses that
 * agent through no fault of theirs: they are told the call was interrupted (`call-interrupted`), wait
 * again at their old place and are served on node a.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROMPTS } from '../../ivr/prompts.js';
import { calls, missedCalls, ticketEvents } from '../../store/index.js';
import { first } from '../../store/prepared.js';
import type { AgentDesktop } from '../support/agent-desktop.js';
import { followChannel } from '../support/channel-steps.js';
import { startNodesHarness, type NodesHarness } from '../support/multi-node.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';

let h: NodesHarness;
let desk: (login: string) => AgentDesktop;

beforeAll(async () => {
  h = await startNodesHarness(['a', 'b'], { nodeLostSeconds: 1 });
  await h.placePhones({ a: ['1001', '1003'], b: ['1002', '1005'] });
  desk = await h.desktops(['1001', '1002', '1003', '1005']);
});
afterAll(async () => {
  await h.stop();
});

const simUrl = (node: string): string => h.sim(node).httpUrl;
const channelsOn = (node: string) => h.channelsOn(node);
const row = async (id: string) => first(await h.server.store.db.select().from(calls).where(eq(calls.linkedId, id)).limit(1));
const agentState = (login: string) => h.agentOf(login).state;
const agentIdOf = (login: string) => h.agentOf(login).agentId;

/** A caller on `node` answered by `login` (made ready now, the only free agent). */
async function answeredBy(node: string, caller: string, login: string): Promise<string> {
  const id = await placeCall(simUrl(node), caller, '12345');
  expect(await desk(login).command('agent.ready')).toMatchObject({ ok: true });
  await desk(login).next('call.answered', (m) => m.callId === id);
  return id;
}

describe('node b dies with calls in every phase on both nodes', () => {
  it("closes and accounts for node b's calls only; node a's go on", async () => {
    const bTalking = await answeredBy('b', '13800000201', '1002');
    // The caller on node b talks to the agent on node a, over the trunk.
    const bAcross = await answeredBy('b', '13800000202', '1003');
    const aTalking = await answeredBy('a', '13800000203', '1001');
    // A caller on node a talks to an agent on node b.
    const aAcross = await answeredBy('a', '13800000206', '1005');
    const aWaiting = await placeCall(simUrl('a'), '13800000204', '12345');
    const bWaiting = await placeCall(simUrl('b'), '13800000205', '12345');
    for (const [node, id] of [['a', aWaiting], ['b', bWaiting]] as const) {
      await waitFor(async () => (await channelsOn(node)).find((c) => c.id === id)?.bridgeId, `the caller on node ${node} waiting in the holding bridge`);
    }
    expect((await channelsOn('a')).some((c) => c.name.startsWith('PJSIP/internode-b-') && c.state === 'Up')).toBe(true);

    // What the caller of node a whose agent is on node b hears from the fault on, and where they go.
    const heard = followChannel(h.sim('a'), () => aAcross);
    h.sims.b?.fault('restart', 600_000);

    // Node b's calls: closed and accounted for.
    for (const id of [bTalking, bAcross, bWaiting]) await waitFor(async () => (await row(id))?.endedAt, `call ${id} closed`, 15_000);
    expect(await row(bTalking)).toMatchObject({ node: 'b', outcome: 'answered', state: 'ended' });
    expect(await row(bAcross)).toMatchObject({ node: 'b', outcome: 'answered', state: 'ended' });
    const waited = await row(bWaiting);
    expect(waited).toMatchObject({ node: 'b', outcome: 'abandoned' });
    const missed = await h.server.store.db.select().from(missedCalls).where(eq(missedCalls.callId, waited?.id ?? -1));
    expect(missed).toEqual([expect.objectContaining({ callerNumber: '13800000205', status: 'pending' })]);
    // The agents of node b's calls are freed (1003, on node a, at once takes the next caller, below);
    // nothing of the crossing calls is left on node a.
    await waitFor(() => agentState('1002') !== 'on_call' && agentState('1005') !== 'on_call', "node b's agents freed");
    // Node b's phones are not offered calls while it is away.
    expect(h.server.calls.agents.isPhoneRegistered('PJSIP/1002')).toBe(false);
    expect(h.server.calls.agents.isPhoneRegistered('PJSIP/1005')).toBe(false);
    expect(h.server.calls.agents.isPhoneRegistered('PJSIP/1001')).toBe(true);
    await waitFor(async () => !(await channelsOn('a')).some((c) => c.name.startsWith('PJSIP/internode-b-')), "node a's side of the crossing calls gone");

    // The caller on node a whose agent was on node b lost that agent through no fault of theirs: back
    // in line at their old place (ahead of the caller who came after them), and the agent freed on node
    // a takes them.
    const back = await waitFor(() => {
      const call = h.server.calls.call(aAcross);
      return call?.state === 'connected' && call.agentId === agentIdOf('1003') ? call : undefined;
    }, 'the caller of node a whose agent was lost served again', 15_000);
    expect(back.summary.ticketNumber).toBeTruthy();
    await desk('1005').next('call.transferred', (m) => m.callId === aAcross && m.target === '重新排队' && m.reason === 'line-lost');
    // Told why before the queue's music (通话意外中断…), not dropped into it without a word.
    heard.stop();
    expect(heard.toHoldingBridge()).toEqual([`play sound:${PROMPTS.callInterrupted}`, 'enter holding']);
    const notes = await h.server.store.db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, back.summary.ticketId));
    expect(notes.map((n) => n.kind)).toContain('agent-line-lost');
    expect(await row(aAcross)).toMatchObject({ node: 'a', endedAt: null });

    // Node a's own calls never noticed.
    expect(h.server.calls.call(aTalking)?.state).toBe('connected');
    expect(agentState('1001')).toBe('on_call');
    const onA = await channelsOn('a');
    const talking = onA.find((c) => c.id === aTalking);
    expect(talking?.state).toBe('Up');
    expect(onA.filter((c) => c.bridgeId === talking?.bridgeId).map((c) => c.endpoint)).toContain('PJSIP/1001');
    expect(h.server.calls.call(aWaiting)?.state).toBe('queued');
    expect(onA.find((c) => c.id === aWaiting)?.bridgeId).toBeTruthy();
    expect(await row(aTalking)).toMatchObject({ endedAt: null });
    expect(await row(aWaiting)).toMatchObject({ endedAt: null });

    // They end as calls do, and node a is left with nothing.
    for (const id of [aTalking, aWaiting]) await simRequest(simUrl('a'), 'POST', `/sim/channels/${id}/hangup`);
    for (const id of [aTalking, aWaiting]) await waitFor(async () => (await row(id))?.endedAt, `call ${id} ended`);
    expect(await row(aTalking)).toMatchObject({ outcome: 'answered', state: 'ended' });
    expect(await row(aWaiting)).toMatchObject({ outcome: 'abandoned', state: 'ended' });
    // The caller served again hangs up too.
    await simRequest(simUrl('a'), 'POST', `/sim/channels/${aAcross}/hangup`);
    await waitFor(async () => (await channelsOn('a')).length === 0, 'no channel left on node a').catch(async (error: unknown) => {
      throw new Error(`${(error as Error).message}: ${JSON.stringify((await channelsOn('a')).map((c) => c.name))}`);
    });

    // Half a year later the recordings are due: node a's are deleted there; node b's, on a node still
    // down, are kept for a later night (not taken as gone).
    const later = new Date(h.clock.now().getTime() + 200 * 86_400_000);
    const removed = await h.server.retention.runOnce(later);
    const recordingOf = async (id: string) => (await row(id))?.recording ?? null;
    expect(removed).toEqual(expect.arrayContaining([await recordingOf(aTalking)]));
    expect(removed).not.toContain(await recordingOf(bTalking));
    expect(await row(bTalking)).toMatchObject({ recordingDeletedAt: null });
    expect((await row(aTalking))?.recordingDeletedAt).toBeTruthy();
  });
});
