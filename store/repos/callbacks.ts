import { and, asc, count, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db.js';
import { callbackAttempts, tickets } from '../schema.js';
import type { TicketRow } from './tickets.js';

export type CallbackAttemptRow = typeof callbackAttempts.$inferSelect;

/** Tickets waiting for their survey callback (回访): closed, or in callback and not yet evaluated. Oldest first. */
export function listTicketsAwaitingCallback(db: Db, limit = 20): TicketRow[] {
  return db
    .select()
    .from(tickets)
    .where(sql`${tickets.status} in ('closed', 'callback')`)
    .orderBy(asc(tickets.updatedAt))
    .limit(limit)
    .all();
}

export function callbackHistory(db: Db, ticketId: number): { attempts: number; lastAt: string | null } {
  const row = db
    .select({ attempts: count(), lastAt: sql<string | null>`max(${callbackAttempts.at})` })
    .from(callbackAttempts)
    .where(eq(callbackAttempts.ticketId, ticketId))
    .get();
  return { attempts: row?.attempts ?? 0, lastAt: row?.lastAt ?? null };
}

/** True while a number has an attempt in progress (at most one call at a time per number). */
export function hasCallbackInProgress(db: Db, number: string): boolean {
  return (
    db
      .select({ id: callbackAttempts.id })
      .from(callbackAttempts)
      .where(and(eq(callbackAttempts.number, number), eq(callbackAttempts.outcome, 'in-progress')))
      .get() !== undefined
  );
}

export function startCallbackAttempt(db: Db, ticketId: number, number: string, at: Date): number {
  return db.insert(callbackAttempts).values({ ticketId, number, at: at.toISOString() }).returning({ id: callbackAttempts.id }).get().id;
}

export function finishCallbackAttempt(db: Db, id: number, outcome: 'no-answer' | 'answered' | 'failed', result: string | null = null): void {
  db.update(callbackAttempts).set({ outcome, result }).where(eq(callbackAttempts.id, id)).run();
}

export function listCallbackAttempts(db: Db, ticketId: number): CallbackAttemptRow[] {
  return db.select().from(callbackAttempts).where(eq(callbackAttempts.ticketId, ticketId)).orderBy(desc(callbackAttempts.id)).all();
}

/** Attempts left "in progress" by a stopped server are over: nobody is dialling them any more. */
export function closeStaleCallbackAttempts(db: Db): number {
  return db.update(callbackAttempts).set({ outcome: 'failed', result: 'server restarted' }).where(eq(callbackAttempts.outcome, 'in-progress')).run().changes;
}
