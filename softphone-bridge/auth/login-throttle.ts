/**
 * Failed logins per user name, and the temporary lockout that stops password guessing: the first four
 * failures in a row cost nothing, the fifth locks the name for 5 minutes, and every failure after a
 * lock has run out locks it again for twice as long (10, 20, 40, at most 60 minutes). A successful
 * login clears the count; an administrator can lift a lock (admin API, audited), and resetting the
 * account's password lifts it too (admin-api/agents-resource.ts).
 *
 * Names that belong to nobody are counted and locked exactly like real ones, so the answers never
 * tell which names exist. While a name is locked, its password is not even checked.
 */
import type { Logger } from '../../cti/logging.js';
import { clearLoginFailures, clockOf, findLoginFailures, recordLoginFailure, type Db } from '../../store/index.js';

export const FREE_FAILURES = 4;
const FIRST_LOCK_MS = 5 * 60_000;
const MAX_LOCK_MS = 60 * 60_000;

/** How long a name is locked after its `failures`-th failure in a row. */
export function lockDuration(failures: number): number {
  if (failures <= FREE_FAILURES) return 0;
  return Math.min(MAX_LOCK_MS, FIRST_LOCK_MS * 2 ** Math.min(failures - FREE_FAILURES - 1, 10));
}

export class LoginThrottle {
  constructor(
    private readonly db: Db,
    private readonly log: Logger,
  ) {}

  /** Milliseconds the name stays locked (0: it may try). */
  async lockedFor(login: string): Promise<number> {
    const until = (await findLoginFailures(this.db, login))?.lockedUntil;
    return until ? Math.max(0, Date.parse(until) - clockOf(this.db).now().getTime()) : 0;
  }

  /** One more failure; the lock it leads to, in ms (0: none). */
  async failed(login: string, address: string): Promise<number> {
    const row = await recordLoginFailure(this.db, login, lockDuration);
    const lockedMs = row.lockedUntil ? Date.parse(row.lockedUntil) - Date.parse(row.lastFailureAt) : 0;
    if (lockedMs > 0) this.log.warn({ account: login, address, failures: row.failures, lockedMinutes: lockedMs / 60_000 }, 'login locked after repeated failures');
    return lockedMs;
  }

  async succeeded(login: string): Promise<void> {
    await clearLoginFailures(this.db, login);
  }
}
