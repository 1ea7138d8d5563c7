/**
 * Loose ends around offering a call: a withdrawn offer clears the ringing agent's pop, a caller
 * waiting for a specialised skill overflows to general agents when the wait expires (with nothing
 * else happening), an outbound leg that fails says why, and a caller who gives up again and again
 * has one pending entry on the callback list.
 */
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { calls, listPendingMissedCalls } from '../../store/index.js';
import { first } from '../../store/prepared.js';
import { AgentDesktop } from '../support/agent-desktop.js';
import { registerPhones, startHarness, type Harness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';

let h: Harness;
const desks: AgentDesktop[] = [];

beforeAll(async () => {
  // Rings time out after 5 s of PBX time, which the simulator runs five times faster.
  h = await startHarness({ ringTimeoutSeconds: 5, queueOverflowSeconds: 1 }, { timeScale: 0.2 });
  await registerPhones(h.sim);
});
afterAll(async () => {
  await h.stop();
});
afterEach(async () => {
  while (desks.length) desks.pop()?.close();
  await registerPhones(h.sim);
  await new Promise((r) => setTimeout(r, 50));
});

async function desk(login: string): Promise<AgentDesktop> {
  const d = await AgentDesktop.login(h.server.httpUrl, login);
  desks.push(d);
  expect(await d.command('agent.ready')).toMatchObject({ ok: true });
  return d;
}
const agentState = (login: string) => h.server.calls.agents.list().find((a) => a.login === login)?.state;
const callRow = async (id: string) => first(await h.server.store.db.select().from(calls).where(eq(calls.linkedId, id)).limit(1));
async function hangUp(id: string): Promise<void> {
  await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
  await waitFor(async () => (await callRow(id))?.endedAt, 'the call to end');
}

describe('a withdrawn offer clears the pop', () => {
  it('the caller hangs up while the agent\'s phone rings: the desktop is told, the agent stays ready', async () => {
    await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/1001', { online: true, answer: 'manual' });
    const a = await desk('1001');
    const id = await placeCall(h.sim.httpUrl, '13800000201', '12345');
    await a.next('call.offered', (m) => m.callId === id);
    await hangUp(id);
    expect(await a.next('call.offer.withdrawn', (m) => m.callId === id)).toMatchObject({ reason: 'caller-hung-up' });
    await waitFor(() => agentState('1001') === 'ready', 'the agent ready again');
    expect(a.received.some((m) => m.type === 'alert')).toBe(false);
  });

  it('the ring times out: the desktop is told, the agent is set not ready and the call moves on', async () => {
    await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/1001', { online: true, answer: 'noanswer' });
    const a = await desk('1001');
    const id = await placeCall(h.sim.httpUrl, '13800000202', '12345');
    await a.next('call.offered', (m) => m.callId === id);
    expect(await a.next('call.offer.withdrawn', (m) => m.callId === id, 30_000)).toMatchObject({ reason: 'no-answer' });
    await waitFor(() => agentState('1001') === 'not_ready', 'the agent not ready after a missed ring', 10_000);
    const b = await desk('1002');
    await b.next('call.answered', (m) => m.callId === id);
    await hangUp(id);
  });
});

describe('overflow', () => {
  it('a 12315 caller reaches an idle general agent when the overflow wait expires, with no state change to trigger it', async () => {
    // 1002 is ready before the call arrives and stays so: only the overflow timer can offer the call.
    const general = await desk('1002');
    const id = await placeCall(h.sim.httpUrl, '13800000203', '12315');
    await waitFor(async () => (await callRow(id))?.skill === 'market-12315', 'queued for 12315');
    expect(general.received.some((m) => m.type === 'call.offered' && m.callId === id)).toBe(false);
    await general.next('call.offered', (m) => m.callId === id);
    await general.next('call.answered', (m) => m.callId === id);
    await hangUp(id);
  });
});

describe('an outbound leg that fails says why', () => {
  it('click-to-call to a busy number: "对方忙"; to one that rings out: "无人接听"', async () => {
    const a = await desk('1003');
    await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/trunk', { online: true, answer: 'busy' });
    expect(await a.command('call.dial', { number: '13900000001' })).toMatchObject({ ok: false, error: '外呼失败：对方忙' });
    await waitFor(() => agentState('1003') === 'wrap_up' || agentState('1003') === 'ready', 'the agent free again');
    await a.command('agent.ready');
    await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/trunk', { online: true, answer: 'noanswer' });
    expect(await a.command('call.dial', { number: '13900000002' })).toMatchObject({ ok: false, error: '外呼失败：无人接听' });
    await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/trunk', { online: true, answer: 'auto' });
  });
});

describe('a caller who leaves while joining the queue', () => {
  it('is not left in the line as a ghost: the next agent to go ready gets the next real caller', async () => {
    // Hang the caller up at the very moment the call flow queues them, while it is still joining.
    let ghost: string | null = null;
    const stop = h.server.calls.bus.subscribe((e) => {
      if (e.type === 'call.queued' && e.call.callerNumber === '13800000205') {
        ghost = e.call.callId;
        h.sim.core.hangup(e.call.callId);
      }
    });
    const gone = await placeCall(h.sim.httpUrl, '13800000205', '12345');
    await waitFor(async () => (await callRow(gone))?.endedAt, 'the first caller gone');
    stop();
    expect(ghost).toBe(gone);
    expect(h.server.calls.queue.size()).toBe(0);
    const a = await desk('1003');
    const real = await placeCall(h.sim.httpUrl, '13800000206', '12345');
    await a.next('call.answered', (m) => m.callId === real);
    expect(a.received.some((m) => m.type === 'call.offered' && m.callId === gone)).toBe(false);
    await hangUp(real);
  });
});

describe('the missed-call list', () => {
  it('keeps one pending entry per caller number, on the latest call, however often they gave up', async () => {
    const number = '13800000204';
    for (let i = 0; i < 3; i++) {
      const id = await placeCall(h.sim.httpUrl, number, '12345');
      await waitFor(async () => (await callRow(id))?.state === 'queued', 'queued');
      await hangUp(id);
    }
    const pending = (await listPendingMissedCalls(h.server.store.db)).filter((m) => m.callerNumber === number);
    expect(pending).toHaveLength(1);
    expect(pending[0]?.abandonedTimes).toBe(3);
    const latest = (await h.server.store.db.select().from(calls).where(eq(calls.callerNumber, number)).orderBy(calls.id)).at(-1);
    expect(pending[0]?.callId).toBe(latest?.id);
  });
});
