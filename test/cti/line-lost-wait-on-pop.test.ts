/**
 * The wait on the next agent's screen-pop (排队等待) of a caller put back in line because the line to
 * their agent's node failed: the caller keeps their old place in line, but the pop counts the wait
 * from the moment they were back in line (the 通话意外中断 notice included), not from their first
 * arrival — the conversation with the first agent is no waiting. The first agent's pop, of a caller
 * never put back, still counts from their arrival in line. A desk that reconnects gets the same figure.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentDesktop } from '../support/agent-desktop.js';
import { startNodesHarness, type NodesHarness } from '../support/multi-node.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';

let h: NodesHarness;
let onA: AgentDesktop;
let onB: AgentDesktop;

beforeAll(async () => {
  h = await startNodesHarness(['a', 'b'], { nodeLostSeconds: 1 });
  await h.placePhones({ a: ['1001'], b: ['1002'] });
  onA = await AgentDesktop.login(h.server.httpUrl, '1001');
  onB = await AgentDesktop.login(h.server.httpUrl, '1002');
});
afterAll(async () => {
  onA.close();
  onB.close();
  await h.stop();
});

/** Moves the test clock on by `seconds` (it goes on with real time from there). */
const later = (seconds: number): void => h.clock.set(new Date(h.clock.now().getTime() + seconds * 1000).toISOString());

describe("the next agent's pop of a caller whose agent's line was lost", () => {
  it('shows the wait since the caller was back in line, also in hello', async () => {
    const caller = await placeCall(h.sim('a').httpUrl, '13800000401', '12345');
    await waitFor(() => h.server.calls.call(caller)?.state === 'queued', 'the caller in line');
    // Twenty seconds in line, then answered over the trunk by the agent on node b.
    later(20);
    expect(await onB.command('agent.ready')).toMatchObject({ ok: true });
    const firstPop = await onB.next('call.offered', (m) => m.callId === caller);
    expect(firstPop.waitedSeconds).toBeGreaterThanOrEqual(20);
    expect(firstPop.waitedSeconds).toBeLessThan(300);
    await onB.next('call.answered', (m) => m.callId === caller);

    // Five minutes of conversation, then node b dies: the caller goes back in line.
    later(300);
    h.sims.b?.fault('restart', 600_000);
    await onB.next('call.transferred', (m) => m.callId === caller && m.reason === 'line-lost');
    await waitFor(async () => {
      const bridges = (await simRequest<{ name: string; channelIds: string[] }[]>(h.sim('a').httpUrl, 'GET', '/sim/bridges')).body;
      return bridges.some((b) => b.name.startsWith('queue-') && b.channelIds.includes(caller));
    }, "the caller in the queue's holding bridge", 15_000);

    // Thirty seconds in line again before the agent on node a is free.
    later(30);
    expect(await onA.command('agent.ready')).toMatchObject({ ok: true });
    const pop = await onA.next('call.offered', (m) => m.callId === caller);
    // The thirty seconds (and the real time the test took since the caller was back in line), not
    // the 20 s + 300 s since the first arrival.
    expect(pop.waitedSeconds).toBeGreaterThanOrEqual(30);
    expect(pop.waitedSeconds).toBeLessThan(300);

    await onA.next('call.answered', (m) => m.callId === caller);
    const hello = await onA.reconnect();
    expect(hello.call).toMatchObject({ callId: caller, state: 'connected', waitedSeconds: pop.waitedSeconds });

    await simRequest(h.sim('a').httpUrl, 'POST', `/sim/channels/${caller}/hangup`);
    await waitFor(() => h.server.calls.call(caller) === undefined, 'the call over');
  });
});
