import { and, asc, eq, gt, isNull, or, sql } from 'drizzle-orm';
import type { Db } from '../db.js';
import { prepared } from '../prepared.js';
import { StoreError, isConstraintError } from '../errors.js';
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
  return prepared(db, 'active-block', (d) =>
    d
      .select()
      .from(blacklist)
      .where(and(eq(blacklist.number, sql.placeholder('number')), or(isNull(blacklist.expiresAt), gt(blacklist.expiresAt, sql.placeholder('at')))))
      .prepare(),
  ).get({ number, at: at.toISOString() });
}

export function listBlacklist(db: Db): BlacklistRow[] {
  return db.select().from(blacklist).orderBy(asc(blacklist.number)).all();
}

export function findBlacklistEntry(db: Db, id: number): BlacklistRow | undefined {
  return db.select().from(blacklist).where(eq(blacklist.id, id)).get();
}

/** A new entry; a conflict when the number already has one (unlike `putBlacklistEntry`). */
export function createBlacklistEntry(
  db: Db,
  input: { number: string; reason: string; expiresAt: string | null; createdBy: string },
): BlacklistRow {
  try {
    return db.insert(blacklist).values(input).returning().get();
  } catch (error) {
    if (isConstraintError(error)) throw new StoreError('conflict', `号码已在黑名单中: ${input.number}`);
    throw error;
  }
}

export function updateBlacklistEntry(
  db: Db,
  id: number,
  input: Partial<{ number: string; reason: string; expiresAt: string | null }>,
): BlacklistRow {
  let row: BlacklistRow | undefined;
  try {
    row = db.update(blacklist).set(input).where(eq(blacklist.id, id)).returning().get();
  } catch (error) {
    if (isConstraintError(error)) throw new StoreError('conflict', `号码已在黑名单中: ${input.number ?? ''}`);
    throw error;
  }
  if (!row) throw new StoreError('not-found', `黑名单记录不存在: ${id}`);
  return row;
}

export function deleteBlacklistEntry(db: Db, id: number): void {
  const result = db.delete(blacklist).where(eq(blacklist.id, id)).run();
  if (result.changes === 0) throw new StoreError('not-found', `黑名单记录不存在: ${id}`);
}
