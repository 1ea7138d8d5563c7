import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db.js';
import { atomicallySync } from '../durability.js';
import { param, prepared } from '../prepared.js';
import { missedCalls } from '../schema.js';

export type MissedCallRow = typeof missedCalls.$inferSelect;

/**
 * Puts an abandoned call on the callback list. A number has at most one pending entry: when the
 * same caller gives up again, that entry moves to the latest call (whose ticket the callback
 * continues) and counts the time. Recording the same call twice changes nothing.
 */
export function recordMissedCall(
  db: Db,
  input: { callId: number; callerNumber: string; dialledNumber: string; waitMs: number; at: string },
): void {
  atomicallySync(db, () => {
    const already = prepared(db, 'missed-call-of-call', (d) =>
      d.select({ id: missedCalls.id }).from(missedCalls).where(eq(missedCalls.callId, sql.placeholder('callId'))).prepare(),
    ).get({ callId: input.callId });
    if (already) return;
    prepared(db, 'missed-call-upsert', (d) =>
      d
        .insert(missedCalls)
        .values({
          callId: sql.placeholder('callId'),
          callerNumber: sql.placeholder('callerNumber'),
          dialledNumber: sql.placeholder('dialledNumber'),
          waitMs: sql.placeholder('waitMs'),
          at: sql.placeholder('at'),
        })
        .onConflictDoUpdate({
          target: missedCalls.callerNumber,
          targetWhere: sql`status = 'pending'`,
          set: {
            callId: param('callId'),
            dialledNumber: param('dialledNumber'),
            waitMs: param('waitMs'),
            at: param('at'),
            abandonedTimes: sql`${missedCalls.abandonedTimes} + 1`,
          },
        })
        .prepare(),
    ).run(input);
  });
}

export function listPendingMissedCalls(db: Db, limit = 100): MissedCallRow[] {
  return db.select().from(missedCalls).where(eq(missedCalls.status, 'pending')).orderBy(desc(missedCalls.at)).limit(limit).all();
}

/** Marks a callback done; false when it was not pending (someone else took it). */
export function completeMissedCall(db: Db, id: number, agentId: number): boolean {
  return (
    db
      .update(missedCalls)
      .set({ status: 'done', handledBy: agentId })
      .where(and(eq(missedCalls.id, id), eq(missedCalls.status, 'pending')))
      .run().changes === 1
  );
}

export function findMissedCall(db: Db, id: number): MissedCallRow | undefined {
  return db.select().from(missedCalls).where(eq(missedCalls.id, id)).get();
}

/** Counts an automatic callback attempt (before dialling, so a crash mid-call still counts it). */
export function noteMissedCallAttempt(db: Db, id: number, at: Date): void {
  db.update(missedCalls)
    .set({ attempts: sql`${missedCalls.attempts} + 1`, lastAttemptAt: at.toISOString() })
    .where(eq(missedCalls.id, id))
    .run();
}

export function closeMissedCall(db: Db, id: number, status: 'done' | 'unreachable'): void {
  db.update(missedCalls).set({ status }).where(and(eq(missedCalls.id, id), eq(missedCalls.status, 'pending'))).run();
}
