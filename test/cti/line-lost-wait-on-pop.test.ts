/**
 * The wait on the next agent's screen-pop (排队等待) of a caller put back in line because the line to
 * their agent's node failed: the caller keeps their old place in line, but the pop counts the wait
 * from the moment they were back in line (the 通话意外中断 notice included), not from their first
 * arrival — the conversation with the first agent is no waiting. The first agent's pop, of a caller
 * never put back, still counts from their arrival in line. A desk that reconnects gets the same figure.
 */
import { describe, expect, it } from 'vitest';
import { useTwoNodeDesks } from '../support/multi-node.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';

const two = useTwoNodeDesks();

/** Moves the test clock on by `seconds` (it goes on with real time from there). */
const later = (seconds: number): void => two.h.clock.set(new Date(two.h.clock.now().getTime() + seconds * 1000).toISOString());

describe("the next agent's pop of a caller whose agent's line was lost", () => {
  it('shows the wait since the caller was back in line, also in hello', async () => {
    const caller = await placeCall(two.h.sim('a').httpUrl, '13800000401', '12345');
    await waitFor(() => two.h.server.calls.call(caller)?.state === 'queued', 'the caller in line');
    // Twenty seconds in line, then answered over the trunk by the agent on node b.
    later(20);
    expect(await two.onB.command('agent.ready')).toMatchObject({ ok: true });
    const firstPop = await two.onB.next('call.offered', (m) => m.callId === caller);
    expect(firstPop.waitedSeconds).toBeGreaterThanOrEqual(20);
    expect(firstPop.waitedSeconds).toBeLessThan(300);
    await two.onB.next('call.answered', (m) => m.callId === caller);

    // Five minutes of conversation, then node b dies: the caller goes back in line.
    later(300);
    two.h.sims.b?.fault('restart', 600_000);
    await two.onB.next('call.transferred', (m) => m.callId === caller && m.reason === 'line-lost');
    await waitFor(async () => {
      const bridges = (await simRequest<{ name: string; channelIds: string[] }[]>(two.h.sim('a').httpUrl, 'GET', '/sim/bridges')).body;
      return bridges.some((b) => b.name.startsWith('queue-') && b.channelIds.includes(caller));
    }, "the caller in the queue's holding bridge", 15_000);

    // Thirty seconds in line again before the agent on node a is free.
    later(30);
    expect(await two.onA.command('agent.ready')).toMatchObject({ ok: true });
    const pop = await two.onA.next('call.offered', (m) => m.callId === caller);
    // The thirty seconds (and the real time the test took since the caller was back in line), not
    // the 20 s + 300 s since the first arrival.
    expect(pop.waitedSeconds).toBeGreaterThanOrEqual(30);
    expect(pop.waitedSeconds).toBeLessThan(300);

    await two.onA.next('call.answered', (m) => m.callId === caller);
    const hello = await two.onA.reconnect();
    expect(hello.call).toMatchObject({ callId: caller, state: 'connected', waitedSeconds: pop.waitedSeconds });

    await simRequest(two.h.sim('a').httpUrl, 'POST', `/sim/channels/${caller}/hangup`);
    await waitFor(() => two.h.server.calls.call(caller) === undefined, 'the call over');
  });
});
