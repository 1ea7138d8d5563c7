/**
 * 漏接回拨 and the dial policy (routing/dial-policy.ts): the campaign does not dial on the centre's
 * trunk a number an agent's 回拨 would be refused (international, premium-rate): the entry is closed
 * unreachable at once, no attempt used, and the ticket's history says why.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { missedCalls, putSetting, ticketEvents, tickets } from '../../store/index.js';
import { useHarness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';

const h = useHarness();

describe('automatic missed-call callback and the dial policy', () => {
  it('does not dial an international number: the entry is closed unreachable with a note on the ticket', async () => {
    const db = h.server.store.db;
    const caller = '0085212345678';
    await putSetting(db, 'callback-policy', { from: '00:00', to: '24:00', workdaysOnly: false, spacingMinutes: 0, maxAttempts: 3 });
    const id = await placeCall(h.sim.httpUrl, caller, '12345');
    await waitFor(async () => (await simRequest<{ bridgeId: string | null }>(h.sim.httpUrl, 'GET', `/sim/channels/${id}`)).body.bridgeId !== null, 'queued');
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
    const missed = await waitFor(async () => (await db.select().from(missedCalls).where(eq(missedCalls.callerNumber, caller)).limit(1))[0], 'missed-call entry');
    const ticket = (await db.select().from(tickets).where(eq(tickets.callKey, id)).limit(1))[0];

    const dialled: string[] = [];
    h.sim.core.subscribe((event) => {
      const e = event as { type: string; channel?: { name?: string } };
      if (e.type === 'channel.created' && e.channel?.name?.startsWith('PJSIP/trunk')) dialled.push(e.channel.name);
    });
    await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/trunk', { online: true, answer: 'busy' });
    await h.server.missedCallbacks.runOnce();

    const entry = (await db.select().from(missedCalls).where(eq(missedCalls.id, missed.id)).limit(1))[0];
    expect({ status: entry?.status, attempts: entry?.attempts, dialled }).toEqual({ status: 'unreachable', attempts: 0, dialled: [] });
    const note = await waitFor(
      async () => (await db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, ticket?.id ?? -1))).find((e) => e.kind === 'callback-refused'),
      'the ticket says why',
    );
    expect(note.note).toContain(`无法自动回拨：不能外呼 ${caller}`);
  });
});
