/**
 * Opens the database — an SQLite file (the embedded default) or PostgreSQL (`postgres://…`) — applies
 * the checked-in migrations of its dialect and hands out the drizzle handle.
 */
import Database from 'better-sqlite3';
import { sql } from 'drizzle-orm';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import * as schema from './schema.js';
import { bindClock, systemClock, type Clock } from './clock.js';
import { enableConfigCache } from './config-cache.js';
import { isPostgresUrl, registerDialect, type Dialect } from './dialect.js';
import { WalSync } from './wal-sync.js';
import { startCheckpointer } from './checkpointer.js';
import { PG_CONNECT_TIMEOUT_MS, PG_IDLE_IN_TRANSACTION_MS, PG_KEEPALIVE_DELAY_MS, PG_LOCK_TIMEOUT_MS } from './pg-bounds.js';
import { registerPostgresPool, registerSqliteClient } from './durability.js';
import { DatabaseUnreachable } from './errors.js';
import { rawRows } from './prepared.js';

/**
 * The query builder the repositories write against, on both databases: typed as drizzle's SQLite
 * handle, because the queries are built from `schema.ts`'s SQLite tables (see `dialect.ts`). Only what
 * both drivers do is used: awaiting a query, `statement()`, `rawRows()` — never SQLite's `.get()`,
 * `.all()` or `.run()`, which PostgreSQL's handle does not have (the lint forbids them in `store/`).
 */
export type Db = BetterSQLite3Database<typeof schema>;

export interface Store {
  db: Db;
  dialect: Dialect;
  /** The file path, `:memory:`, or the PostgreSQL URL without its password. */
  path: string;
  close(): Promise<void>;
}

/**
 * The migrations live beside the sources (`store/migrations`, `store/migrations-pg`); when running
 * from the compiled `dist/store/`, walk up to the folder that has them.
 */
function migrationsFolder(name: 'migrations' | 'migrations-pg'): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    for (const candidate of [join(dir, name), join(dir, 'store', name)]) {
      if (existsSync(join(candidate, 'meta', '_journal.json'))) return candidate;
    }
    dir = dirname(dir);
  }
  throw new Error(`store/${name} not found next to the program`);
}

export interface SqliteOptions {
  /** Time between two WAL checkpoints, which run on a worker thread (checkpointer.ts; default 500 ms). */
  checkpointIntervalMs?: number;
  /** Told when that worker stopped by itself: the commits checkpoint again, on the event loop. */
  onCheckpointerLost?: (error: Error) => void;
}

/** Opens (creating if need be) an SQLite database file, or `:memory:`. */
export function openStore(path: string, clock: Clock = systemClock, options: SqliteOptions = {}): Store {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  const journal = sqlite.pragma('journal_mode = WAL', { simple: true }) as string;
  // FULL: a ticket row is on disk before the caller hears the first prompt, even on power loss. With a
  // WAL file that holds for the migrations only: afterwards the durable transactions get there by a
  // flush off the event loop instead (wal-sync.ts, durability.ts), and the connection goes to NORMAL.
  sqlite.pragma('synchronous = FULL');
  const wal = journal === 'wal' ? new WalSync(`${sqlite.name}-wal`) : null;
  sqlite.pragma('busy_timeout = 5000');
  const db = drizzle(sqlite, { schema });
  // Migrations run in one transaction, where SQLite ignores `PRAGMA foreign_keys`: a table rebuild
  // (drizzle-kit's __new_<table> copy, e.g. a changed CHECK) must not fire the ON DELETE actions of
  // the tables that reference it, so the keys are switched on only after migrating, and checked.
  sqlite.pragma('foreign_keys = OFF');
  migrate(db, { migrationsFolder: migrationsFolder('migrations') });
  const broken = sqlite.pragma('foreign_key_check') as unknown[];
  if (broken.length > 0) throw new Error(`the migrations left ${broken.length} rows whose foreign keys point nowhere`);
  sqlite.pragma('foreign_keys = ON');
  // With a WAL file every write goes through durability.ts: a durable transaction commits and then
  // waits for the WAL's flush (wal-sync.ts), a progress write needs none. So the connection stays at
  // NORMAL from here on, rather than switching for every commit.
  if (wal) sqlite.pragma('synchronous = NORMAL');
  registerDialect(db, 'sqlite');
  bindClock(db, clock);
  enableConfigCache(db);
  registerSqliteClient(db, drizzle(sqlite, { schema }), sqlite, wal);
  const checkpointer = wal ? startCheckpointer(sqlite, { intervalMs: options.checkpointIntervalMs, onLost: options.onCheckpointerLost }) : null;
  return {
    db,
    dialect: 'sqlite',
    path,
    close: async () => {
      // The worker's connection first: the last one to close checkpoints everything and removes the WAL.
      await checkpointer?.stop();
      await wal?.close();
      sqlite.close();
    },
  };
}

/** Query parameters of a PostgreSQL URL that carry a secret (node-postgres reads them). */
const SECRET_PARAMS = ['password', 'sslpassword'] as const;

/** The URL as it may be shown and logged: without its password, in the user part or the query. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    for (const key of SECRET_PARAMS) if (parsed.searchParams.has(key)) parsed.searchParams.set(key, '***');
    return parsed.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

export interface PostgresOptions {
  /** Connections in the pool (default 10). */
  poolSize?: number;
  /** How long opening a connection, or waiting for a free one, may take (default PG_CONNECT_TIMEOUT_MS). */
  connectTimeoutMs?: number;
  /** How long a statement may wait for a lock (default PG_LOCK_TIMEOUT_MS). */
  lockTimeoutMs?: number;
  /** How long a transaction may sit idle before PostgreSQL ends its session (default PG_IDLE_IN_TRANSACTION_MS). */
  idleInTransactionMs?: number;
  /**
   * Told when an idle connection of the pool breaks (the PostgreSQL server restarted, an administrator
   * ended the session, the network dropped it). The pool has let it go already and the next query
   * opens a new one; unheard, the pool's error event would end the process.
   */
  onConnectionLost?: (error: Error) => void;
}

/**
 * Ends the pool and resolves once every connection it opened is closed: pg-pool's `end()` resolves as
 * soon as it has let its clients go, while their connections are still closing.
 */
function closer(pool: pg.Pool): () => Promise<void> {
  let open = 0;
  let allClosed: (() => void) | null = null;
  pool.on('connect', () => {
    open++;
  });
  pool.on('remove', () => {
    open--;
    if (open === 0) allClosed?.();
  });
  return async () => {
    const closed = open === 0 ? Promise.resolve() : new Promise<void>((resolve) => (allClosed = resolve));
    await pool.end();
    await closed;
  };
}

/** Opens a PostgreSQL database and brings its tables up to date. */
export async function openPostgresStore(url: string, clock: Clock = systemClock, options: PostgresOptions = {}): Promise<Store> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? PG_CONNECT_TIMEOUT_MS,
    keepAlive: true,
    keepAliveInitialDelayMillis: PG_KEEPALIVE_DELAY_MS,
    // Times are ISO strings computed in the program; the session's zone only matters to SQL defaults.
    // The lock and idle-transaction bounds: pg-bounds.ts.
    options: `-c timezone=UTC -c lock_timeout=${options.lockTimeoutMs ?? PG_LOCK_TIMEOUT_MS} -c idle_in_transaction_session_timeout=${options.idleInTransactionMs ?? PG_IDLE_IN_TRANSACTION_MS}`,
  });
  pool.on('error', (error) => options.onConnectionLost?.(error));
  const close = closer(pool);
  try {
    // Reached first, so that a host that does not answer is named as such, not as a failed migration.
    await pool.query('select 1').catch((error: unknown) => {
      throw new DatabaseUnreachable(redactedUrl(url), error);
    });
    const db = drizzlePg(pool, { schema }) as unknown as Db;
    await migratePg(drizzlePg(pool), { migrationsFolder: migrationsFolder('migrations-pg'), });
    registerDialect(db, 'postgres');
    registerPostgresPool(db, pool, (client) => drizzlePg(client, { schema }) as unknown as Db);
    bindClock(db, clock);
    enableConfigCache(db);
    return { db, dialect: 'postgres', path: redactedUrl(url), close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Opens whichever database `location` names: a `postgres://` URL or an SQLite path. */
export async function openDatabase(location: string, clock: Clock = systemClock, options: PostgresOptions & SqliteOptions = {}): Promise<Store> {
  return isPostgresUrl(location) ? openPostgresStore(location, clock, options) : openStore(location, clock, options);
}

/** Does the database answer a trivial query within `timeoutMs` (for `/health`)? */
export async function databaseAnswers(db: Db, timeoutMs = 2000): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([rawRows(db, sql`select 1 as one`).then(() => true), late]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
