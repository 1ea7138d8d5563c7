/**
 * The automatic campaigns and the blacklist (骚扰号码): a number a supervisor blacklists after it gave
 * up in the queue is not called back by 漏接回拨 (which would queue the harasser ahead of new callers
 * and pop them on a desktop), and a ticket whose number is blacklisted is not surveyed (回访). Like a
 * number the dial policy refuses: closed at once (entry unreachable; 评价 未评价), no attempt used, the
 * reason in the ticket's history.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { listCallbackAttempts, missedCalls, putSetting, ticketEvents, ticketHistory, tickets } from '../../store/index.js';
import { client, login } from '../admin-api/admin-client.js';
import { useHarness } from '../support/harness.js';
import { simRequest, waitFor } from '../support/sim-client.js';
import { giveUpInQueue, missedEntryOf, trunkDials } from '../support/missed-callers.js';

const h = useHarness();

async function blacklist(number: string): Promise<void> {
  const supervisor = client(h.server.httpUrl, await login(h.server.httpUrl, 'super'));
  expect((await supervisor('POST', '/api/v1/blacklist', { number, reason: '多次恶意骚扰坐席' })).status).toBe(201);
}

describe('automatic callbacks of a number blacklisted since', () => {
  it('漏接回拨 does not call it back: the entry is closed unreachable, the ticket says why', async () => {
    const db = h.server.store.db;
    const harasser = '13800135252';
    await putSetting(db, 'callback-policy', { from: '00:00', to: '24:00', workdaysOnly: false, spacingMinutes: 0, maxAttempts: 3 });

    const id = await giveUpInQueue(h.sim.httpUrl, harasser);
    const entry = await missedEntryOf(db, harasser);
    const ticket = (await db.select().from(tickets).where(eq(tickets.callKey, id)).limit(1))[0];

    // The supervisor blacklists the number (it had been harassing the agents).
    await blacklist(harasser);

    await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/trunk', { online: true, answer: 'busy' });
    const dialled = trunkDials(h.sim, harasser);
    await h.server.missedCallbacks.runOnce();
    const after = (await db.select().from(missedCalls).where(eq(missedCalls.id, entry.id)).limit(1))[0];
    expect({ dialled, attempts: after?.attempts, status: after?.status }, 'a blacklisted number is not rung by the automatic callback').toEqual({
      dialled: [],
      attempts: 0,
      status: 'unreachable',
    });
    const note = await waitFor(
      async () => (await db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, ticket?.id ?? -1))).find((e) => e.kind === 'callback-refused'),
      'the ticket says why',
    );
    expect(note.note).toBe('无法自动回拨：号码已列入黑名单');
  });

  it('回访 does not call it: the ticket is evaluated as not surveyed, with the reason', async () => {
    const db = h.server.store.db;
    const harasser = '13800135253';
    await putSetting(db, 'callback-policy', { from: '00:00', to: '24:00', workdaysOnly: false, spacingMinutes: 0, maxAttempts: 3 });
    const at = new Date(h.clock.now().getTime() - 86_400_000).toISOString();
    const [ticket] = await db
      .insert(tickets)
      .values({ number: '2606095252', callerNumber: harasser, dialledNumber: '12345', hotline: '12345 政务服务便民热线', content: '测试', status: 'closed', createdAt: at, updatedAt: at, registeredAt: at })
      .returning();
    if (!ticket) throw new Error('ticket not written');
    await blacklist(harasser);

    await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/trunk', { online: true, answer: 'busy' });
    const dialled = trunkDials(h.sim, harasser);
    await h.server.surveyCallbacks.runOnce();
    const row = (await db.select().from(tickets).where(eq(tickets.id, ticket.id)).limit(1))[0];
    expect({ dialled, attempts: (await listCallbackAttempts(db, ticket.id)).length, status: row?.status, satisfaction: row?.satisfaction }).toEqual({
      dialled: [],
      attempts: 0,
      status: 'evaluated',
      satisfaction: 'no-answer',
    });
    expect((await ticketHistory(db, ticket.id)).at(-1)).toMatchObject({ kind: 'evaluate', note: '无法回访：号码已列入黑名单' });
  });
});
