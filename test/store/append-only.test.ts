/**
 * Ticket history and the audit log are append-only on both databases (`CTI_TEST_DB=postgres` runs this
 * file on PostgreSQL): the database itself refuses to edit or delete them, whatever program asks.
 */
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { rawRows } from '../../store/prepared.js';
import { appendTicketEvent, auditLog, ticketEvents, tickets, writeAudit, type Store } from '../../store/index.js';
import { openTestStore } from '../support/test-database.js';
import { TestClock } from '../support/test-clock.js';

const opened: Store[] = [];
afterEach(async () => {
  while (opened.length) await opened.pop()?.close();
});

/** The innermost message of the rejection (drizzle wraps the driver's error in `cause`). */
async function refusal(attempt: Promise<unknown>): Promise<string> {
  try {
    await attempt;
  } catch (error) {
    let e: unknown = error;
    while (e instanceof Error && e.cause instanceof Error) e = e.cause;
    return e instanceof Error ? e.message : String(e);
  }
  return 'did not throw';
}

describe('append-only records', () => {
  it('refuses to edit or delete a ticket’s history or the audit log', async () => {
    const store = await openTestStore(new TestClock());
    opened.push(store);
    const { db } = store;
    const [ticket] = await db.insert(tickets).values({ number: '202606100001', callerNumber: '13800000001', dialledNumber: '12345', hotline: '12345' }).returning();
    if (!ticket) throw new Error('no ticket');
    await appendTicketEvent(db, { ticketId: ticket.id, actor: 'system', kind: 'note', note: '来电记录' });
    await writeAudit(db, { actor: 'admin', action: 'update', entity: 'route', entityId: 1, before: null, after: null });

    expect(await refusal(db.update(ticketEvents).set({ note: '改写' }).then())).toMatch(/ticket_events is append-only/);
    expect(await refusal(db.delete(ticketEvents).then())).toMatch(/ticket_events is append-only/);
    expect(await refusal(db.update(auditLog).set({ actor: 'someone' }).then())).toMatch(/audit_log is append-only/);
    expect(await refusal(db.delete(auditLog).then())).toMatch(/audit_log is append-only/);
    const [counts] = await rawRows<{ events: number | string; audits: number | string }>(
      db,
      sql`select (select count(*) from ticket_events) as events, (select count(*) from audit_log) as audits`,
    );
    expect([Number(counts?.events), Number(counts?.audits)]).toEqual([1, 1]);
  });
});
