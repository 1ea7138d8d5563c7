import { and, eq, gt, isNull, or } from 'drizzle-orm';
import type { Db } from '../db.js';
import { blacklist } from '../schema.js';

export type BlacklistRow = typeof blacklist.$inferSelect;

/** Adds or replaces the entry for a number. */
export function putBlacklistEntry(
  db: Db,
  input: { number: string; reason: string; expiresAt: string | null; createdBy: string },
): BlacklistRow {
  return db
    .insert(blacklist)
    .values(input)
    .onConflictDoUpdate({
      target: blacklist.number,
      set: { reason: input.reason, expiresAt: input.expiresAt, createdBy: input.createdBy },
    })
    .returning()
    .get();
}

/** The entry that blocks `number` at time `at`, if any (expired entries block nobody). */
export function findActiveBlock(db: Db, number: string, at: Date): BlacklistRow | undefined {
  return db
    .select()
    .from(blacklist)
    .where(and(eq(blacklist.number, number), or(isNull(blacklist.expiresAt), gt(blacklist.expiresAt, at.toISOString()))))
    .get();
}
