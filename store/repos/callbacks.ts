import { and, asc, desc, eq, gte, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import type { Db } from '../db.js';
import { atomically } from '../durability.js';
import { changedRows, first } from '../prepared.js';
import { callbackAttempts, ticketEvents, tickets } from '../schema.js';
import type { TicketRow } from './tickets.js';

export type CallbackAttemptRow = typeof callbackAttempts.$inferSelect;

/**
 * The latest close of the ticket (its `closed` line in the history), where its current round of 回访
 * starts: a ticket redone (重办) and closed again is surveyed afresh.
 */
function roundStartOf(ticketId: SQL | AnyColumn): SQL {
  return sql`coalesce((select ${ticketEvents.at} from ${ticketEvents} where ${ticketEvents.ticketId} = ${ticketId} and ${ticketEvents.toStatus} = 'closed' order by ${ticketEvents.id} desc limit 1), '')`;
}

/**
 * Tickets waiting for their survey callback (回访): closed, or in callback and not yet evaluated, and
 * due — no attempt of their current round after `lastAttemptBy` (the spacing; absent: all of them).
 * Filtered before the limit, so tickets waiting out their spacing never crowd out those that are due.
 * Oldest first.
 */
export async function listTicketsAwaitingCallback(db: Db, options: { lastAttemptBy?: string; limit?: number } = {}): Promise<TicketRow[]> {
  const { lastAttemptBy, limit = 20 } = options;
  const due =
    lastAttemptBy === undefined
      ? undefined
      : sql`not exists (select 1 from ${callbackAttempts} where ${callbackAttempts.ticketId} = ${tickets.id} and ${callbackAttempts.at} > ${lastAttemptBy} and ${callbackAttempts.at} >= ${roundStartOf(tickets.id)})`;
  return db
    .select()
    .from(tickets)
    .where(and(sql`${tickets.status} in ('closed', 'callback')`, due))
    .orderBy(asc(tickets.updatedAt))
    .limit(limit);
}

/**
 * The attempts of the ticket's current round of 回访: those since it last entered `closed` (a ticket
 * redone (重办) and closed again is surveyed afresh), and when the latest of them was made. A dial
 * Asterisk never placed (outcome `not-placed`: no phone rang) is no attempt, but its time counts for
 * the spacing.
 */
export async function callbackHistory(db: Db, ticketId: number): Promise<{ attempts: number; lastAt: string | null }> {
  const closed = first(
    await db
      .select({ at: ticketEvents.at })
      .from(ticketEvents)
      .where(and(eq(ticketEvents.ticketId, ticketId), eq(ticketEvents.toStatus, 'closed')))
      .orderBy(desc(ticketEvents.id))
      .limit(1),
  );
  const row = first(
    await db
      .select({
        attempts: sql<number>`coalesce(sum(case when ${callbackAttempts.outcome} = 'not-placed' then 0 else 1 end), 0)`.mapWith(Number),
        lastAt: sql<string | null>`max(${callbackAttempts.at})`,
      })
      .from(callbackAttempts)
      .where(and(eq(callbackAttempts.ticketId, ticketId), closed ? gte(callbackAttempts.at, closed.at) : undefined)),
  );
  return { attempts: row?.attempts ?? 0, lastAt: row?.lastAt ?? null };
}

/** True while a number has an attempt in progress (at most one call at a time per number). */
export async function hasCallbackInProgress(db: Db, number: string): Promise<boolean> {
  const rows = await db
    .select({ id: callbackAttempts.id })
    .from(callbackAttempts)
    .where(and(eq(callbackAttempts.number, number), eq(callbackAttempts.outcome, 'in-progress')))
    .limit(1);
  return first(rows) !== undefined;
}

export async function startCallbackAttempt(db: Db, ticketId: number, number: string, at: Date): Promise<number> {
  return atomically(db, async (tx) => {
    const row = first(await tx.insert(callbackAttempts).values({ ticketId, number, at: at.toISOString() }).returning({ id: callbackAttempts.id }));
    if (!row) throw new Error(`the callback attempt of ticket ${ticketId} was not written`);
    return row.id;
  });
}

/**
 * How an attempt ended: `answered` (with the survey's result), `no-answer`, `failed` (an error), or
 * `not-placed`: Asterisk never placed the dial (the originate unanswered, the trunk refused), so it
 * used up no attempt (callbackHistory).
 */
export async function finishCallbackAttempt(db: Db, id: number, outcome: 'no-answer' | 'answered' | 'failed' | 'not-placed', result: string | null = null): Promise<void> {
  await atomically(db, async (tx) => {
    await tx.update(callbackAttempts).set({ outcome, result }).where(eq(callbackAttempts.id, id));
  });
}

export async function listCallbackAttempts(db: Db, ticketId: number): Promise<CallbackAttemptRow[]> {
  return db.select().from(callbackAttempts).where(eq(callbackAttempts.ticketId, ticketId)).orderBy(desc(callbackAttempts.id));
}

/** Attempts left "in progress" by a stopped server are over: nobody is dialling them any more. */
export async function closeStaleCallbackAttempts(db: Db): Promise<number> {
  return atomically(db, async (tx) =>
    changedRows(await tx.update(callbackAttempts).set({ outcome: 'failed', result: 'server restarted' }).where(eq(callbackAttempts.outcome, 'in-progress'))),
  );
}
