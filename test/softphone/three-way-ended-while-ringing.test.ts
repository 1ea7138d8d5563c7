/**
 * A three-way call whose third party still rings when the call ends. Who ended it is what the agent
 * reads (the 三方通话 command's error) and what the ticket history keeps for quality inspection: the
 * agent hanging up their phone is not "the caller hung up" (来电人已挂机), and the caller hanging up is.
 */
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ticketEvents } from '../../store/index.js';
import { OpenDesks, type AgentDesktop, type WireMessage } from '../support/agent-desktop.js';
import { registerPhones, hangUpEverything, useHarness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';

const h = useHarness({ ringTimeoutSeconds: 10 });
const desks = new OpenDesks(() => h.server.httpUrl);

beforeAll(async () => {
  await registerPhones(h.sim);
});
afterAll(() => desks.closeAll());
afterEach(async () => {
  await hangUpEverything(h);
  desks.closeAll();
});

const colleagueId = () => h.server.calls.agents.list().find((a) => a.login === '1002')?.agentId;

/** Agent 1001 talks to a caller and calls colleague 1002 into a three-way call; 1002's phone rings. */
async function threeWayRinging(number: string): Promise<{ a: AgentDesktop; caller: string; ticketId: number; conference: Promise<WireMessage> }> {
  const a = await desks.open('1001', true);
  const t = await desks.open('1002');
  const caller = await placeCall(h.sim.httpUrl, number, '12345');
  await a.next('call.answered', (m) => m.callId === caller);
  expect(await t.command('agent.ready')).toMatchObject({ ok: true });
  await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/1002', { online: true, answer: 'manual', answerDelayMs: 50 });
  const ticketId = h.server.calls.call(caller)?.summary.ticketId ?? -1;
  const conference = a.command('call.conference', { callId: caller, target: { kind: 'agent', agentId: colleagueId() } });
  await t.next('call.offered', (m) => m.callId === caller);
  return { a, caller, ticketId, conference };
}

/** The ticket history's line for how the three-way call ended (ringing → abandoned). */
async function abandonNote(ticketId: number): Promise<string> {
  await h.server.calls.settle();
  return waitFor(async () => {
    const rows = await h.server.store.db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, ticketId));
    return rows.find((e) => e.kind === 'conference' && e.note?.startsWith('ringing → abandoned'))?.note ?? undefined;
  }, 'the three-way call ended in the ticket history');
}

describe('a three-way call ended while the third party rings', () => {
  it('by the agent hanging up: the desk and the ticket history say the agent hung up, not the caller', async () => {
    const { caller, ticketId, conference } = await threeWayRinging('13800007701');
    await simRequest(h.sim.httpUrl, 'POST', '/sim/endpoints/PJSIP/1001/hangup');
    const answer = await conference;
    expect(answer.ok).toBe(false);
    expect(answer.error).toBe('坐席已挂机，三方通话已取消');
    const note = await abandonNote(ticketId);
    expect(note).toContain('坐席已挂机');
    expect(note).not.toContain('来电人');
    await waitFor(() => h.server.calls.call(caller) === undefined || h.server.calls.call(caller)?.hasEnded, 'the call over');
  });

  it('by the caller hanging up: both say the caller hung up', async () => {
    const { caller, ticketId, conference } = await threeWayRinging('13800007702');
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${caller}/hangup`);
    expect(await conference).toMatchObject({ ok: false, error: '来电人已挂机' });
    expect(await abandonNote(ticketId)).toContain('来电人已挂机');
  });
});
