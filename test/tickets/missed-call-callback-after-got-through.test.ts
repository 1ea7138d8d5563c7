/**
 * 漏接回拨 of a citizen who got through meanwhile: they gave up in the queue, called again and were
 * answered by an agent. The centre must not ring them back for the call they gave up on (and queue
 * them ahead of new callers for a matter already in hand): their entry is closed `got-through` when
 * the agent answers, not counted as called back, and the earlier call's ticket says why.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { missedCalls, putSetting, ticketEvents, tickets } from '../../store/index.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { simRequest } from '../support/sim-client.js';
import { getThroughTo, giveUpInQueue, missedEntryOf, trunkDials } from '../support/missed-callers.js';

const h = useHarness();

describe('missed-call callback of a citizen who got through meanwhile', () => {
  it('does not ring the citizen again once an agent has answered their next call', async () => {
    const db = h.server.store.db;
    const citizen = '13800135151';
    await putSetting(db, 'callback-policy', { from: '00:00', to: '24:00', workdaysOnly: false, spacingMinutes: 0, maxAttempts: 3 });

    // 1. No agent is free: the citizen waits in line and gives up.
    const first = await giveUpInQueue(h.sim.httpUrl, citizen);
    const entry = await missedEntryOf(db, citizen);
    expect(entry.status).toBe('pending');
    const firstTicket = (await db.select().from(tickets).where(eq(tickets.callKey, first)).limit(1))[0];

    // 2. The citizen calls again a few minutes later and an agent answers and talks to them.
    await registerPhones(h.sim);
    const second = await getThroughTo({ sim: h.sim.httpUrl, server: h.server.httpUrl }, '1001', citizen);
    const secondTicket = (await db.select().from(tickets).where(eq(tickets.callKey, second)).limit(1))[0];

    // 3. The campaign runs: the citizen, served already, must not be rung back for the call they gave up.
    await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/trunk', { online: true, answer: 'busy' });
    const dialled = trunkDials(h.sim, citizen);
    await h.server.missedCallbacks.runOnce();
    const after = (await db.select().from(missedCalls).where(eq(missedCalls.id, entry.id)).limit(1))[0];
    expect({ dialled, status: after?.status, attempts: after?.attempts }, 'the citizen got through before the callback: no callback ring, entry closed').toEqual({
      dialled: [],
      status: 'got-through',
      attempts: 0,
    });
    const line = (await db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, firstTicket?.id ?? -1))).find((e) => e.kind === 'callback-cancelled');
    expect(line?.note, 'the ticket of the call they gave up on says why nobody calls back').toBe(
      `来电人再次来电已由坐席接听（工单 ${secondTicket?.number ?? '?'}），无需漏接回拨`,
    );
  });

  it('leaves the entry of a caller who withheld their number alone when another withheld caller gets through', async () => {
    const db = h.server.store.db;
    // Every caller who withholds their number arrives as `anonymous`: one getting through says nothing of another.
    await giveUpInQueue(h.sim.httpUrl, 'anonymous');
    const entry = await missedEntryOf(db, 'anonymous');

    await registerPhones(h.sim);
    await getThroughTo({ sim: h.sim.httpUrl, server: h.server.httpUrl }, '1001', 'anonymous');

    const after = (await db.select().from(missedCalls).where(eq(missedCalls.id, entry.id)).limit(1))[0];
    expect(after?.status, 'another withheld caller got through, not this one').toBe('pending');
  });
});
