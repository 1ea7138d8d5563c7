/**
 * A drizzle query prepared on PostgreSQL, run straight on node-postgres by the plan direct-plan.ts
 * works out once per statement.
 *
 * drizzle ties a prepared query to the handle it was built on (the pool, or one transaction's
 * client), so until this the call path built every query anew on the handle at hand: drizzle's query
 * building, its `is()` checks and row mapping were close to half the server's CPU per call on
 * PostgreSQL (`BENCH_DB=postgres`, a CPU profile of the front half). Here a query is built once per
 * database: its text and node-postgres query config (name, row mode, drizzle's type parsers) are
 * kept, and each run sends them, with the parameters from the plan, on the client of the handle at
 * hand — the pool, or the transaction's own client, so a statement inside a transaction is part of
 * it. node-postgres parses a named statement once per pooled connection.
 *
 * Any object that does not look as described below is left to drizzle: the shape of drizzle's
 * prepared query is not public, and a drizzle that changes it must not change what the store returns.
 */
import { looksLikeFields, planOf, type PreparedField } from './direct-plan.js';

/** node-postgres's pool or one of its clients: what runs a query. */
export interface PgQueryable {
  query(config: object, values: unknown[]): Promise<{ rows: unknown[] }>;
}

/** What a prepared query of drizzle's node-postgres driver holds (drizzle-orm 0.45). */
interface DrizzlePgPrepared {
  params: unknown[];
  fields?: PreparedField[];
  customResultMapper?: unknown;
  /** For a query with selected fields: rows as arrays. */
  queryConfig: { text: string; rowMode: 'array' };
  /** For one without: rows as objects keyed by the query's column names. */
  rawQueryConfig: { text: string };
}

export type PgDirectRun = (client: PgQueryable, values: Record<string, unknown> | undefined) => Promise<unknown>;

function isConfig(config: unknown): config is { text: string } {
  return typeof config === 'object' && config !== null && typeof (config as { text?: unknown }).text === 'string';
}

function looksPrepared(query: unknown): query is DrizzlePgPrepared {
  if (typeof query !== 'object' || query === null) return false;
  const q = query as Partial<Record<keyof DrizzlePgPrepared, unknown>>;
  return (
    Array.isArray(q.params) &&
    looksLikeFields(q.fields) &&
    isConfig(q.queryConfig) &&
    (q.queryConfig as { rowMode?: unknown }).rowMode === 'array' &&
    isConfig(q.rawQueryConfig)
  );
}

/**
 * The direct run of `prepared` (what drizzle's `prepare(name)` returned on PostgreSQL), or null when
 * it is a query this does not cover: the caller then runs it through drizzle. Its results are
 * drizzle's: mapped rows for a query with selected fields, node-postgres's result otherwise.
 */
export function pgDirectRun(prepared: unknown): PgDirectRun | null {
  if (!looksPrepared(prepared)) return null;
  const plan = planOf(prepared.params, prepared.fields, prepared.customResultMapper);
  if (!plan) return null;
  const { params, row } = plan;
  const { queryConfig, rawQueryConfig } = prepared;
  if (!row) return (client, values) => client.query(rawQueryConfig, params(values));
  return async (client, values) => {
    const result = await client.query(queryConfig, params(values));
    return (result.rows as unknown[][]).map(row);
  };
}

/** The node-postgres pool or client a drizzle handle (the database's, or a transaction's) runs on. */
export function pgClientOf(db: object): PgQueryable | null {
  const client = (db as { session?: { client?: Partial<PgQueryable> } }).session?.client;
  return typeof client?.query === 'function' ? (client as PgQueryable) : null;
}
