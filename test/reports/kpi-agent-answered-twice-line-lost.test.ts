/**
 * The KPI report by agent for a call whose first agent's line was lost (their Asterisk node died):
 * the caller goes back in line and an agent on the other node answers. The call counts once, to the
 * agent who answered it first; each agent has their answered ring, their own talk and their own
 * conversation as 平均通话时长 — the first agent's ends when their line was lost, not at the caller's
 * hang-up with the second agent. The blind transfer case: kpi-agent-answered-twice.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { shanghaiDay } from '../../store/index.js';
import { useTwoNodeDesks } from '../support/multi-node.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';
import { expectAnsweredTwice } from '../support/kpi-answered-twice.js';

const two = useTwoNodeDesks();

/** Moves the test clock on by `seconds` (it goes on with real time from there). */
const later = (seconds: number): void => two.h.clock.set(new Date(two.h.clock.now().getTime() + seconds * 1000).toISOString());

describe('the KPI report by agent, a call whose first agent lost their line', () => {
  it("gives each agent their answered ring, their talk and their own conversation's 平均通话时长; the call counts once", async () => {
    const caller = await placeCall(two.h.sim('a').httpUrl, '13800000402', '12345');
    await waitFor(() => two.h.server.calls.call(caller)?.state === 'queued', 'the caller in line');
    expect(await two.onB.command('agent.ready')).toMatchObject({ ok: true });
    await two.onB.next('call.answered', (m) => m.callId === caller);
    // Five minutes with the agent on node b, then node b dies: the caller goes back in line.
    later(300);
    two.h.sims.b?.fault('restart', 600_000);
    await two.onB.next('call.transferred', (m) => m.callId === caller && m.reason === 'line-lost');
    await waitFor(async () => {
      const bridges = (await simRequest<{ name: string; channelIds: string[] }[]>(two.h.sim('a').httpUrl, 'GET', '/sim/bridges')).body;
      return bridges.some((b) => b.name.startsWith('queue-') && b.channelIds.includes(caller));
    }, "the caller in the queue's holding bridge", 15_000);
    // Thirty seconds in line again, then 45 s with the agent on node a, and the caller hangs up.
    later(30);
    expect(await two.onA.command('agent.ready')).toMatchObject({ ok: true });
    await two.onA.next('call.answered', (m) => m.callId === caller);
    later(45);
    await simRequest(two.h.sim('a').httpUrl, 'POST', `/sim/channels/${caller}/hangup`);
    await waitFor(() => two.h.server.calls.call(caller) === undefined, 'the call over');

    await expectAnsweredTwice(two.h.server.httpUrl, shanghaiDay(two.h.clock.now()), { login: '1002', talk: { min: 300, max: 330 } }, { login: '1001', talk: { min: 45, max: 75 } }, { min: 345, max: 375 });
  });
});
