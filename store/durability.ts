/**
 * Transactions, and how hard their commit waits for the disk.
 *
 * `atomically`: one transaction committed durably — on an SQLite file by a flush of the WAL after the
 * commit, awaited off the event loop (wal-sync.ts: what `synchronous = FULL` guarantees, without its
 * fsync blocking every call for ~2 ms), in memory as is, on PostgreSQL with the server's
 * `synchronous_commit`. What a ticket, an agent's form or an admin's change needs, and what the call's
 * arrival gets (its ticket is on disk before the caller hears a word).
 *
 * `progressWrite`: the call flow's progress afterwards (state, place in line, answer, end, missed-call
 * entry) is written several times per call; at FULL each SQLite commit blocks the event loop ~2.6 ms on
 * an fsync (measured on these machines), which at 80 calls/s is most of a second per second. These
 * commit at `synchronous = NORMAL` (PostgreSQL: `synchronous_commit = off` for the transaction): a
 * crash of the process loses nothing, a power loss may lose the last moments — which the restart
 * reconciliation repairs (open calls are closed, unserved callers put on the callback list).
 *
 * Both hand `write` the transaction's handle; everything inside uses it, and nothing inside awaits
 * anything but the store (a transaction holds the database while it waits). Called with a transaction
 * handle, either one simply runs as part of that transaction.
 *
 * SQLite has one connection: its transactions take turns through a lock, and run on one handle kept
 * for the purpose, so that work of another call arriving meanwhile is not mistaken for part of the open
 * transaction. BEGIN/COMMIT are statements prepared once (drizzle's `transaction()` builds a new
 * object every time, and cannot await). PostgreSQL's transactions each take a client of the pool and
 * run on a drizzle handle kept for that client.
 */
import type Database from 'better-sqlite3';
import type pg from 'pg';
import { connectionOf, isTransactionHandle, registerTransactionHandle } from './connection.js';
import type { Db } from './db.js';
import type { WalSync } from './wal-sync.js';

interface SqliteKit {
  client: Database.Database;
  /** The WAL file's flush, for a database file in WAL mode (null in memory: nothing to flush). */
  wal: WalSync | null;
  /** The handle every transaction of this database runs on. */
  tx: Db;
  /** The tail of the queue of transactions waiting for their turn. */
  tail: Promise<unknown>;
  begin: Database.Statement;
  commit: Database.Statement;
  rollback: Database.Statement;
  /**
   * Without a WAL file (in memory): the switch to NORMAL around a progress write, and back. Run as
   * `pragma()` each time, never kept prepared: SQLite applies a PRAGMA while preparing it.
   */
  relaxed: () => void;
  strict: () => void;
}

const sqliteKits = new WeakMap<object, SqliteKit>();

/** What runs once the transaction of a handle ends, committed or rolled back (`whenTransactionEnds`). */
const endListeners = new WeakMap<object, (() => void)[]>();

/**
 * Runs `listener` once the transaction `tx` belongs to has ended (committed or rolled back) — at once
 * when `tx` is not a transaction. For caches of what a transaction changed: dropped when the change
 * is visible to everyone, or gone.
 */
export function whenTransactionEnds(tx: Db, listener: () => void): void {
  const listeners = endListeners.get(tx);
  if (listeners) listeners.push(listener);
  else listener();
}

/** Runs `body` with `tx`'s end listeners collected, then calls them however it ended. */
async function collectingEndListeners<T>(tx: Db, body: () => Promise<T>): Promise<T> {
  const listeners: (() => void)[] = [];
  endListeners.set(tx, listeners);
  try {
    return await body();
  } finally {
    endListeners.delete(tx);
    for (const listener of listeners) listener();
  }
}

/** Called by the SQLite opener: `tx` is a second drizzle handle over the same client. */
export function registerSqliteClient(db: Db, tx: Db, client: Database.Database, wal: WalSync | null): void {
  registerTransactionHandle(tx, db);
  sqliteKits.set(connectionOf(db), {
    client,
    wal,
    tx,
    tail: Promise.resolve(),
    begin: client.prepare('BEGIN IMMEDIATE'),
    commit: client.prepare('COMMIT'),
    rollback: client.prepare('ROLLBACK'),
    relaxed: () => client.pragma('synchronous = NORMAL'),
    strict: () => client.pragma('synchronous = FULL'),
  });
}

type Durability = 'full' | 'relaxed';

async function sqliteTransaction<T>(kit: SqliteKit, durability: Durability, write: (tx: Db) => Promise<T>): Promise<T> {
  // Durable with a WAL file: committed without the flush, which is then awaited off the event loop (wal-sync.ts).
  const flushAfter = durability === 'full' ? kit.wal : null;
  // A database with a WAL file stays at NORMAL (db.ts): nothing to switch. Without one, a progress
  // write switches to NORMAL for its commit. (A PRAGMA is parsed again on every run: not for nothing.)
  const unflushed = durability === 'relaxed' && kit.wal === null;
  const turn = kit.tail.then(() => collectingEndListeners(kit.tx, async () => {
    if (unflushed) kit.relaxed();
    kit.begin.run();
    try {
      const result = await write(kit.tx);
      kit.commit.run();
      return result;
    } catch (error) {
      // A failed write or commit leaves nothing half done. SQLite may already have rolled back (e.g. on
      // SQLITE_FULL); a second ROLLBACK would throw over the cause.
      if (kit.client.inTransaction) kit.rollback.run();
      throw error;
    } finally {
      if (unflushed) kit.strict();
    }
  }));
  // The next transaction waits for this one to end, however it ends (not for its flush).
  kit.tail = turn.catch(() => undefined);
  if (!flushAfter) return turn;
  const result = await turn;
  await flushAfter.sync();
  return result;
}

/**
 * PostgreSQL: the pool, and a drizzle handle per pooled client for the transactions run on it. The
 * handle is built once per client and kept as long as the client lives: drizzle's own `transaction()`
 * builds a transaction object and its BEGIN and COMMIT queries anew every time, which was a good part
 * of a transaction's CPU on the call path.
 */
interface PostgresKit {
  pool: pg.Pool;
  handleFor: (client: pg.PoolClient) => Db;
  handles: WeakMap<pg.PoolClient, Db>;
}

const postgresKits = new WeakMap<object, PostgresKit>();

/** Called by the PostgreSQL opener: `handleFor` makes a drizzle handle over one client of `pool`. */
export function registerPostgresPool(db: Db, pool: pg.Pool, handleFor: (client: pg.PoolClient) => Db): void {
  postgresKits.set(connectionOf(db), { pool, handleFor, handles: new WeakMap() });
}

function transactionHandle(kit: PostgresKit, db: Db, client: pg.PoolClient): Db {
  let tx = kit.handles.get(client);
  if (!tx) {
    tx = kit.handleFor(client);
    registerTransactionHandle(tx, db);
    kit.handles.set(client, tx);
  }
  return tx;
}

// A progress write commits without waiting for the WAL's flush (one round trip with its BEGIN).
const BEGIN: Record<Durability, string> = { full: 'BEGIN', relaxed: 'BEGIN; SET LOCAL synchronous_commit = off' };

async function postgresTransaction<T>(kit: PostgresKit, db: Db, durability: Durability, write: (tx: Db) => Promise<T>): Promise<T> {
  const client = await kit.pool.connect();
  const tx = transactionHandle(kit, db, client);
  const listeners: (() => void)[] = [];
  endListeners.set(tx, listeners);
  // A BEGIN or ROLLBACK that fails (a failed COMMIT is rolled back) leaves the connection in doubt,
  // as does its loss: the pool closes it instead of handing it out again.
  let broken = false;
  // The connection lost while the transaction holds it (the server restarted, the session was ended):
  // the query under way fails, which fails the transaction. pg-pool listens to a client only while it
  // is idle, and an 'error' nobody hears would end the process: reported as the pool's, as an idle
  // connection's loss is.
  const onLost = (error: Error): void => {
    broken = true;
    kit.pool.emit('error', error, client);
  };
  client.on('error', onLost);
  try {
    await client.query(BEGIN[durability]).catch((error: unknown) => {
      broken = true;
      throw error;
    });
    try {
      const result = await write(tx);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw error;
    }
  } finally {
    endListeners.delete(tx);
    client.removeListener('error', onLost);
    client.release(broken);
    // After COMMIT or ROLLBACK has been answered: the change is visible to everyone, or gone.
    for (const listener of listeners) listener();
  }
}

function run<T>(db: Db, durability: Durability, write: (tx: Db) => Promise<T>): Promise<T> {
  if (isTransactionHandle(db)) return write(db);
  const connection = connectionOf(db);
  const kit = sqliteKits.get(connection);
  if (kit) return sqliteTransaction(kit, durability, write);
  const postgres = postgresKits.get(connection);
  if (!postgres) throw new Error('the database was not opened by the store');
  return postgresTransaction(postgres, db, durability, write);
}

/** Runs `write` in one transaction committed durably (given a transaction handle: as part of it). */
export function atomically<T>(db: Db, write: (tx: Db) => Promise<T>): Promise<T> {
  return run(db, 'full', write);
}

/** Runs `write` in one transaction committed without waiting for the disk (given a transaction handle: as part of it). */
export function progressWrite<T>(db: Db, write: (tx: Db) => Promise<T>): Promise<T> {
  return run(db, 'relaxed', write);
}
