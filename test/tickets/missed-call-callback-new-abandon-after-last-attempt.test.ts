/**
 * 漏接回拨 of a citizen who gives up again after the campaign's last attempt for an earlier call: their
 * number's pending entry moves to the new call (one entry per number) with its attempts afresh, so the
 * call they just gave up on is called back, not closed unreachable unseen on the attempts of the old one.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { missedCalls, putSetting } from '../../store/index.js';
import { useHarness } from '../support/harness.js';
import { simRequest, waitFor } from '../support/sim-client.js';
import { giveUpInQueue, missedEntryOf, trunkDials } from '../support/missed-callers.js';

const h = useHarness();

describe('missed-call callback of a citizen who gives up again after the last attempt', () => {
  it('rings them for the new missed call instead of closing it unreachable unseen', async () => {
    const db = h.server.store.db;
    const citizen = '13800135454';
    await putSetting(db, 'callback-policy', { from: '00:00', to: '24:00', workdaysOnly: false, spacingMinutes: 0, maxAttempts: 1 });
    await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/trunk', { online: true, answer: 'busy' });

    await giveUpInQueue(h.sim.httpUrl, citizen);
    const entry = await missedEntryOf(db, citizen);
    await h.server.missedCallbacks.runOnce();
    expect((await db.select().from(missedCalls).where(eq(missedCalls.id, entry.id)).limit(1))[0]).toMatchObject({ status: 'pending', attempts: 1 });

    // The citizen calls again and gives up again: a new missed call.
    await giveUpInQueue(h.sim.httpUrl, citizen);
    await waitFor(async () => {
      const rows = await db.select().from(missedCalls).where(eq(missedCalls.callerNumber, citizen));
      return rows.some((m) => m.abandonedTimes >= 2) || rows.length > 1;
    }, 'the second missed call recorded');

    const dialled = trunkDials(h.sim, citizen);
    await h.server.missedCallbacks.runOnce();
    const rows = await db.select().from(missedCalls).where(eq(missedCalls.callerNumber, citizen));
    expect(
      { dialled: dialled.length, allUnreachable: rows.every((m) => m.status === 'unreachable') },
      'the call they just gave up is called back at least once, not closed unreachable unseen',
    ).toEqual({ dialled: 1, allUnreachable: false });
  });
});
