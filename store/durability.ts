/**
 * How hard a commit waits for the disk. The database runs with `synchronous = FULL`: a commit returns
 * only once it is on disk, even across a power loss — what a ticket, an agent's form or an admin's
 * change needs, and what the call's arrival gets (its ticket is on disk before the caller hears a word).
 *
 * The call flow's progress afterwards (state, place in line, answer, end, missed-call entry) is written
 * several times per call; at FULL each commit blocks the event loop ~2.6 ms on an fsync (measured on
 * these machines), which at 80 calls/s is most of a second per second. `progressWrite` commits those
 * at `synchronous = NORMAL`: in WAL mode that survives a crash of the process (the commit is in the
 * WAL) and may lose only the last moments on a power loss — which the restart reconciliation repairs
 * (open calls are closed, unserved callers put on the callback list). The next FULL commit syncs them too.
 */
import type Database from 'better-sqlite3';
import { connectionOf } from './connection.js';
import type { Db } from './db.js';

const clients = new WeakMap<object, Database.Database>();

/** Called by `openStore`. */
export function registerClient(db: Db, client: Database.Database): void {
  clients.set(connectionOf(db), client);
}

/** Runs `write` in one transaction committed at `synchronous = NORMAL` (inside a transaction: part of it). */
export function progressWrite<T>(db: Db, write: () => T): T {
  const client = clients.get(connectionOf(db));
  if (!client || client.inTransaction) return write();
  client.pragma('synchronous = NORMAL');
  try {
    return db.transaction(() => write());
  } finally {
    client.pragma('synchronous = FULL');
  }
}
