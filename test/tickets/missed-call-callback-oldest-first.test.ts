/**
 * 漏接回拨 with more than a run's worth of callers waiting (a night outside calling hours, an outage, a
 * surge): each run takes the entries due — spacing elapsed — oldest first, filtered before the limit,
 * so the first citizens to give up are called back, not starved by those who gave up after them.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { markCallEnded, missedCalls, openTicketForCall, putSetting, recordCallArrival, recordMissedCall } from '../../store/index.js';
import { useHarness } from '../support/harness.js';
import { simRequest } from '../support/sim-client.js';
import { giveUpInQueue, missedEntryOf } from '../support/missed-callers.js';

const h = useHarness();

/** A citizen who called 12345 and gave up in the queue, as the call handling records one. */
async function gaveUp(key: string, caller: string): Promise<void> {
  const db = h.server.store.db;
  const at = h.clock.now();
  const { call } = await recordCallArrival(db, { linkedId: key, channelId: key, channelName: 'PJSIP/trunk-x', callerNumber: caller, dialledNumber: '12345', routeId: null, arrivedAt: at.toISOString() });
  const { ticket } = await openTicketForCall(db, { callKey: key, callId: call.id, callerNumber: caller, dialledNumber: '12345', routeId: null, hotline: '12345 政务服务便民热线', at });
  await markCallEnded(db, key, { outcome: 'abandoned', hangupCause: 16, at: at.toISOString(), waitMs: 30_000 });
  await recordMissedCall(db, { callId: call.id, callerNumber: caller, dialledNumber: '12345', waitMs: 30_000, at: at.toISOString(), ticketId: ticket.id });
}

describe('missed-call callbacks with more than 100 callers waiting', () => {
  it('still calls back the first citizen who gave up', async () => {
    const db = h.server.store.db;
    // Outside calling hours for now: the callers accumulate (no run dials anyone).
    await putSetting(db, 'callback-policy', { from: '00:00', to: '00:01', workdaysOnly: false, spacingMinutes: 30, maxAttempts: 3 });

    // The first citizen to give up, through a real call.
    const first = '13800135656';
    await giveUpInQueue(h.sim.httpUrl, first);
    const entry = await missedEntryOf(db, first);

    // 100 more give up after them.
    for (let i = 0; i < 100; i++) await gaveUp(`later-${i}`, `139${String(10_000_000 + i).padStart(8, '0')}`);

    // Calling hours open; the trunk answers busy. Two runs, a minute apart.
    await putSetting(db, 'callback-policy', { from: '00:00', to: '24:00', workdaysOnly: false, spacingMinutes: 30, maxAttempts: 3 });
    await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/trunk', { online: true, answer: 'busy' });
    await h.server.missedCallbacks.runOnce();
    await h.server.missedCallbacks.runOnce(new Date(h.clock.now().getTime() + 60_000));

    const after = (await db.select().from(missedCalls).where(eq(missedCalls.id, entry.id)).limit(1))[0];
    const tried = (await db.select().from(missedCalls)).filter((m) => m.attempts > 0).length;
    expect({ firstCitizenAttempts: after?.attempts, othersTried: tried > 0 }, 'the first citizen to give up is called back too').toEqual({
      firstCitizenAttempts: 1,
      othersTried: true,
    });
  });
});
