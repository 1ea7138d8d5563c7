/**
 * A drizzle query prepared on SQLite, run straight on its better-sqlite3 statement, by the plan
 * direct-plan.ts works out once per statement.
 *
 * Besides the per-run planning, drizzle's own run switches the statement to raw mode on every read
 * and wraps the result in a deferred object. Here the statement stays in raw mode for the plan alone.
 * Any object that does not look as described below is left to drizzle: the shape of drizzle's
 * prepared query is not public, and a drizzle that changes it must not change what the store returns.
 */
import type Database from 'better-sqlite3';
import { looksLikeFields, planOf, type PreparedField } from './direct-plan.js';

/** What a prepared query of drizzle's better-sqlite3 driver holds (drizzle-orm 0.45). */
interface DrizzleSqlitePrepared {
  stmt: Database.Statement;
  query: { params: unknown[] };
  executeMethod: 'run' | 'all' | 'get';
  fields?: PreparedField[];
  customResultMapper?: unknown;
}

export type DirectRun = (values: Record<string, unknown> | undefined) => unknown;

function looksPrepared(query: unknown): query is DrizzleSqlitePrepared {
  if (typeof query !== 'object' || query === null) return false;
  const q = query as Partial<Record<keyof DrizzleSqlitePrepared, unknown>>;
  const stmt = q.stmt as Partial<Database.Statement> | undefined;
  return (
    typeof stmt?.run === 'function' &&
    typeof stmt.all === 'function' &&
    typeof stmt.get === 'function' &&
    typeof stmt.raw === 'function' &&
    typeof q.query === 'object' &&
    q.query !== null &&
    Array.isArray((q.query as { params?: unknown }).params) &&
    (q.executeMethod === 'run' || q.executeMethod === 'all' || q.executeMethod === 'get') &&
    looksLikeFields(q.fields)
  );
}

/**
 * The direct run of `prepared` (what drizzle's `prepare()` returned on SQLite), or null when it is a
 * query this does not cover: the caller then runs it through drizzle.
 */
export function directRun(prepared: unknown): DirectRun | null {
  if (!looksPrepared(prepared)) return null;
  const { stmt, executeMethod, fields } = prepared;
  const plan = planOf(prepared.query.params, fields, prepared.customResultMapper);
  if (!plan) return null;
  const { params, row } = plan;
  if (executeMethod === 'run') return (values) => stmt.run(...params(values));
  if (!row) {
    // No fields to map (raw SQL): rows as the driver gives them, keyed by the query's column names.
    return executeMethod === 'all' ? (values) => stmt.all(...params(values)) : (values) => stmt.get(...params(values));
  }
  // Rows as arrays, mapped by position: the statement stays in raw mode, for this plan alone.
  const raw = stmt.raw(true);
  if (executeMethod === 'get') {
    return (values) => {
      const found = raw.get(...params(values)) as unknown[] | undefined;
      return found === undefined ? undefined : row(found);
    };
  }
  return (values) => (raw.all(...params(values)) as unknown[][]).map(row);
}
