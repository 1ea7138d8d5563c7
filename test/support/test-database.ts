/**
 * The database a test runs on: SQLite by default, PostgreSQL when `CTI_TEST_DB=postgres` (CI runs the
 * store's tests and the journeys both ways). Each PostgreSQL store is a database of its own, created
 * from the server at `CTI_TEST_PG_URL` (default: the local server's `test` database) and dropped again.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { openDatabase, type Clock, type Store } from '../../store/index.js';

export const TEST_PG_URL = process.env.CTI_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export function testDatabaseKind(): 'sqlite' | 'postgres' {
  return process.env.CTI_TEST_DB === 'postgres' ? 'postgres' : 'sqlite';
}

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_PG_URL });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** A fresh, empty PostgreSQL database on the test server; its URL and how to drop it. */
export async function createPostgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `cti_t_${randomBytes(6).toString('hex')}`;
  await adminQuery(`create database ${name}`);
  const url = new URL(TEST_PG_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => adminQuery(`drop database if exists ${name} with (force)`) };
}

/**
 * Where a test's database lives: an SQLite path (`sqlitePath`, default `:memory:`) or a fresh
 * PostgreSQL database. `drop` removes it after the store is closed.
 */
export async function testDatabaseLocation(sqlitePath = ':memory:'): Promise<{ location: string; drop: () => Promise<void> }> {
  if (testDatabaseKind() === 'sqlite') return { location: sqlitePath, drop: () => Promise.resolve() };
  const created = await createPostgresDatabase();
  return { location: created.url, drop: created.drop };
}

/** Opens a test store on the database `CTI_TEST_DB` selects; `close()` also drops a PostgreSQL database. */
export async function openTestStore(clock: Clock, sqlitePath = ':memory:'): Promise<Store> {
  const { location, drop } = await testDatabaseLocation(sqlitePath);
  const store = await openDatabase(location, clock);
  return {
    ...store,
    close: async () => {
      await store.close();
      await drop();
    },
  };
}

/** A schema change, the same on both databases: a test's way to make a table unreadable for a moment. */
export async function alterSchema(store: Store, statement: string): Promise<void> {
  if (store.dialect === 'postgres') await (store.db as unknown as { execute(q: ReturnType<typeof sql.raw>): Promise<unknown> }).execute(sql.raw(statement));
  else store.db.run(sql.raw(statement));
}
