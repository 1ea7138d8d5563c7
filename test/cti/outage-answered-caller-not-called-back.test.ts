/**
 * A citizen gave up in the queue (漏接回拨 entry pending); while the server was away they called again
 * and an agent answered them on the survival path (Asterisk's fallback queue). Once the server is back
 * and imports that call, the citizen has got through: the campaign must not ring them back for the
 * call they gave up on — as when an agent answers them with the server up (inbound-call.ts).
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { missedCalls, ticketEvents, tickets } from '../../store/index.js';
import { useHarness } from '../support/harness.js';
import { giveUpInQueue, missedEntryOf } from '../support/missed-callers.js';

const h = useHarness();

describe('a caller answered on the survival path', () => {
  it('has the pending callback of a call they gave up on earlier closed as got through', async () => {
    const db = h.server.store.db;
    const citizen = '13800136262';

    // 1. No agent is free: the citizen waits in line and gives up.
    const first = await giveUpInQueue(h.sim.httpUrl, citizen);
    const entry = await missedEntryOf(db, citizen);
    expect(entry.status).toBe('pending');
    const firstTicket = (await db.select().from(tickets).where(eq(tickets.callKey, first)).limit(1))[0];

    // 2. Later, during an outage, Asterisk's fallback queue put them through to agent 1001's phone:
    // its AstDB record, completed by the hang-up handler, is what the server imports when it is back.
    const start = Math.floor(h.clock.now().getTime() / 1000) + 600;
    const key = '1799000000.77';
    h.sim.core.astdb.put('cti-outage', key, `v=1&caller=${citizen}&dialled=12345&start=${start}&queued=${start + 5}&member=PJSIP/1001&holdtime=10&queuestatus=&abandoned=FALSE&end=${start + 200}&done=1`);
    h.clock.set(new Date((start + 300) * 1000).toISOString());
    await h.server.outageImport.run();
    const imported = (await db.select().from(tickets).where(eq(tickets.callKey, key)).limit(1))[0];
    expect(imported, 'the survival-path call imported').toBeDefined();

    const after = (await db.select().from(missedCalls).where(eq(missedCalls.id, entry.id)).limit(1))[0];
    expect(after?.status, 'the citizen got through on the survival path: no callback for the call they gave up on').toBe('got-through');
    const line = (await db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, firstTicket?.id ?? -1))).find((e) => e.kind === 'callback-cancelled');
    expect(line?.note, 'the ticket of the call they gave up on says why nobody calls back').toBe(`来电人再次来电已由坐席接听（工单 ${imported?.number ?? '?'}），无需漏接回拨`);
  });
});
