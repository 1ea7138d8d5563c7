/**
 * Checking that the database answers a store query from an index: the SQL text of the statements a
 * store function sends (on either database), and the plan the database makes for it. The store is on
 * a database another connection can open (a file, not `:memory:`; `CTI_TEST_DB=postgres` a PostgreSQL
 * database), so the plan is asked for on a connection of its own.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { vi } from 'vitest';
import { dialectOf, openDatabase, type Db } from '../../store/index.js';
import { TestClock } from './test-clock.js';
import { testDatabaseLocation } from './test-database.js';

/** A store and where it is; `cleanup` gets what closes and removes it (run it after the test). */
export async function storeWithLocation(cleanup: (() => Promise<void>)[]): Promise<{ db: Db; location: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'cti-plan-'));
  cleanup.push(() => Promise.resolve(rmSync(dir, { recursive: true, force: true })));
  const { location, drop } = await testDatabaseLocation(join(dir, 'cti.db'));
  cleanup.push(drop);
  const store = await openDatabase(location, new TestClock('2026-03-01T00:00:00.000Z'));
  cleanup.push(() => store.close());
  return { db: store.db, location };
}

/** The SQL text of each statement the store sends while `read` runs, on either database. */
export async function statementsOf(db: Db, read: () => Promise<unknown>): Promise<string[]> {
  const texts: string[] = [];
  if (dialectOf(db) === 'postgres') {
    const query = vi.spyOn(pg.Client.prototype, 'query');
    await read();
    for (const [config] of query.mock.calls as unknown[][]) {
      texts.push(typeof config === 'string' ? config : String((config as { text?: unknown }).text));
    }
  } else {
    const prepare = vi.spyOn(Database.prototype, 'prepare');
    await read();
    for (const [source] of prepare.mock.calls) texts.push(source);
  }
  vi.restoreAllMocks();
  return texts;
}

/** The plan of `text` run with `values` on the database at `location`, one line per step. */
export async function queryPlan(db: Db, location: string, text: string, values: unknown[]): Promise<string> {
  if (dialectOf(db) === 'postgres') {
    const client = new pg.Client({ connectionString: location });
    await client.connect();
    try {
      // A handful of rows: the planner would rather read the table whole. With the table scan and the
      // sort priced out it shows what the indexes allow; a sort left in the plan is one they cannot avoid.
      await client.query('set enable_seqscan = off');
      await client.query('set enable_sort = off');
      const result = await client.query<{ 'QUERY PLAN': string }>(`explain ${text}`, values);
      return result.rows.map((row) => row['QUERY PLAN']).join('\n');
    } finally {
      await client.end();
    }
  }
  const sqlite = new Database(location, { readonly: true });
  try {
    return (sqlite.prepare(`explain query plan ${text}`).all(...values) as { detail: string }[]).map((row) => row.detail).join('\n');
  } finally {
    sqlite.close();
  }
}
