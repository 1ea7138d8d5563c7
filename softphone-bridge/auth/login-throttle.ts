/**
 * Failed logins per user name, and the temporary lockout that stops password guessing: the first four
 * failures in a row cost nothing, the fifth locks the name for 5 minutes, and every failure after a
 * lock has run out locks it again for twice as long (10, 20, 40, at most 60 minutes). A successful
 * login clears the count; an administrator can lift a lock (admin API, audited), and resetting the
 * account's password lifts it too (admin-api/agents-resource.ts).
 *
 * Names that belong to nobody are counted and locked exactly like real ones, so the answers never
 * tell which names exist. While a name is locked, its password is not even checked. Each attempt is
 * counted before its password is checked, so guesses sent all at once meet the lock like guesses sent
 * one by one.
 */
import type { Logger } from '../../cti/logging.js';
import { claimLoginAttempt, clearLoginFailures, clockOf, type Db } from '../../store/index.js';

export const FREE_FAILURES = 4;
const FIRST_LOCK_MS = 5 * 60_000;
const MAX_LOCK_MS = 60 * 60_000;

/** How long a name is locked after its `failures`-th failure in a row. */
export function lockDuration(failures: number): number {
  if (failures <= FREE_FAILURES) return 0;
  return Math.min(MAX_LOCK_MS, FIRST_LOCK_MS * 2 ** Math.min(failures - FREE_FAILURES - 1, 10));
}

/** An attempt to log in: refused for `lockedMs` more, or admitted with the failures it counts and the lock it sets if it fails. */
export type LoginTry = { refused: true; lockedMs: number } | { refused: false; failures: number; lockMs: number };

export class LoginThrottle {
  constructor(
    private readonly db: Db,
    private readonly log: Logger,
  ) {}

  /**
   * Before the password is checked: a locked name is refused; otherwise the attempt is counted at
   * once as the failure it will be unless it succeeds, so that attempts sent together are judged one
   * after the other — the fifth in a row locks the name, and those after it are refused unchecked.
   */
  async begin(login: string): Promise<LoginTry> {
    const attempt = await claimLoginAttempt(this.db, login, lockDuration);
    if (attempt.refused) return { refused: true, lockedMs: Math.max(1, Date.parse(attempt.lockedUntil) - clockOf(this.db).now().getTime()) };
    const { failures } = attempt.row;
    return { refused: false, failures, lockMs: lockDuration(failures) };
  }

  /** The attempt's password was wrong: it stays counted. The lock it leads to, in ms (0: none). */
  failed(attempt: Extract<LoginTry, { refused: false }>, login: string, address: string): number {
    if (attempt.lockMs > 0) this.log.warn({ account: login, address, failures: attempt.failures, lockedMinutes: attempt.lockMs / 60_000 }, 'login locked after repeated failures');
    return attempt.lockMs;
  }

  async succeeded(login: string): Promise<void> {
    await clearLoginFailures(this.db, login);
  }
}
