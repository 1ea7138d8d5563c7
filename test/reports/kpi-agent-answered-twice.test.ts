/**
 * The KPI report by agent for a call two agents answered in turn: the first sends the caller back to
 * a skill (a blind transfer), the second takes them from the queue. The call counts once (呼入量 1,
 * 接通 1, to the agent who answered it first), each agent has their answered ring (振铃接听) and their
 * own talk (通话时长), and each agent's 平均通话时长 is their own conversation: the first agent's is not
 * stretched to the caller's hang-up (the time back in line and the second agent's talk), and the
 * second agent's is not "—". The line to the first agent's node lost: kpi-agent-answered-twice-line-lost.test.ts.
 */
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { calls, shanghaiDay } from '../../store/index.js';
import { OpenDesks } from '../support/agent-desktop.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';
import { expectAnsweredTwice } from '../support/kpi-answered-twice.js';

const h = useHarness({ ringTimeoutSeconds: 5 });
const desks = new OpenDesks(() => h.server.httpUrl);

beforeAll(async () => {
  await registerPhones(h.sim);
  return () => desks.closeAll();
});

/** Moves the injected clock on: the seconds a conversation or a wait lasts. */
const pass = (seconds: number) => h.clock.set(new Date(h.clock.now().getTime() + seconds * 1000).toISOString());
const callRow = async (id: string) => (await h.server.store.db.select().from(calls).where(eq(calls.linkedId, id)))[0];

describe('the KPI report by agent, a call answered by two agents in turn', () => {
  it("gives each agent their answered ring, their talk and their own conversation's 平均通话时长; the call counts once", async () => {
    const first = await desks.open('1001', true);
    const second = await desks.open('1002', false);
    const caller = await placeCall(h.sim.httpUrl, '13800007901', '12345');
    await first.next('call.answered', (m) => m.callId === caller);
    // 60 s with the first agent, who then sends the caller back to the general queue.
    pass(60);
    expect(await first.command('call.transfer', { callId: caller, target: { kind: 'skill', skill: 'general' }, mode: 'blind' })).toMatchObject({ ok: true });
    await first.next('agent.state', (m) => m.state === 'wrap_up');
    expect(await first.command('agent.notReady', { reason: '休息' })).toMatchObject({ ok: true });
    await waitFor(async () => (await callRow(caller))?.state === 'queued', 'the caller back in line');
    // 40 s back in line, then 30 s with the second agent, and the caller hangs up.
    pass(40);
    expect(await second.command('agent.ready')).toMatchObject({ ok: true });
    await second.next('call.answered', (m) => m.callId === caller);
    pass(30);
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${caller}/hangup`);
    await second.next('agent.state', (m) => m.state === 'wrap_up');
    expect(await second.command('agent.notReady', { reason: '休息' })).toMatchObject({ ok: true });

    await expectAnsweredTwice(h.server.httpUrl, shanghaiDay(h.clock.now()), { login: '1001', talk: { min: 60, max: 90 } }, { login: '1002', talk: { min: 30, max: 60 } }, { min: 90, max: 120 });
  });
});
