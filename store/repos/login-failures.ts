/**
 * Failed logins per user name, and the temporary lockout they lead to (see the `login_failures`
 * table). The policy (how many failures, how long) is the caller's; this keeps the counts.
 */
import { asc, eq, gt } from 'drizzle-orm';
import type { Db } from '../db.js';
import { nowIso } from '../clock.js';
import { loginFailures } from '../schema.js';

export type LoginFailureRow = typeof loginFailures.$inferSelect;

export function findLoginFailures(db: Db, login: string): LoginFailureRow | undefined {
  return db.select().from(loginFailures).where(eq(loginFailures.login, login)).get();
}

/** Counts one more failure; `lockFor` decides, from the new count, how many ms the name is locked (0: not). */
export function recordLoginFailure(db: Db, login: string, lockFor: (failures: number) => number): LoginFailureRow {
  // The instant is read outside the transaction: a transaction handle does not carry the store's clock.
  const at = nowIso(db);
  return db.transaction((tx) => {
    const failures = (findLoginFailures(tx, login)?.failures ?? 0) + 1;
    const ms = lockFor(failures);
    const lockedUntil = ms > 0 ? new Date(Date.parse(at) + ms).toISOString() : null;
    return tx
      .insert(loginFailures)
      .values({ login, failures, lastFailureAt: at, lockedUntil })
      .onConflictDoUpdate({ target: loginFailures.login, set: { failures, lastFailureAt: at, lockedUntil } })
      .returning()
      .get();
  });
}

/** Forgets a name's failures (a successful login, or an administrator lifting the lock); false when there were none. */
export function clearLoginFailures(db: Db, login: string): boolean {
  return db.delete(loginFailures).where(eq(loginFailures.login, login)).run().changes === 1;
}

/** The names locked now. */
export function listLoginLockouts(db: Db): LoginFailureRow[] {
  return db.select().from(loginFailures).where(gt(loginFailures.lockedUntil, nowIso(db))).orderBy(asc(loginFailures.login)).all();
}
