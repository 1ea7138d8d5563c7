import { and, asc, eq, gt, isNull, or, sql } from 'drizzle-orm';
import type { Db } from '../db.js';
import { atomically } from '../durability.js';
import { changedRows, first, statement } from '../prepared.js';
import { StoreError, isConstraintError } from '../errors.js';
import { blacklist } from '../schema.js';

export type BlacklistRow = typeof blacklist.$inferSelect;

/** Adds or replaces the entry for a number. */
export async function putBlacklistEntry(
  db: Db,
  input: { number: string; reason: string; expiresAt: string | null; createdBy: string },
): Promise<BlacklistRow> {
  const rows = await atomically(db, async (tx) =>
    tx
      .insert(blacklist)
      .values(input)
      .onConflictDoUpdate({
        target: blacklist.number,
        set: { reason: input.reason, expiresAt: input.expiresAt, createdBy: input.createdBy },
      })
      .returning(),
  );
  return rows[0]!;
}

/** The entry that blocks `number` at time `at`, if any (expired entries block nobody). */
export async function findActiveBlock(db: Db, number: string, at: Date): Promise<BlacklistRow | undefined> {
  return first(
    await statement(db, 'active-block', (d) =>
      d
        .select()
        .from(blacklist)
        .where(and(eq(blacklist.number, sql.placeholder('number')), or(isNull(blacklist.expiresAt), gt(blacklist.expiresAt, sql.placeholder('at'))))),
    ).execute({ number, at: at.toISOString() }),
  );
}

export async function listBlacklist(db: Db): Promise<BlacklistRow[]> {
  return db.select().from(blacklist).orderBy(asc(blacklist.number));
}

export async function findBlacklistEntry(db: Db, id: number): Promise<BlacklistRow | undefined> {
  return first(await db.select().from(blacklist).where(eq(blacklist.id, id)).limit(1));
}

/** A new entry; a conflict when the number already has one (unlike `putBlacklistEntry`). */
export async function createBlacklistEntry(
  db: Db,
  input: { number: string; reason: string; expiresAt: string | null; createdBy: string },
): Promise<BlacklistRow> {
  try {
    const rows = await atomically(db, async (tx) => tx.insert(blacklist).values(input).returning());
    return rows[0]!;
  } catch (error) {
    if (isConstraintError(error)) throw new StoreError('conflict', `号码已在黑名单中: ${input.number}`);
    throw error;
  }
}

export async function updateBlacklistEntry(
  db: Db,
  id: number,
  input: Partial<{ number: string; reason: string; expiresAt: string | null }>,
): Promise<BlacklistRow> {
  let row: BlacklistRow | undefined;
  try {
    row = first(await atomically(db, async (tx) => tx.update(blacklist).set(input).where(eq(blacklist.id, id)).returning()));
  } catch (error) {
    if (isConstraintError(error)) throw new StoreError('conflict', `号码已在黑名单中: ${input.number ?? ''}`);
    throw error;
  }
  if (!row) throw new StoreError('not-found', `黑名单记录不存在: ${id}`);
  return row;
}

export async function deleteBlacklistEntry(db: Db, id: number): Promise<void> {
  const result = await atomically(db, async (tx) => tx.delete(blacklist).where(eq(blacklist.id, id)));
  if (changedRows(result) === 0) throw new StoreError('not-found', `黑名单记录不存在: ${id}`);
}
