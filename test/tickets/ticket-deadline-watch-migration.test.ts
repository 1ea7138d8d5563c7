/**
 * Upgrading a database from before the deadline watch kept its flag per deadline: deadlines the API
 * had stored as sent with an offset (`…+08:00`) become the UTC text every other time is (so the
 * overdue list and the watch compare them right), and a ticket the watch had already flagged keeps
 * that flag — no second alert for the same news — unless an extension came after it. A ticket seen
 * only "due soon" is flagged "overdue" once it is.
 */
import { describe, expect, it } from 'vitest';
import { listTicketsToFlag, openStore, tickets } from '../../store/index.js';
import { databaseBefore } from '../support/older-database.js';


describe('the deadline watch migration on an existing database', () => {
  it('rewrites offset deadlines in UTC and keeps the flags the watch had raised', async () => {
    const ticket = (id: number, dueAt: string, dueOverride: string | null, supervised: boolean) =>
      `INSERT INTO tickets (id, number, caller_number, dialled_number, hotline, status, due_at, due_override, supervised_at)
        VALUES (${id}, '260610000${id}', '13800000000', '12345', '12345', 'dispatched', '${dueAt}', ${dueOverride ? `'${dueOverride}'` : 'NULL'}, ${supervised ? "'2026-06-10T03:00:00.000Z'" : 'NULL'});`;
    const path = databaseBefore(
      '_ticket_deadline_watch',
      `
      ${ticket(1, '2026-06-11T18:00:00+08:00', '2026-06-11T18:00:00+08:00', true)}
      INSERT INTO ticket_events (ticket_id, at, actor, kind, note) VALUES (1, '2026-06-10T12:00:00.000Z', 'system', 'supervise-mark', '即将到期（期限 2026-06-11T18:00:00+08:00）');
      ${ticket(2, '2026-06-10T10:00:00.000Z', null, true)}
      INSERT INTO ticket_events (ticket_id, at, actor, kind, note) VALUES (2, '2026-06-10T11:00:00.000Z', 'system', 'supervise-mark', '已超期（期限 2026-06-10T10:00:00.000Z）');
      ${ticket(3, '2026-06-17T10:00:00.000Z', null, true)}
      INSERT INTO ticket_events (ticket_id, at, actor, kind, note) VALUES (3, '2026-06-09T11:00:00.000Z', 'system', 'supervise-mark', '即将到期（期限 2026-06-10T10:00:00.000Z）');
      INSERT INTO ticket_events (ticket_id, at, actor, kind, note) VALUES (3, '2026-06-10T09:00:00.000Z', 'super', 'extended', '延期至 2026-06-17T10:00:00.000Z');
      ${ticket(4, '2026-06-12T10:00:00.000Z', null, true)}
      INSERT INTO ticket_events (ticket_id, at, actor, kind, from_status, to_status) VALUES (4, '2026-06-10T09:00:00.000Z', 'super', 'supervise', 'dispatched', 'supervised');
    `,
    );
    const store = openStore(path);
    try {
      const rows = store.db.select().from(tickets).orderBy(tickets.id).all();
      expect(rows.map((r) => [r.id, r.dueAt, r.dueOverride, r.deadlineWatchLevel, r.deadlineWatchDueAt])).toEqual([
        [1, '2026-06-11T10:00:00.000Z', '2026-06-11T10:00:00.000Z', 'due-soon', '2026-06-11T10:00:00.000Z'],
        [2, '2026-06-10T10:00:00.000Z', null, 'overdue', '2026-06-10T10:00:00.000Z'],
        // Flagged before its extension: the new deadline is news.
        [3, '2026-06-17T10:00:00.000Z', null, null, null],
        // Supervised by hand only: never flagged by the watch.
        [4, '2026-06-12T10:00:00.000Z', null, null, null],
      ]);
      // A day later: 1 is overdue now (news), 2 was already told, 4 is due within 24 hours.
      const flag = await listTicketsToFlag(store.db, '2026-06-11T12:00:00.000Z', '2026-06-12T12:00:00.000Z');
      expect(flag.map((t) => t.id)).toEqual([1, 4]);
    } finally {
      void store.close();
    }
  });
});
