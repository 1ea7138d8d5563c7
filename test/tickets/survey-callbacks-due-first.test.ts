/**
 * 回访 with twenty tickets between attempts (nobody answered; the next try is due in 30 minutes): each
 * run looks at the tickets due — spacing elapsed — filtered before its limit of twenty, so a ticket
 * closed after them is surveyed now, not once the twenty have used up all their attempts.
 */
import { describe, expect, it } from 'vitest';
import { listCallbackAttempts, putSetting, tickets, type TicketRow } from '../../store/index.js';
import { useHarness } from '../support/harness.js';
import { simRequest } from '../support/sim-client.js';

const h = useHarness();

/** A ticket closed at `at`, waiting for its 回访. */
async function closedTicket(number: string, callerNumber: string, at: Date): Promise<TicketRow> {
  const iso = at.toISOString();
  const [row] = await h.server.store.db
    .insert(tickets)
    .values({ number, callerNumber, contactPhone: null, dialledNumber: '12345', hotline: '12345 政务服务便民热线', content: '测试', status: 'closed', createdAt: iso, updatedAt: iso, registeredAt: iso })
    .returning();
  if (!row) throw new Error('ticket not written');
  return row;
}

describe('survey callbacks with 20 tickets between attempts', () => {
  it('still calls a ticket closed after them', async () => {
    const db = h.server.store.db;
    await putSetting(db, 'callback-policy', { from: '00:00', to: '24:00', workdaysOnly: false, spacingMinutes: 30, maxAttempts: 3 });
    await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/trunk', { online: true, answer: 'busy' });

    // Twenty tickets closed yesterday: the first run calls them all; nobody answers.
    const yesterday = new Date(h.clock.now().getTime() - 86_400_000);
    const earlier: TicketRow[] = [];
    for (let i = 0; i < 20; i++) earlier.push(await closedTicket(`26060910${String(i).padStart(2, '0')}`, `139${String(20_000_000 + i).padStart(8, '0')}`, yesterday));
    await h.server.surveyCallbacks.runOnce();
    const firstRound = await Promise.all(earlier.map(async (t) => (await listCallbackAttempts(db, t.id)).length));
    expect(firstRound, 'each of the twenty called once').toEqual(earlier.map(() => 1));

    // A ticket closed a few minutes later; the campaign runs again a minute after that.
    const later = await closedTicket('2606092000', '13800135858', new Date(h.clock.now().getTime() + 5 * 60_000));
    await h.server.surveyCallbacks.runOnce(new Date(h.clock.now().getTime() + 6 * 60_000));

    expect((await listCallbackAttempts(db, later.id)).length, 'the ticket closed later is called while the others wait out their spacing').toBe(1);
  });
});
