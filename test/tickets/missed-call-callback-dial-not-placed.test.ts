/**
 * A callback dial Asterisk never placed — the originate lost on its way (no answer from Asterisk), or
 * refused — rang no phone of the citizen: it uses up no attempt of 漏接回拨 nor of 回访, so a citizen
 * is never closed unreachable (or 未评价) though no phone of theirs rang. It is tried again at the
 * policy's spacing, not at once (ring-leg.ts tells `not-placed` and `trunk-down` apart). Nor does it
 * move a closed ticket to 回访: it stays 办结, with no 回访 line in its history, until a dial gets through.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { callbackHistory, listCallbackAttempts, missedCalls, putSetting, ticketHistory, tickets, type TicketRow } from '../../store/index.js';
import type { AriRequestRecord, AriRequestVerdict } from '../pbx-sim/ari/server.js';
import { useHarness } from '../support/harness.js';
import { simRequest } from '../support/sim-client.js';
import { giveUpInQueue, missedEntryOf } from '../support/missed-callers.js';

/** While set, every callback originate is lost on its way to Asterisk (the connection closes unanswered). */
let loseCallbacks = false;
/** The callback originates lost, by the endpoint they were for. */
const lost: string[] = [];

function loseCallbackDial(request: AriRequestRecord): AriRequestVerdict {
  if (!loseCallbacks || request.method !== 'POST' || request.path !== '/channels') return;
  const args = request.query.find(([key]) => key === 'appArgs')?.[1] ?? '';
  if (!args.startsWith('callback,')) return;
  lost.push(request.query.find(([key]) => key === 'endpoint')?.[1] ?? '');
  return 'drop';
}

const lostTo = (number: string) => lost.filter((endpoint) => endpoint.includes(number)).length;

// A request lost on its way is an HTTP failure: an Asterisk that takes no requests over the events socket.
const h = useHarness({}, { requestsOverSocket: false, onAriRequest: loseCallbackDial });

async function trunkLegs(): Promise<{ name: string }[]> {
  return (await simRequest<{ name: string }[]>(h.sim.httpUrl, 'GET', '/sim/channels')).body.filter((c) => c.name.startsWith('PJSIP/trunk'));
}

describe('callback dial Asterisk never placed', () => {
  it('漏接回拨: uses up no attempt and does not close the entry unreachable', async () => {
    const db = h.server.store.db;
    const citizen = '13800135353';
    await putSetting(db, 'callback-policy', { from: '00:00', to: '24:00', workdaysOnly: false, spacingMinutes: 0, maxAttempts: 1 });
    await giveUpInQueue(h.sim.httpUrl, citizen);
    const entryId = (await missedEntryOf(h.server.store.db, citizen)).id;

    loseCallbacks = true;
    await h.server.missedCallbacks.runOnce();
    await h.server.missedCallbacks.runOnce();
    loseCallbacks = false;
    expect(lostTo(citizen), 'the callback was tried and lost on its way').toBeGreaterThan(0);
    expect(await trunkLegs(), 'nothing rang on the trunk').toEqual([]);
    const after = (await db.select().from(missedCalls).where(eq(missedCalls.id, entryId)).limit(1))[0];
    expect({ status: after?.status, attempts: after?.attempts }, 'the citizen was never rung: the entry waits for a dial that gets through').toEqual({
      status: 'pending',
      attempts: 0,
    });
  });

  it('漏接回拨: is tried again after the spacing, not at the next run', async () => {
    const db = h.server.store.db;
    const citizen = '13800135354';
    await putSetting(db, 'callback-policy', { from: '00:00', to: '24:00', workdaysOnly: false, spacingMinutes: 30, maxAttempts: 3 });
    await giveUpInQueue(h.sim.httpUrl, citizen);
    const entryId = (await missedEntryOf(h.server.store.db, citizen)).id;

    loseCallbacks = true;
    const start = h.clock.now().getTime();
    await h.server.missedCallbacks.runOnce(new Date(start));
    const first = lostTo(citizen);
    await h.server.missedCallbacks.runOnce(new Date(start + 60_000));
    const nextMinute = lostTo(citizen);
    await h.server.missedCallbacks.runOnce(new Date(start + 30 * 60_000));
    loseCallbacks = false;
    const after = (await db.select().from(missedCalls).where(eq(missedCalls.id, entryId)).limit(1))[0];
    expect({ triedFirst: first > 0, againNextMinute: nextMinute > first, againAfterSpacing: lostTo(citizen) > nextMinute, attempts: after?.attempts, status: after?.status }).toEqual({
      triedFirst: true,
      againNextMinute: false,
      againAfterSpacing: true,
      attempts: 0,
      status: 'pending',
    });
  });

  it('回访: uses up no attempt, does not end the survey as not answered, and leaves the ticket 办结', async () => {
    const db = h.server.store.db;
    const citizen = '13800135355';
    await putSetting(db, 'callback-policy', { from: '00:00', to: '24:00', workdaysOnly: false, spacingMinutes: 0, maxAttempts: 1 });
    const ticket = await closedTicket('2606095353', citizen);

    loseCallbacks = true;
    await h.server.surveyCallbacks.runOnce();
    await h.server.surveyCallbacks.runOnce();
    loseCallbacks = false;
    expect(lostTo(citizen), 'the survey call was tried and lost on its way').toBeGreaterThan(0);
    const row = await ticketRow(ticket.id);
    const outcomes = (await listCallbackAttempts(db, ticket.id)).map((a) => a.outcome);
    expect({
      status: row?.status,
      satisfaction: row?.satisfaction,
      outcomes,
      attempts: (await callbackHistory(db, ticket.id)).attempts,
      history: await historyKinds(ticket.id),
    }).toEqual({
      status: 'closed',
      satisfaction: null,
      outcomes: ['not-placed', 'not-placed'],
      attempts: 0,
      history: [],
    });

    // The next try that rings the citizen (busy) starts the 回访 stage as usual, once.
    await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/trunk', { online: true, answer: 'busy' });
    await h.server.surveyCallbacks.runOnce();
    expect({ status: (await ticketRow(ticket.id))?.status, attempts: (await callbackHistory(db, ticket.id)).attempts, history: await historyKinds(ticket.id) }).toEqual({
      status: 'callback',
      attempts: 1,
      history: ['start-callback'],
    });
  });
});

/** A ticket closed yesterday, waiting for its 回访 (history empty: written straight into the table). */
async function closedTicket(number: string, callerNumber: string): Promise<TicketRow> {
  const at = new Date(h.clock.now().getTime() - 86_400_000).toISOString();
  const [ticket] = await h.server.store.db
    .insert(tickets)
    .values({ number, callerNumber, dialledNumber: '12345', hotline: '12345 政务服务便民热线', content: '测试', status: 'closed', createdAt: at, updatedAt: at, registeredAt: at })
    .returning();
  if (!ticket) throw new Error('ticket not written');
  return ticket;
}

async function ticketRow(id: number): Promise<TicketRow | undefined> {
  return (await h.server.store.db.select().from(tickets).where(eq(tickets.id, id)).limit(1))[0];
}

async function historyKinds(ticketId: number): Promise<string[]> {
  return (await ticketHistory(h.server.store.db, ticketId)).map((e) => e.kind);
}
