/**
 * The ticket's recordings query on the database `CTI_TEST_DB` selects (SQLite by default, PostgreSQL
 * with `CTI_TEST_DB=postgres`): the own call's recordings and the callbacks' in order of their start,
 * the agent of each, the deleted ones marked, and nothing of another ticket's calls.
 */
import { describe, expect, it } from 'vitest';
import {
  createAgent,
  listRecordingsOlderThan,
  listTicketRecordings,
  markCallAnswered,
  markRecordingDeleted,
  openTicketForCall,
  recordCallArrival,
  type Db,
  type TicketRow,
} from '../../store/index.js';
import { TestClock } from '../support/test-clock.js';
import { testStoresClosedAfterEach } from '../support/test-stores.js';

const open = testStoresClosedAfterEach(() => new TestClock());

async function call(db: Db, linkedId: string, at: string, direction: 'inbound' | 'outbound' = 'inbound') {
  return (await recordCallArrival(db, { linkedId, channelId: linkedId, channelName: 'PJSIP/trunk', callerNumber: '13800000001', dialledNumber: '12345', routeId: null, arrivedAt: at, direction })).call;
}

async function ticketOf(db: Db, linkedId: string, callId: number, at: string): Promise<TicketRow> {
  return (await openTicketForCall(db, { callKey: linkedId, callId, callerNumber: '13800000001', dialledNumber: '12345', routeId: null, hotline: '12345', at: new Date(at) })).ticket;
}

const listed = async (db: Db, ticket: TicketRow) => (await listTicketRecordings(db, ticket)).map((r) => [r.name, r.agentLogin, r.callId, r.origin, r.deletedAt !== null]);

describe('listTicketRecordings', () => {
  it("lists the own call's answers and the callbacks' under the ticket, oldest first, with their agents", async () => {
    const { db } = await open();
    const wang = await createAgent(db, { login: 'r1', name: '王芳', endpoint: 'PJSIP/r1' });
    const li = await createAgent(db, { login: 'r2', name: '李强', endpoint: 'PJSIP/r2' });
    const own = await call(db, 'own', '2026-06-10T02:00:00.000Z');
    const ticket = await ticketOf(db, 'own', own.id, '2026-06-10T02:00:00.000Z');
    const other = await call(db, 'other', '2026-06-10T02:01:00.000Z');
    const otherTicket = await ticketOf(db, 'other', other.id, '2026-06-10T02:01:00.000Z');
    await call(db, 'callback-a', '2026-06-10T03:00:00.000Z', 'outbound');

    // Written out of order: the list goes by start.
    await markCallAnswered(db, 'callback-a', { agentId: li.id, at: '2026-06-10T03:00:10.000Z', waitMs: 0, recording: 'rec-callback', ticketId: ticket.id });
    await markCallAnswered(db, 'own', { agentId: wang.id, at: '2026-06-10T02:00:10.000Z', waitMs: 10_000, recording: 'rec-own-1' });
    await markCallAnswered(db, 'own', { agentId: li.id, at: '2026-06-10T02:05:00.000Z', waitMs: 20_000, recording: 'rec-own-2', ticketId: ticket.id });
    await markCallAnswered(db, 'other', { agentId: wang.id, at: '2026-06-10T02:01:10.000Z', waitMs: 10_000, recording: 'rec-other', ticketId: otherTicket.id });

    expect(await listed(db, ticket)).toEqual([
      ['rec-own-1', 'r1', 'own', 'original', false],
      ['rec-own-2', 'r2', 'own', 'original', false],
      ['rec-callback', 'r2', 'callback-a', 'callback', false],
    ]);
    expect(await listed(db, otherTicket)).toEqual([['rec-other', 'r1', 'other', 'original', false]]);

    // The retention job removes the own call's (it arrived first): listed still, marked.
    const due = await listRecordingsOlderThan(db, '2026-06-10T02:30:00.000Z');
    for (const r of due.filter((d) => d.linkedId === 'own')) await markRecordingDeleted(db, r.recordingId, new Date('2026-12-10T03:00:00.000Z'));
    expect(await listed(db, ticket)).toEqual([
      ['rec-own-1', 'r1', 'own', 'original', true],
      ['rec-own-2', 'r2', 'own', 'original', true],
      ['rec-callback', 'r2', 'callback-a', 'callback', false],
    ]);
  });

  it('lists the callbacks of a ticket that has no call of its own', async () => {
    const { db } = await open();
    const cb = await call(db, 'callback-b', '2026-06-10T04:00:00.000Z', 'outbound');
    const ticket = { ...(await ticketOf(db, 'callback-b', cb.id, '2026-06-10T04:00:00.000Z')), callKey: null };
    await markCallAnswered(db, 'callback-b', { agentId: null, at: '2026-06-10T04:00:10.000Z', waitMs: 0, recording: 'rec-b', ticketId: ticket.id });
    expect(await listed(db, ticket)).toEqual([['rec-b', null, 'callback-b', 'callback', false]]);
  });
});
