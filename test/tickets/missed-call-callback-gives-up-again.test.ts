/**
 * 漏接回拨 of a citizen who gives up again: the automatic callback is answered, the citizen waits in
 * the queue and hangs up. They are back on the list under the same ticket (the callback's own call
 * row does not open a ticket), so the campaign calls them again and an agent's 回拨 pops that ticket.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { missedCalls, putSetting, tickets, type MissedCallRow } from '../../store/index.js';
import { AgentDesktop } from '../support/agent-desktop.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';

const h = useHarness();

interface SimChannel {
  id: string;
  name: string;
  bridgeId: string | null;
}

/** The citizen gives up in the queue, is called back automatically, answers, and gives up again. */
async function givesUpTwice(caller: string): Promise<{ ticketNumber: string; second: MissedCallRow }> {
  const db = h.server.store.db;
  await putSetting(db, 'callback-policy', { from: '00:00', to: '24:00', workdaysOnly: false, spacingMinutes: 0, maxAttempts: 3 });
  const id = await placeCall(h.sim.httpUrl, caller, '12345');
  await waitFor(async () => (await simRequest<{ bridgeId: string | null }>(h.sim.httpUrl, 'GET', `/sim/channels/${id}`)).body.bridgeId !== null, 'queued');
  await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
  const first = await waitFor(async () => (await db.select().from(missedCalls).where(eq(missedCalls.callerNumber, caller)).limit(1))[0], 'missed-call entry');
  const ticket = (await db.select().from(tickets).where(eq(tickets.callKey, id)).limit(1))[0];
  expect(ticket).toBeDefined();

  await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/trunk', { online: true, answer: 'auto', answerDelayMs: 20 });
  await h.server.missedCallbacks.runOnce();
  expect((await db.select().from(missedCalls).where(eq(missedCalls.id, first.id)).limit(1))[0]?.status).toBe('done');
  const leg = await waitFor(
    async () => (await simRequest<SimChannel[]>(h.sim.httpUrl, 'GET', '/sim/channels')).body.find((c) => c.name.startsWith('PJSIP/trunk') && c.bridgeId !== null),
    'callback leg queued',
  );
  await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${leg.id}/hangup`);
  const second = await waitFor(
    async () => (await db.select().from(missedCalls).where(eq(missedCalls.callerNumber, caller))).find((m) => m.id !== first.id && m.status === 'pending'),
    'a new missed-call entry',
  );
  return { ticketNumber: ticket?.number ?? '', second };
}

describe('missed-call callback, citizen gives up again in the queue', () => {
  it("is called back again by the campaign, then by an agent's 回拨, under the original ticket", async () => {
    const caller = '13800137777';
    const { ticketNumber, second } = await givesUpTwice(caller);
    const entry = async () => (await h.server.store.db.select().from(missedCalls).where(eq(missedCalls.id, second.id)).limit(1))[0];

    // The campaign dials them (one attempt counted), it does not close the entry unseen.
    await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/trunk', { online: true, answer: 'busy' });
    await h.server.missedCallbacks.runOnce();
    expect(await entry()).toMatchObject({ status: 'pending', attempts: 1 });

    // An agent's 回拨 of the entry pops the original ticket.
    await registerPhones(h.sim);
    const desk = await AgentDesktop.login(h.server.httpUrl, '1001');
    await desk.command('agent.ready');
    const reply = await desk.command('call.dial', { number: caller, missedCallId: second.id });
    const pop = await desk.next('call.offered', (m) => m.outbound === true);
    desk.close();
    expect({ ticketNumber: pop.ticketNumber, missedCallId: pop.missedCallId }).toEqual({ ticketNumber, missedCallId: second.id });
    expect(reply).toMatchObject({ ok: false, error: '外呼失败：对方忙' });
  });
});
