/**
 * 漏接回拨: a caller who gave up is called back on the trunk, joins the queue under the original ticket,
 * and pops on an agent; a number that never answers ends as unreachable.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { missedCalls, putSetting, tickets } from '../../store/index.js';
import { AgentDesktop } from '../support/agent-desktop.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';

const h = useHarness();

async function abandon(caller: string): Promise<{ ticketNumber: string; missedId: number }> {
  const id = await placeCall(h.sim.httpUrl, caller, '12345');
  await waitFor(async () => (await simRequest<{ bridgeId: string | null }>(h.sim.httpUrl, 'GET', `/sim/channels/${id}`)).body.bridgeId !== null, 'queued');
  await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
  const missed = await waitFor(async () => (await h.server.store.db.select().from(missedCalls).where(eq(missedCalls.callerNumber, caller)).limit(1))[0], 'missed-call entry');
  const ticket = (await h.server.store.db.select().from(tickets).where(eq(tickets.callKey, id)).limit(1))[0];
  return { ticketNumber: ticket?.number ?? '', missedId: missed.id };
}

describe('missed-call callbacks', () => {
  it('calls the citizen back, queues them with their ticket, and an agent takes it', async () => {
    await registerPhones(h.sim);
    await putSetting(h.server.store.db, 'callback-policy', { from: '00:00', to: '24:00', workdaysOnly: false, spacingMinutes: 0 });
    const { ticketNumber, missedId } = await abandon('13800134444');
    await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/trunk', { online: true, answer: 'auto', answerDelayMs: 20 });
    const desk = await AgentDesktop.login(h.server.httpUrl, '1001');
    await desk.command('agent.ready');
    await h.server.missedCallbacks.runOnce();
    const pop = await desk.next('call.offered', (m) => m.callerNumber === '13800134444');
    expect(pop.ticketNumber).toBe(ticketNumber);
    await desk.next('call.answered', (m) => m.callId === pop.callId);
    expect((await h.server.store.db.select().from(missedCalls).where(eq(missedCalls.id, missedId)).limit(1))[0]).toMatchObject({ status: 'done', attempts: 1 });
    expect(await desk.command('call.hangup', { callId: pop.callId })).toMatchObject({ ok: true });
    desk.close();
  });

  it('a number that never answers is marked unreachable after the last attempt', async () => {
    await putSetting(h.server.store.db, 'callback-policy', { from: '00:00', to: '24:00', workdaysOnly: false, spacingMinutes: 0, maxAttempts: 1 });
    const { missedId } = await abandon('13800133333');
    await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/trunk', { online: true, answer: 'busy' });
    await h.server.missedCallbacks.runOnce();
    expect((await h.server.store.db.select().from(missedCalls).where(eq(missedCalls.id, missedId)).limit(1))[0]).toMatchObject({ status: 'pending', attempts: 1 });
    await h.server.missedCallbacks.runOnce();
    expect((await h.server.store.db.select().from(missedCalls).where(eq(missedCalls.id, missedId)).limit(1))[0]?.status).toBe('unreachable');
  });

  it('uses up no attempt while the link to Asterisk is down', async () => {
    await putSetting(h.server.store.db, 'callback-policy', { from: '00:00', to: '24:00', workdaysOnly: false, spacingMinutes: 0, maxAttempts: 1 });
    const { missedId } = await abandon('13800132222');
    await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/trunk', { online: true, answer: 'busy' });
    const entry = async () => (await h.server.store.db.select().from(missedCalls).where(eq(missedCalls.id, missedId)).limit(1))[0];
    expect((await simRequest(h.sim.httpUrl, 'POST', '/sim/faults', { kind: 'cut-ari-events', downtimeMs: 1500 })).status).toBe(202);
    await waitFor(() => !h.server.link.status().ari, 'the server sees its ARI link down');
    await h.server.missedCallbacks.runOnce();
    expect(await entry()).toMatchObject({ status: 'pending', attempts: 0 });
    await waitFor(() => h.server.link.status().ari, 'the link back', 10_000);
    await h.server.missedCallbacks.runOnce();
    expect(await entry()).toMatchObject({ status: 'pending', attempts: 1 });
  });
});
