/**
 * 回访 after 重办: a ticket the citizen was dissatisfied with is redone, closed again, and surveyed
 * afresh — with attempts of its own, not those its first round used up — and that round ends as not
 * answered after its last attempt, like the first.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { listCallbackAttempts, putSetting, ticketHistory, tickets, type TicketRow } from '../../store/index.js';
import { useHarness } from '../support/harness.js';
import { simRequest, waitFor } from '../support/sim-client.js';

const h = useHarness();

async function token(username: string): Promise<string> {
  return (await simRequest<{ token: string }>(h.server.httpUrl, 'POST', '/api/v1/auth/login', { username, password: 'demo' })).body.token;
}

async function ticketRow(id: number): Promise<TicketRow | undefined> {
  return (await h.server.store.db.select().from(tickets).where(eq(tickets.id, id)).limit(1))[0];
}

describe('survey callback of a ticket closed again after a redo', () => {
  it('calls the citizen again for the second round, and ends that round as not answered after its last attempt', async () => {
    const db = h.server.store.db;
    const citizen = '13800134321';
    const number = '2606090099';
    const at = new Date(h.clock.now().getTime() - 86_400_000).toISOString();
    const [ticket] = await db
      .insert(tickets)
      .values({ number, callerNumber: citizen, dialledNumber: '12345', hotline: '12345 政务服务便民热线', content: '测试', status: 'closed', createdAt: at, updatedAt: at, registeredAt: at })
      .returning();
    if (!ticket) throw new Error('ticket not written');
    await putSetting(db, 'callback-policy', { from: '00:00', to: '24:00', workdaysOnly: false, spacingMinutes: 0, maxAttempts: 2 });

    // Round one: no answer, then the citizen answers and presses 3 (dissatisfied): redo.
    await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/trunk', { online: true, answer: 'busy' });
    await h.server.surveyCallbacks.runOnce();
    await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/trunk', { online: true, answer: 'auto', answerDelayMs: 20 });
    const played: { channel: string; media: string }[] = [];
    h.sim.core.subscribe((event) => {
      if (event.type === 'playback.started') played.push({ channel: event.playback.targetUri.replace('channel:', ''), media: event.playback.mediaUri });
    });
    const run = h.server.surveyCallbacks.runOnce();
    const question = await waitFor(() => played.find((p) => p.media === 'sound:survey-question'), 'the survey question');
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${question.channel}/dtmf`, { digits: '3' });
    await run;
    expect((await ticketRow(ticket.id))?.status).toBe('redo');

    // The unit handles it again; it is closed again.
    const supervisor = await token('super');
    for (const action of ['take', 'reply', 'close']) {
      const res = await fetch(`${h.server.httpUrl}/api/v1/tickets/${number}/actions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${supervisor}`, 'content-type': 'application/json' },
        body: JSON.stringify({ action }),
      });
      expect(res.status, action).toBe(200);
    }
    expect((await ticketRow(ticket.id))?.status).toBe('closed');

    // Round two: the citizen is called again (no answer, twice), the ticket is in callback…
    await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/trunk', { online: true, answer: 'busy' });
    const before = (await listCallbackAttempts(db, ticket.id)).length;
    await h.server.surveyCallbacks.runOnce();
    expect({ status: (await ticketRow(ticket.id))?.status, newAttempts: (await listCallbackAttempts(db, ticket.id)).length - before }).toEqual({
      status: 'callback',
      newAttempts: 1,
    });
    await h.server.surveyCallbacks.runOnce();
    // …and after its last attempt the round ends as not answered.
    await h.server.surveyCallbacks.runOnce();
    expect((await listCallbackAttempts(db, ticket.id)).length - before).toBe(2);
    expect(await ticketRow(ticket.id)).toMatchObject({ status: 'evaluated', satisfaction: 'no-answer' });
    expect((await ticketHistory(db, ticket.id)).at(-1)).toMatchObject({ kind: 'evaluate', note: '2 次回访未接通' });
  });
});
