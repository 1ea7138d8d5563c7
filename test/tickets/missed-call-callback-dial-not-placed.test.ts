/**
 * A callback dial Asterisk never placed — the originate lost on its way (no answer from Asterisk), or
 * refused — rang no phone of the citizen: it uses up no attempt of 漏接回拨 nor of 回访, so a citizen
 * is never closed unreachable (or 未评价) though no phone of theirs rang. It is tried again at the
 * policy's spacing, not at once (ring-leg.ts tells `not-placed` and `trunk-down` apart).
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { callbackHistory, listCallbackAttempts, missedCalls, putSetting, tickets } from '../../store/index.js';
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

const h = useHarness({}, { onAriRequest: loseCallbackDial });

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

  it('回访: uses up no attempt and does not end the survey as not answered', async () => {
    const db = h.server.store.db;
    const citizen = '13800135355';
    await putSetting(db, 'callback-policy', { from: '00:00', to: '24:00', workdaysOnly: false, spacingMinutes: 0, maxAttempts: 1 });
    const at = new Date(h.clock.now().getTime() - 86_400_000).toISOString();
    const [ticket] = await db
      .insert(tickets)
      .values({ number: '2606095353', callerNumber: citizen, dialledNumber: '12345', hotline: '12345 政务服务便民热线', content: '测试', status: 'closed', createdAt: at, updatedAt: at, registeredAt: at })
      .returning();
    if (!ticket) throw new Error('ticket not written');

    loseCallbacks = true;
    await h.server.surveyCallbacks.runOnce();
    await h.server.surveyCallbacks.runOnce();
    loseCallbacks = false;
    expect(lostTo(citizen), 'the survey call was tried and lost on its way').toBeGreaterThan(0);
    const row = (await db.select().from(tickets).where(eq(tickets.id, ticket.id)).limit(1))[0];
    const outcomes = (await listCallbackAttempts(db, ticket.id)).map((a) => a.outcome);
    expect({ status: row?.status, satisfaction: row?.satisfaction, outcomes, attempts: (await callbackHistory(db, ticket.id)).attempts }).toEqual({
      status: 'callback',
      satisfaction: null,
      outcomes: ['not-placed', 'not-placed'],
      attempts: 0,
    });
  });
});
