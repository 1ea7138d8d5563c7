import { and, asc, eq, gt, inArray, isNull, or, sql } from 'drizzle-orm';
import { clockOf } from '../clock.js';
import type { Db } from '../db.js';
import { atomically } from '../durability.js';
import { changedRows, first, fixedLimit, statement } from '../prepared.js';
import { StoreError, isConstraintError } from '../errors.js';
import { blacklist } from '../schema.js';
import { citizenNumber } from '../citizen-number.js';

export type BlacklistRow = typeof blacklist.$inferSelect;

/** A mainland mobile number: eleven digits, 13… to 19…. */
const MOBILE = /^1[3-9]\d{9}$/;

/** How many written forms of one number `writtenForms` gives at most (the lookup's placeholders). */
const FORMS = 5;

/**
 * The ways the number `kept` (as `citizenNumber` gives it) may be written in the list or presented by
 * a call: an entry written before the list kept numbers in one form still matches.
 */
function writtenForms(kept: string): string[] {
  if (MOBILE.test(kept)) return [kept, `0${kept}`, `86${kept}`, `+86${kept}`, `0086${kept}`];
  if (kept.startsWith('+')) return [kept, `00${kept.slice(1)}`];
  if (/^0[1-9]\d{8,}$/.test(kept)) return [kept, `+86${kept.slice(1)}`, `0086${kept.slice(1)}`, `86${kept.slice(1)}`];
  return [kept];
}

/** The entries of the number `kept` (as `citizenNumber` gives it), in whatever form each was written. */
async function entriesOf(db: Db, kept: string): Promise<BlacklistRow[]> {
  return db.select().from(blacklist).where(inArray(blacklist.number, writtenForms(kept)));
}

const isActive = (row: BlacklistRow, at: Date): boolean => row.expiresAt === null || row.expiresAt > at.toISOString();

/** The number as the list keeps it; a refusal naming what is wrong otherwise. */
function keptNumber(written: string): string {
  const kept = citizenNumber(written);
  if (kept === null) throw new StoreError('invalid', `不是有效的电话号码: ${written}`);
  return kept;
}

/** Adds or replaces the entry for a number. */
export async function putBlacklistEntry(
  db: Db,
  input: { number: string; reason: string; expiresAt: string | null; createdBy: string },
): Promise<BlacklistRow> {
  const number = keptNumber(input.number);
  const rows = await atomically(db, async (tx) =>
    tx
      .insert(blacklist)
      .values({ ...input, number })
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
  const kept = citizenNumber(number);
  if (kept === null) return undefined;
  const forms = writtenForms(kept);
  const values: Record<string, string> = { at: at.toISOString() };
  for (let i = 0; i < FORMS; i++) values[`n${i}`] = forms[i] ?? kept;
  return first(
    await statement(db, 'active-block', (d) =>
      d
        .select()
        .from(blacklist)
        .where(
          and(
            or(...Array.from({ length: FORMS }, (_, i) => eq(blacklist.number, sql.placeholder(`n${i}`)))),
            or(isNull(blacklist.expiresAt), gt(blacklist.expiresAt, sql.placeholder('at'))),
          ),
        )
        .limit(fixedLimit(1)),
    ).execute(values),
  );
}

export async function listBlacklist(db: Db): Promise<BlacklistRow[]> {
  return db.select().from(blacklist).orderBy(asc(blacklist.number));
}

export async function findBlacklistEntry(db: Db, id: number): Promise<BlacklistRow | undefined> {
  return first(await db.select().from(blacklist).where(eq(blacklist.id, id)).limit(1));
}

/**
 * A new entry for a number. A conflict when the number is blacklisted now; an entry of the number that
 * has expired (it blocks nobody) is replaced by the new one, which keeps its id: `replaced` is the
 * expired entry, for the audit.
 */
export async function createBlacklistEntry(
  db: Db,
  input: { number: string; reason: string; expiresAt: string | null; createdBy: string },
): Promise<{ entry: BlacklistRow; replaced: BlacklistRow | null }> {
  const number = keptNumber(input.number);
  try {
    return await atomically(db, async (tx) => {
      const now = clockOf(tx).now();
      const existing = await entriesOf(tx, number);
      if (existing.some((row) => isActive(row, now))) throw new StoreError('conflict', `号码已在黑名单中: ${number}`);
      const [replaced, ...older] = existing;
      if (!replaced) return { entry: first(await tx.insert(blacklist).values({ ...input, number }).returning())!, replaced: null };
      // More than one expired entry of the number (written in different forms before): one is enough.
      if (older.length) await tx.delete(blacklist).where(inArray(blacklist.id, older.map((row) => row.id)));
      const entry = first(
        await tx
          .update(blacklist)
          .set({ ...input, number, createdAt: now.toISOString() })
          .where(eq(blacklist.id, replaced.id))
          .returning(),
      )!;
      return { entry, replaced };
    });
  } catch (error) {
    if (isConstraintError(error)) throw new StoreError('conflict', `号码已在黑名单中: ${number}`);
    throw error;
  }
}

/**
 * Changes an entry. A new number is kept as `citizenNumber` gives it; a conflict when another entry
 * has that number (an expired one too: the admin edits that one instead).
 */
export async function updateBlacklistEntry(
  db: Db,
  id: number,
  input: Partial<{ number: string; reason: string; expiresAt: string | null }>,
): Promise<BlacklistRow> {
  const change = input.number === undefined ? input : { ...input, number: keptNumber(input.number) };
  const row = await atomically(db, async (tx) => {
    if (change.number !== undefined) {
      const other = (await entriesOf(tx, change.number)).find((entry) => entry.id !== id);
      if (other && isActive(other, clockOf(tx).now())) throw new StoreError('conflict', `号码已在黑名单中: ${change.number}`);
      if (other) throw new StoreError('conflict', `号码 ${change.number} 已有一条已过期的黑名单记录（编号 ${other.id}），请修改该记录`);
    }
    try {
      return first(await tx.update(blacklist).set(change).where(eq(blacklist.id, id)).returning());
    } catch (error) {
      if (isConstraintError(error)) throw new StoreError('conflict', `号码已在黑名单中: ${change.number ?? ''}`);
      throw error;
    }
  });
  if (!row) throw new StoreError('not-found', `黑名单记录不存在: ${id}`);
  return row;
}

export async function deleteBlacklistEntry(db: Db, id: number): Promise<void> {
  const result = await atomically(db, async (tx) => tx.delete(blacklist).where(eq(blacklist.id, id)));
  if (changedRows(result) === 0) throw new StoreError('not-found', `黑名单记录不存在: ${id}`);
}
