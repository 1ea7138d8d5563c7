/**
 * Failed logins per user name, and the temporary lockout they lead to (see the `login_failures`
 * table). The policy (how many failures, how long) is the caller's; this keeps the counts.
 */
import { and, asc, eq, gt } from 'drizzle-orm';
import type { Db } from '../db.js';
import { atomically } from '../durability.js';
import { changedRows, first } from '../prepared.js';
import { nowIso } from '../clock.js';
import { loginFailures } from '../schema.js';

export type LoginFailureRow = typeof loginFailures.$inferSelect;

export async function findLoginFailures(db: Db, login: string): Promise<LoginFailureRow | undefined> {
  return first(await db.select().from(loginFailures).where(eq(loginFailures.login, login)).limit(1));
}

/** An attempt to log in as a name: refused while the name is locked, or counted (as a failure until it succeeds). */
export type LoginAttempt = { refused: true; lockedUntil: string } | { refused: false; row: LoginFailureRow };

/**
 * Counts an attempt before its password is checked, as the failure it will be unless it succeeds (a
 * success forgets the count): `lockFor` decides, from the new count, how many ms the name is locked
 * if it fails. A name locked now is refused and not counted. One attempt at a time is counted per
 * name, whatever arrives together and on whichever server: a count that changed since it was read is
 * read again, so attempts sent at once cannot all slip in before the one that locks the name.
 */
export async function claimLoginAttempt(db: Db, login: string, lockFor: (failures: number) => number): Promise<LoginAttempt> {
  for (let tries = 0; tries < 100; tries++) {
    const counted = await atomically(db, async (tx): Promise<LoginAttempt | null> => {
      const at = nowIso(tx);
      const current = await findLoginFailures(tx, login);
      if (current?.lockedUntil && Date.parse(current.lockedUntil) > Date.parse(at)) return { refused: true, lockedUntil: current.lockedUntil };
      const failures = (current?.failures ?? 0) + 1;
      const ms = lockFor(failures);
      const values = { failures, lastFailureAt: at, lockedUntil: ms > 0 ? new Date(Date.parse(at) + ms).toISOString() : null };
      const rows = current
        ? await tx
            .update(loginFailures)
            .set(values)
            .where(and(eq(loginFailures.login, login), eq(loginFailures.failures, current.failures)))
            .returning()
        : await tx
            .insert(loginFailures)
            .values({ login, ...values })
            .onConflictDoNothing()
            .returning();
      return rows[0] ? { refused: false, row: rows[0] } : null;
    });
    if (counted) return counted;
  }
  throw new Error('login attempt not counted: the count kept changing');
}

/** Forgets a name's failures (a successful login, or an administrator lifting the lock); false when there were none. */
export async function clearLoginFailures(db: Db, login: string): Promise<boolean> {
  return changedRows(await atomically(db, async (tx) => tx.delete(loginFailures).where(eq(loginFailures.login, login)))) === 1;
}

/** The names locked now. */
export async function listLoginLockouts(db: Db): Promise<LoginFailureRow[]> {
  return db.select().from(loginFailures).where(gt(loginFailures.lockedUntil, nowIso(db))).orderBy(asc(loginFailures.login));
}
