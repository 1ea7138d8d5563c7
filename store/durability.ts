/**
 * Transactions on the call path, and how hard their commit waits for the disk. The database runs
 * with `synchronous = FULL`: a commit returns only once it is on disk, even across a power loss —
 * what a ticket, an agent's form or an admin's change needs, and what the call's arrival gets (its
 * ticket is on disk before the caller hears a word): `atomically`.
 *
 * The call flow's progress afterwards (state, place in line, answer, end, missed-call entry) is written
 * several times per call; at FULL each commit blocks the event loop ~2.6 ms on an fsync (measured on
 * these machines), which at 80 calls/s is most of a second per second. `progressWrite` commits those
 * at `synchronous = NORMAL`: in WAL mode that survives a crash of the process (the commit is in the
 * WAL) and may lose only the last moments on a power loss — which the restart reconciliation repairs
 * (open calls are closed, unserved callers put on the callback list). The next FULL commit syncs them too.
 *
 * Both run BEGIN/COMMIT as statements prepared once per connection rather than through drizzle's
 * `transaction()`, which builds a new transaction object (and, nested, a savepoint) every time; a call
 * commits three times or more. Inside a transaction already open, either one simply runs as part of it.
 */
import type Database from 'better-sqlite3';
import { connectionOf } from './connection.js';
import type { Db } from './db.js';

interface TransactionKit {
  client: Database.Database;
  begin: Database.Statement;
  commit: Database.Statement;
  rollback: Database.Statement;
  relaxed: Database.Statement;
  strict: Database.Statement;
}

const kits = new WeakMap<object, TransactionKit>();

/** Called by `openStore`. */
export function registerClient(db: Db, client: Database.Database): void {
  kits.set(connectionOf(db), {
    client,
    begin: client.prepare('BEGIN IMMEDIATE'),
    commit: client.prepare('COMMIT'),
    rollback: client.prepare('ROLLBACK'),
    relaxed: client.prepare('PRAGMA synchronous = NORMAL'),
    strict: client.prepare('PRAGMA synchronous = FULL'),
  });
}

function inTransaction<T>(kit: TransactionKit, write: () => T): T {
  kit.begin.run();
  try {
    const result = write();
    kit.commit.run();
    return result;
  } catch (error) {
    // A failed write or commit leaves nothing half done. SQLite may already have rolled back (e.g. on
    // SQLITE_FULL); a second ROLLBACK would throw over the cause.
    if (kit.client.inTransaction) kit.rollback.run();
    throw error;
  }
}

/** Runs `write` in one transaction committed at `synchronous = FULL` (inside a transaction: part of it). */
export function atomically<T>(db: Db, write: () => T): T {
  const kit = kits.get(connectionOf(db));
  if (!kit) return db.transaction(() => write(), { behavior: 'immediate' });
  if (kit.client.inTransaction) return write();
  return inTransaction(kit, write);
}

/** Runs `write` in one transaction committed at `synchronous = NORMAL` (inside a transaction: part of it). */
export function progressWrite<T>(db: Db, write: () => T): T {
  const kit = kits.get(connectionOf(db));
  if (!kit) return db.transaction(() => write());
  if (kit.client.inTransaction) return write();
  kit.relaxed.run();
  try {
    return inTransaction(kit, write);
  } finally {
    kit.strict.run();
  }
}
