/**
 * Statements the call path runs on every call are prepared once per database and reused: building
 * and preparing a drizzle query costs ~50 µs, running a prepared one ~5 µs, and a call runs about
 * twenty. Keyed by the database's connection, so a transaction handle reuses them too (on SQLite a
 * prepared statement belongs to the one connection, not to a handle).
 *
 * On PostgreSQL a drizzle prepared query is tied to the handle it was built on (the pool, or one
 * transaction's client): it is built once all the same, and run on the client of the handle at hand
 * (pg-direct.ts); the key names the statement, which node-postgres parses once per pooled connection.
 */
import { sql, type Placeholder, type SQL } from 'drizzle-orm';
import { connectionOf } from './connection.js';
import type { Db } from './db.js';
import { dialectOf } from './dialect.js';
import { pgClientOf, pgDirectRun } from './pg-direct.js';
import { directRun } from './sqlite-direct.js';

const statements = new WeakMap<object, Map<string, unknown>>();

/** The statement `build` makes, made once per database connection. */
function prepared<H extends object, T>(db: H, key: string, build: (db: H) => T): T {
  const connection = connectionOf(db);
  let map = statements.get(connection);
  if (!map) {
    map = new Map();
    statements.set(connection, map);
  }
  let statement = map.get(key) as T | undefined;
  if (statement === undefined) {
    statement = build(db);
    map.set(key, statement);
  }
  return statement;
}

type Placeholders = Record<string, unknown>;

/** A drizzle query builder (select, insert, update, delete) not yet prepared. */
interface Preparable {
  prepare(name?: string): { execute(values?: Placeholders): unknown };
  toSQL(): { sql: string };
}

/**
 * A statement prepared once must write its LIMIT into its text (`fixedLimit`): SQLite plans with a
 * bound LIMIT's value, so every run that binds it again plans the statement anew (the arrival's
 * blacklist lookup took 156 µs a call that way, against a few µs). Refused when it is built, so that
 * the first test to run it fails, whichever database runs the tests.
 */
function withoutBoundLimit<Q extends Preparable>(key: string, query: Q): Q {
  if (/\blimit \?/i.test(query.toSQL().sql.replace(/\$\d+/g, '?'))) {
    throw new RangeError(`statement "${key}" binds its LIMIT as a parameter: write it into the text with fixedLimit()`);
  }
  return query;
}

/** What running the query gives: rows for a select or a `returning()`, a run result otherwise (see `changedRows`). */
export type StatementResult<Q extends Preparable> = Awaited<ReturnType<ReturnType<Q['prepare']>['execute']>>;

export interface Statement<Q extends Preparable> {
  execute(values?: Placeholders): Promise<StatementResult<Q>>;
}

/**
 * A query run many times with different values (`sql.placeholder(name)` in `build`): built and
 * prepared once per database (on PostgreSQL also named, so each pooled connection parses it once).
 */
export function statement<Q extends Preparable>(db: Db, key: string, build: (db: Db) => Q): Statement<Q> {
  if (dialectOf(db) === 'postgres') {
    const direct = prepared(db, key, (d) => pgDirectRun(withoutBoundLimit(key, build(d)).prepare(key)));
    const client = pgClientOf(db);
    return {
      execute: async (values): Promise<StatementResult<Q>> => {
        // Built anew on this handle only when drizzle's prepared query or handle looks otherwise than pg-direct.ts expects.
        const result: unknown = direct && client ? await direct(client, values) : await build(db).prepare(key).execute(values);
        return result as StatementResult<Q>;
      },
    };
  }
  const ready = prepared(db, key, (d) => {
    const query = withoutBoundLimit(key, build(d)).prepare();
    return { query, direct: directRun(query) };
  });
  return {
    execute: (values) => {
      try {
        // better-sqlite3 answers at once: the result is taken now rather than through drizzle's
        // deferred query promise (several promise hops per statement on every call), and on the
        // statement itself where sqlite-direct.ts can (drizzle's per-run work done once).
        const result: unknown = ready.direct ? ready.direct(values) : ready.query.execute(values);
        return Promise.resolve((isDeferred(result) ? result.sync() : result) as StatementResult<Q>);
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    },
  };
}

/** drizzle's result of a synchronous driver's `execute()`: run by `sync()`. */
function isDeferred(result: unknown): result is { sync(): unknown } {
  return typeof result === 'object' && result !== null && typeof (result as { sync?: unknown }).sync === 'function';
}

/**
 * A LIMIT written into the statement's text, for a statement prepared once and run many times.
 * drizzle binds `.limit(n)` as a parameter, and SQLite plans with a bound LIMIT's value: binding it
 * again on the next run expires the plan, so the statement is parsed and planned anew every time
 * (measured: 30 µs instead of 8 for the caller's recent tickets, and far more with cold caches on a
 * busy server). Key the statement by the limit, as its text now holds it.
 */
export function fixedLimit(limit: number): Placeholder {
  if (!Number.isSafeInteger(limit) || limit < 0) throw new RangeError(`a LIMIT must be a whole number from 0, got ${limit}`);
  // drizzle renders an SQL object given as the limit into the text as it is.
  return sql.raw(String(limit)) as unknown as Placeholder;
}

/** The first row, or undefined. */
export function first<T>(rows: readonly T[]): T | undefined {
  return rows[0];
}

/** How many rows an insert, update or delete without `returning()` touched, on either database. */
export function changedRows(result: unknown): number {
  const r = result as { changes?: number; rowCount?: number | null };
  return r.changes ?? r.rowCount ?? 0;
}

/** Rows of a raw SQL query, on either database (column names as the query spells them). */
export async function rawRows<T>(db: Db, query: SQL): Promise<T[]> {
  if (dialectOf(db) === 'postgres') {
    const result = await (db as unknown as { execute(q: SQL): Promise<{ rows: T[] }> }).execute(query);
    return result.rows;
  }
  return db.all<T>(query);
}

/** A named parameter where drizzle's typing wants SQL (an update's `set`); the value is passed as is. */
export const param = (name: string): SQL => sql`${sql.placeholder(name)}`;
