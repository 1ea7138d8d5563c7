import { and, asc, desc, eq, isNull, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../db.js';
import { atomically } from '../durability.js';
import { changedRows, first, param, statement } from '../prepared.js';
import { calls, missedCalls, tickets } from '../schema.js';
import type { TicketRow } from './tickets.js';

export type MissedCallRow = typeof missedCalls.$inferSelect;

/**
 * Puts an abandoned call on the callback list. A number has at most one pending entry: when the
 * same caller gives up again, that entry moves to the latest call (whose ticket, `ticketId`, the
 * callback continues), counts the time and has its automatic attempts afresh (the new missed call
 * is called back, even when the attempts for the earlier one were used up; the last attempt's time
 * stays, so the spacing between the centre's calls holds). Recording the same call twice changes nothing.
 */
export async function recordMissedCall(
  db: Db,
  entry: { callId: number; callerNumber: string; dialledNumber: string; waitMs: number; at: string; ticketId?: number | null },
): Promise<void> {
  const input = { ...entry, ticketId: entry.ticketId ?? null };
  await atomically(db, async (tx) => {
    const already = first(
      await statement(tx, 'missed-call-of-call', (d) =>
        d.select({ id: missedCalls.id }).from(missedCalls).where(eq(missedCalls.callId, sql.placeholder('callId'))),
      ).execute({ callId: input.callId }),
    );
    if (already) return;
    await statement(tx, 'missed-call-upsert', (d) =>
      d
        .insert(missedCalls)
        .values({
          callId: sql.placeholder('callId'),
          callerNumber: sql.placeholder('callerNumber'),
          dialledNumber: sql.placeholder('dialledNumber'),
          waitMs: sql.placeholder('waitMs'),
          at: sql.placeholder('at'),
          ticketId: sql.placeholder('ticketId'),
        })
        .onConflictDoUpdate({
          target: missedCalls.callerNumber,
          targetWhere: sql`status = 'pending'`,
          set: {
            callId: param('callId'),
            dialledNumber: param('dialledNumber'),
            waitMs: param('waitMs'),
            at: param('at'),
            ticketId: param('ticketId'),
            abandonedTimes: sql`${missedCalls.abandonedTimes} + 1`,
            attempts: 0,
          },
        }),
    ).execute(input);
  });
}

/** The pending entries, newest first (the agents' list). */
export async function listPendingMissedCalls(db: Db, limit = 100): Promise<MissedCallRow[]> {
  return db.select().from(missedCalls).where(eq(missedCalls.status, 'pending')).orderBy(desc(missedCalls.at)).limit(limit);
}

/**
 * The pending entries due for an automatic callback: never tried, or last tried at or before
 * `lastAttemptBy` (the spacing). Oldest missed call first, so the first citizens to give up are
 * called back first however many gave up after them; filtered before the limit, so entries waiting
 * out their spacing never crowd out those that are due. Read along `missed_calls_status_at_idx`.
 */
export async function listDueMissedCalls(db: Db, lastAttemptBy: string, limit = 100): Promise<MissedCallRow[]> {
  return db
    .select()
    .from(missedCalls)
    .where(and(eq(missedCalls.status, 'pending'), or(isNull(missedCalls.lastAttemptAt), lte(missedCalls.lastAttemptAt, lastAttemptBy))))
    .orderBy(asc(missedCalls.at), asc(missedCalls.id))
    .limit(limit);
}

/** Marks a callback done; false when it was not pending (someone else took it). */
export async function completeMissedCall(db: Db, id: number, agentId: number): Promise<boolean> {
  return atomically(
    db,
    async (tx) =>
      changedRows(
        await tx
          .update(missedCalls)
          .set({ status: 'done', handledBy: agentId })
          .where(and(eq(missedCalls.id, id), eq(missedCalls.status, 'pending'))),
      ) === 1,
  );
}

export async function findMissedCall(db: Db, id: number): Promise<MissedCallRow | undefined> {
  return first(await db.select().from(missedCalls).where(eq(missedCalls.id, id)).limit(1));
}

/** The number's pending entry on the callback list (there is at most one), if any. */
export async function findPendingMissedCallOf(db: Db, callerNumber: string): Promise<MissedCallRow | undefined> {
  return first(await db.select().from(missedCalls).where(and(eq(missedCalls.callerNumber, callerNumber), eq(missedCalls.status, 'pending'))).limit(1));
}

/** Counts an automatic callback attempt (before dialling, so a crash mid-call still counts it). */
export async function noteMissedCallAttempt(db: Db, id: number, at: Date): Promise<void> {
  await atomically(db, async (tx) => {
    await tx
      .update(missedCalls)
      .set({ attempts: sql`${missedCalls.attempts} + 1`, lastAttemptAt: at.toISOString() })
      .where(eq(missedCalls.id, id));
  });
}

/**
 * Takes back an attempt Asterisk never placed (the originate unanswered, the trunk refused): no phone
 * of the citizen rang. The attempt's time stays, so the next try waits the usual spacing.
 */
export async function takeBackMissedCallAttempt(db: Db, id: number): Promise<void> {
  await atomically(db, async (tx) => {
    await tx
      .update(missedCalls)
      .set({ attempts: sql`case when ${missedCalls.attempts} > 0 then ${missedCalls.attempts} - 1 else 0 end` })
      .where(eq(missedCalls.id, id));
  });
}

/**
 * The citizen called again and was answered (`at`): their number's pending entry for a call they gave
 * up on earlier is closed `got-through` (nobody calls them back for it; not counted as called back).
 * Returns the entries closed, for a line in their tickets' history.
 */
export async function closeMissedCallsGotThrough(db: Db, callerNumber: string, at: string): Promise<Pick<MissedCallRow, 'id' | 'ticketId' | 'callId'>[]> {
  return atomically(db, async (tx) =>
    tx
      .update(missedCalls)
      .set({ status: 'got-through' })
      .where(and(eq(missedCalls.callerNumber, callerNumber), eq(missedCalls.status, 'pending'), lte(missedCalls.at, at)))
      .returning({ id: missedCalls.id, ticketId: missedCalls.ticketId, callId: missedCalls.callId }),
  );
}

export async function closeMissedCall(db: Db, id: number, status: 'done' | 'unreachable'): Promise<void> {
  await atomically(db, async (tx) => {
    await tx.update(missedCalls).set({ status }).where(and(eq(missedCalls.id, id), eq(missedCalls.status, 'pending')));
  });
}

/**
 * The entries a callback under `ticket` may return, newest first: those kept with the ticket, and
 * (entries recorded before it was kept) the one of the call that opened it — as `findTicketOfMissedCall` reads them.
 */
export async function listMissedCallsOfTicket(db: Db, ticket: Pick<TicketRow, 'id' | 'callId'>): Promise<MissedCallRow[]> {
  const own = eq(missedCalls.ticketId, ticket.id);
  const legacy = ticket.callId === null ? undefined : and(isNull(missedCalls.ticketId), eq(missedCalls.callId, ticket.callId));
  return db
    .select()
    .from(missedCalls)
    .where(legacy ? or(own, legacy) : own)
    .orderBy(desc(missedCalls.at), desc(missedCalls.id));
}

/**
 * The ticket a callback of `missed` continues: the one kept with the entry, else (an entry recorded
 * before it was kept) the ticket its call opened.
 */
export async function findTicketOfMissedCall(db: Db, missed: Pick<MissedCallRow, 'callId' | 'ticketId'>): Promise<TicketRow | undefined> {
  if (missed.ticketId !== null) {
    const kept = first(await db.select().from(tickets).where(eq(tickets.id, missed.ticketId)).limit(1));
    if (kept) return kept;
  }
  return first(
    await db
      .select({ ticket: tickets })
      .from(calls)
      .innerJoin(tickets, eq(tickets.callKey, calls.linkedId))
      .where(eq(calls.id, missed.callId))
      .limit(1),
  )?.ticket;
}
