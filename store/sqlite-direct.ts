/**
 * A drizzle query prepared on SQLite, run straight on its better-sqlite3 statement.
 *
 * drizzle's own run of a prepared query fills the placeholders and maps every row anew each time:
 * each parameter and each column goes through `is()` (a walk up the prototype chain), each column's
 * value through its path and decoder, the statement is switched to raw mode on every read, and the
 * result comes back wrapped in a deferred object. On the call path, which runs about a dozen
 * statements a call and returns whole call and ticket rows, that is a good part of the store's
 * JavaScript. Here the plan is worked out once per statement — which parameter is a placeholder, which
 * one needs its column's encoder, which column needs its decoder and under which key it goes — and
 * each run only follows it. The rows and results are the ones drizzle gives (the store's tests run
 * every statement through this on SQLite, and through drizzle on PostgreSQL).
 *
 * A query this plan does not cover (a custom result mapper, a field path of more than one key: a
 * join's nested objects, which drizzle turns to null when the joined row is missing) is left to
 * drizzle, as is any object that does not look as described below: the shape of drizzle's prepared
 * query is not public, and a drizzle that changes it must not change what the store returns.
 */
import type Database from 'better-sqlite3';
import { Column, is, Param, Placeholder, SQL } from 'drizzle-orm';

/** What a prepared query of drizzle's better-sqlite3 driver holds (drizzle-orm 0.45). */
interface DrizzleSqlitePrepared {
  stmt: Database.Statement;
  query: { params: unknown[] };
  executeMethod: 'run' | 'all' | 'get';
  fields?: { path: string[]; field: unknown }[];
  customResultMapper?: unknown;
}

/** How one parameter gets its value. */
type Slot = { value: unknown } | { placeholder: string; encode?: (value: unknown) => unknown };

/** How one column of a row becomes a property (`decode`: the column's driver mapping, when it has one). */
interface ColumnPlan {
  key: string;
  decode: ((value: unknown) => unknown) | null;
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
    (q.fields === undefined || Array.isArray(q.fields))
  );
}

function slotOf(param: unknown): Slot {
  if (is(param, Placeholder)) return { placeholder: param.name };
  if (is(param, Param) && is(param.value, Placeholder)) {
    const { encoder } = param;
    const name = param.value.name;
    return encoder ? { placeholder: name, encode: (value) => encoder.mapToDriverValue(value) } : { placeholder: name };
  }
  return { value: param };
}

interface Decoder {
  mapFromDriverValue(value: unknown): unknown;
}

/** An SQL expression's decoder (its `mapWith`, e.g. `count()`'s): internal to drizzle, so checked. */
function sqlDecoder(expression: SQL): Decoder | undefined {
  const decoder = (expression as unknown as { decoder?: Partial<Decoder> }).decoder;
  return typeof decoder?.mapFromDriverValue === 'function' ? (decoder as Decoder) : undefined;
}

/** What turns a field's driver value into the row's: a column, or an SQL expression's decoder. */
function decoderOf(field: unknown): Decoder | undefined {
  if (is(field, Column)) return field;
  if (is(field, SQL)) return sqlDecoder(field);
  if (is(field, SQL.Aliased)) return sqlDecoder(field.sql);
  return undefined;
}

/** The plan of a selected field, or undefined when it is not a plain column or expression (left to drizzle). */
function columnPlan(path: string[], field: unknown): ColumnPlan | undefined {
  const key = path[0];
  const decoder = decoderOf(field);
  if (path.length !== 1 || key === undefined || !decoder) return undefined;
  // A column that keeps the driver's value as it is (text, plain integer) needs no call per row.
  const identity = is(field, Column) && decoder.mapFromDriverValue === Column.prototype.mapFromDriverValue;
  return { key, decode: identity ? null : (value) => decoder.mapFromDriverValue(value) };
}

function mapRow(plan: readonly ColumnPlan[], row: readonly unknown[]): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (let i = 0; i < plan.length; i++) {
    const column = plan[i] as ColumnPlan;
    const raw = row[i];
    result[column.key] = raw === null || raw === undefined ? null : column.decode ? column.decode(raw) : raw;
  }
  return result;
}

function paramsOf(slots: readonly Slot[], values: Record<string, unknown> | undefined): unknown[] {
  const params = new Array<unknown>(slots.length);
  for (let i = 0; i < slots.length; i++) {
    const slot = slots[i] as Slot;
    if ('value' in slot) {
      params[i] = slot.value;
      continue;
    }
    if (values === undefined || !(slot.placeholder in values)) throw new Error(`No value for placeholder "${slot.placeholder}" was provided`);
    const value = values[slot.placeholder];
    params[i] = slot.encode ? slot.encode(value) : value;
  }
  return params;
}

/**
 * The direct run of `prepared` (what drizzle's `prepare()` returned on SQLite), or null when it is a
 * query this does not cover: the caller then runs it through drizzle.
 */
export function directRun(prepared: unknown): DirectRun | null {
  if (!looksPrepared(prepared)) return null;
  const { stmt, executeMethod, fields } = prepared;
  if (prepared.customResultMapper !== undefined) return null;
  const slots = prepared.query.params.map(slotOf);
  if (executeMethod === 'run') return (values) => stmt.run(...paramsOf(slots, values));
  if (!fields) {
    // No fields to map (raw SQL): rows as the driver gives them, keyed by the query's column names.
    return executeMethod === 'all' ? (values) => stmt.all(...paramsOf(slots, values)) : (values) => stmt.get(...paramsOf(slots, values));
  }
  const plan: ColumnPlan[] = [];
  for (const { path, field } of fields) {
    const column = columnPlan(path, field);
    if (!column) return null;
    plan.push(column);
  }
  // Rows as arrays, mapped by position: the statement stays in raw mode, for this plan alone.
  const raw = stmt.raw(true);
  if (executeMethod === 'get') {
    return (values) => {
      const row = raw.get(...paramsOf(slots, values)) as unknown[] | undefined;
      return row === undefined ? undefined : mapRow(plan, row);
    };
  }
  return (values) => (raw.all(...paramsOf(slots, values)) as unknown[][]).map((row) => mapRow(plan, row));
}
