/**
 * The missed-call callback (漏接回拨) of a caller who gave up on the parallel hotline 12315 (双号并行: its
 * calls go to that hotline's own skill and seats) brings the citizen back to the 12315 seats, as the
 * hotline they called, not to the general 12345 queue; and ahead of that hotline's new callers, who
 * the centre has not kept waiting yet.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calls, missedCalls, putSetting } from '../../store/index.js';
import { first } from '../../store/prepared.js';
import { OpenDesks } from '../support/agent-desktop.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';

// No overflow during the test: a callback queued for the wrong skill would never reach the 12315 seat.
const h = useHarness({ queueOverflowSeconds: 3600 });
const desks = new OpenDesks(() => h.server.httpUrl);

beforeAll(async () => {
  await registerPhones(h.sim);
  await putSetting(h.server.store.db, 'callback-policy', { from: '00:00', to: '24:00', workdaysOnly: false, spacingMinutes: 0 });
});
afterAll(() => desks.closeAll());

const rowOf = async (id: string) => first(await h.server.store.db.select().from(calls).where(eq(calls.linkedId, id)).limit(1));

describe('the callback of a 12315 caller who gave up', () => {
  it('goes back to the 12315 seat ahead of a newer 12315 caller, popping as the parallel hotline', async () => {
    const caller = '13800137001';
    const id = await placeCall(h.sim.httpUrl, caller, '12315');
    await waitFor(async () => (await rowOf(id))?.state === 'queued', 'queued for 12315');
    expect((await rowOf(id))?.skill).toBe('market-12315');
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
    await waitFor(async () => first(await h.server.store.db.select().from(missedCalls).where(eq(missedCalls.callerNumber, caller)).limit(1)), 'the missed-call entry');

    // A new 12315 caller waits meanwhile (nobody is at the 12315 seat yet).
    const newcomer = await placeCall(h.sim.httpUrl, '13800137002', '12315');
    await waitFor(async () => (await rowOf(newcomer))?.state === 'queued', 'the newcomer queued for 12315');

    await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/trunk', { online: true, answer: 'auto', answerDelayMs: 20 });
    await h.server.missedCallbacks.runOnce();
    const back = await waitFor(() => h.server.calls.calls().find((c) => c.summary.callerNumber === caller && c.callId !== id), 'the citizen called back', 10_000);
    const row = await waitFor(async () => {
      const r = await rowOf(back.callId);
      return r?.state === 'queued' ? r : null;
    }, 'the callback queued');
    expect(row.skill).toBe('market-12315');

    // The 12315 seat (agent 1004, skill market-12315 only) comes free: the callback is its first pop.
    const seat = await desks.open('1004', true);
    const pop = await seat.next('call.offered', () => true, 8000);
    expect(pop).toMatchObject({ callId: back.callId, callerNumber: caller, mode: 'parallel', hotline: '12315 市场监管投诉举报热线', dialledNumber: '12315' });
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${newcomer}/hangup`);
  });
});
