/**
 * A node fault after the agent left a consultation (咨询转接): agent A (1001, node a) answers a caller
 * of node a and consults colleague B (1002, phone on node b, over the trunk), then hangs up — the
 * caller waits for B's answer, which hands the caller to B. Then node b dies:
 * - while B's phone still rings: the transfer did not go through. B's pop goes away as one whose phone
 *   could not be reached (not as a ring B let time out), A is told once that the caller went back in
 *   line, and the caller hears 转接未成功 and waits in line;
 * - after B answered (the caller is B's): as for any caller whose agent's line failed, B is told the
 *   line was lost and the caller waits again at their old place after 通话意外中断; A, told of the
 *   hand-over when B answered, hears nothing more.
 * And when the node lost is the caller's and A's own (caller and A on node b, B on node a), the call
 * is closed: A, who left, gets its end once; B's ring stops.
 * In every case the caller's later end reaches only the agent then on the call, and no desk is left
 * showing a call (its `hello` on reconnecting has none).
 */
import { and, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { PROMPTS } from '../../ivr/prompts.js';
import { callOffers, calls } from '../../store/index.js';
import { first } from '../../store/prepared.js';
import type { AgentDesktop, WireMessage } from '../support/agent-desktop.js';
import { followChannel } from '../support/channel-steps.js';
import { startNodesHarness, type NodesHarness } from '../support/multi-node.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';

let h: NodesHarness;
afterEach(async () => {
  await h.stop();
});

const row = async (id: string) => first(await h.server.store.db.select().from(calls).where(eq(calls.linkedId, id)).limit(1));
/** The types of the messages about `callId` a desk got, in order. */
const told = (desk: AgentDesktop, callId: string): string[] => desk.received.filter((m) => m.callId === callId).map((m) => m.type);

interface World {
  desk: (login: string) => AgentDesktop;
  caller: string;
}

/**
 * Two nodes; A (1001, answering at once) and B (1002, answering by hand) on the nodes given, a spare
 * agent 1003 on node a (answering at once, not ready). A answers a caller of `callerNode`, consults B,
 * and hangs up while B's phone rings.
 */
async function consultedThenLeft(place: { caller: 'a' | 'b'; a: 'a' | 'b'; b: 'a' | 'b' }, number: string): Promise<World> {
  // A stays in wrap-up: the caller back in line is not offered to them again.
  h = await startNodesHarness(['a', 'b'], { nodeLostSeconds: 1, wrapUpSeconds: 600, ringTimeoutSeconds: 60 });
  await h.placePhones({ [place.a]: ['1001'] });
  await h.placePhones({ a: ['1003'] });
  await h.placePhones({ [place.b]: ['1002'] }, 'manual');
  const desk = await h.desktops(['1001', '1002', '1003']);
  const [a, b] = [desk('1001'), desk('1002')];
  expect(await a.command('agent.ready')).toMatchObject({ ok: true });
  const caller = await placeCall(h.sim(place.caller).httpUrl, number, '12345');
  await a.next('call.answered', (m) => m.callId === caller);
  expect(await b.command('agent.ready')).toMatchObject({ ok: true });
  expect(await a.command('call.transfer', { callId: caller, target: { kind: 'agent', agentId: h.agentOf('1002').agentId }, mode: 'attended' })).toMatchObject({ ok: true });
  await b.next('call.offered', (m) => m.callId === caller);
  await waitFor(async () => (await h.channelsOn(place.b)).some((c) => c.endpoint === 'PJSIP/1002' && c.state === 'Ringing'), "B's phone ringing");
  // 挂断 while B's phone rings: A left the consultation.
  expect(await a.command('call.hangup', { callId: caller })).toMatchObject({ ok: true });
  await a.next('agent.state', (m) => m.state === 'wrap_up');
  expect(h.server.calls.call(caller)?.state).toBe('consulting');
  return { desk, caller };
}

/** The spare agent on node a takes the caller from the line; then the caller hangs up. */
async function servedOnNodeAThenEnded(w: World): Promise<void> {
  const spare = w.desk('1003');
  expect(await spare.command('agent.ready')).toMatchObject({ ok: true });
  await spare.next('call.answered', (m) => m.callId === w.caller);
  await simRequest(h.sim('a').httpUrl, 'POST', `/sim/channels/${w.caller}/hangup`);
  await spare.next('call.ended', (m) => m.callId === w.caller);
  await waitFor(() => h.server.calls.call(w.caller) === undefined, 'the call over');
  expect(await row(w.caller)).toMatchObject({ outcome: 'answered', state: 'ended' });
}

/** A desk that reconnects is shown no call. */
async function showsNoCall(desk: AgentDesktop): Promise<void> {
  const hello: WireMessage = await desk.reconnect();
  expect(hello.call).toBeNull();
}

describe('node b dies after the agent left a consultation', () => {
  it("while the colleague's phone on node b rings: the colleague's pop goes, the agent is told once, the caller waits in line", async () => {
    const w = await consultedThenLeft({ caller: 'a', a: 'a', b: 'b' }, '13800000501');
    const [a, b] = [w.desk('1001'), w.desk('1002')];
    const heard = followChannel(h.sim('a'), () => w.caller);

    h.sims.b?.fault('restart', 600_000);

    // B's phone could not be reached (its node is gone): not a ring B let time out.
    const withdrawn = await b.next('call.offer.withdrawn', (m) => m.callId === w.caller);
    expect(withdrawn.reason).toBe('not-reached');
    expect(b.received.some((m) => m.type === 'call.missed')).toBe(false);
    // Nor counted as one in the ring records (the KPIs' missed rings).
    const offers = () => h.server.store.db.select().from(callOffers).where(and(eq(callOffers.callKey, w.caller), eq(callOffers.agentId, h.agentOf('1002').agentId)));
    await waitFor(async () => (await offers()).every((o) => o.outcome !== null), "the ring's end recorded");
    expect((await offers()).map((o) => o.outcome)).toEqual(['not-reached']);
    // A, who left, is told where the caller went, and why B did not take the caller (not 未接听: B's phone was lost with its node).
    expect(await a.next('call.consult.cancelled', (m) => m.callId === w.caller)).toMatchObject({ requeued: true, why: '所在交换节点线路中断' });
    await waitFor(() => h.server.calls.call(w.caller)?.state === 'queued', 'the caller back in line');
    await waitFor(() => heard.toHoldingBridge().length > 0, "the caller in the queue's holding bridge");
    heard.stop();
    expect(heard.toHoldingBridge().slice(-2)).toEqual([`play sound:${PROMPTS.transferFailed}`, 'enter holding']);

    await servedOnNodeAThenEnded(w);
    // A heard of the call's end once (the caller back in line), B never had it; neither hears of the later end.
    expect(told(a, w.caller)).toEqual(['call.offered', 'call.answered', 'call.consulting', 'call.consult.cancelled']);
    expect(told(b, w.caller)).toEqual(['call.offered', 'call.offer.withdrawn']);
    await showsNoCall(a);
    await showsNoCall(b);
  });

  it('after the colleague on node b answered: the colleague is told the line was lost, the caller waits again at their old place', async () => {
    const w = await consultedThenLeft({ caller: 'a', a: 'a', b: 'b' }, '13800000502');
    const [a, b] = [w.desk('1001'), w.desk('1002')];
    const queuedAt = (await row(w.caller))?.queuedAt;
    expect(queuedAt).toBeTruthy();
    await simRequest(h.sim('b').httpUrl, 'POST', '/sim/endpoints/PJSIP/1002/answer');
    // B's answer completes the transfer: the caller is B's, and A is told so.
    await b.next('call.answered', (m) => m.callId === w.caller);
    expect(await a.next('call.transferred', (m) => m.callId === w.caller)).toMatchObject({ reason: 'agent-hung-up' });
    await waitFor(() => h.server.calls.call(w.caller)?.state === 'connected' && h.server.calls.call(w.caller)?.agentId === h.agentOf('1002').agentId, 'B talking to the caller');
    const heard = followChannel(h.sim('a'), () => w.caller);

    h.sims.b?.fault('restart', 600_000);

    await b.next('call.transferred', (m) => m.callId === w.caller && m.reason === 'line-lost');
    await waitFor(() => h.server.calls.call(w.caller)?.state === 'queued', 'the caller back in line');
    await waitFor(() => heard.toHoldingBridge().length > 0, "the caller in the queue's holding bridge");
    heard.stop();
    expect(heard.toHoldingBridge()).toEqual([`play sound:${PROMPTS.callInterrupted}`, 'enter holding']);
    expect((await row(w.caller))?.queuedAt).toBe(queuedAt);

    await servedOnNodeAThenEnded(w);
    expect(told(a, w.caller)).toEqual(['call.offered', 'call.answered', 'call.consulting', 'call.transferred']);
    expect(told(b, w.caller)).toEqual(['call.offered', 'call.answered', 'call.transferred']);
    await showsNoCall(a);
    await showsNoCall(b);
  });
});

describe("the caller's and the agent's node dies after the agent left a consultation", () => {
  it("closes the call: the agent who left gets its end once, the colleague's ring on node a stops", async () => {
    const w = await consultedThenLeft({ caller: 'b', a: 'b', b: 'a' }, '13800000503');
    const [a, b] = [w.desk('1001'), w.desk('1002')];

    h.sims.b?.fault('restart', 600_000);

    await waitFor(async () => (await row(w.caller))?.endedAt, 'the call closed', 15_000);
    expect(await row(w.caller)).toMatchObject({ node: 'b', outcome: 'answered', state: 'ended' });
    await a.next('call.ended', (m) => m.callId === w.caller);
    await b.next('call.offer.withdrawn', (m) => m.callId === w.caller);
    await waitFor(async () => !(await h.channelsOn('a')).some((c) => c.endpoint === 'PJSIP/1002'), "B's phone no longer ringing");
    await waitFor(() => h.agentOf('1002').state === 'ready', 'B ready again');
    await h.server.calls.settle();
    expect(told(a, w.caller)).toEqual(['call.offered', 'call.answered', 'call.consulting', 'call.ended']);
    expect(told(b, w.caller)).toEqual(['call.offered', 'call.offer.withdrawn']);
    await showsNoCall(a);
    await showsNoCall(b);
  });
});
