/**
 * The plan of a drizzle query prepared once and run many times straight on its driver
 * (sqlite-direct.ts, pg-direct.ts): which parameter is a placeholder, which one needs its column's
 * encoder, which selected column needs its decoder and under which key it goes.
 *
 * drizzle's own run of a prepared query works all of that out anew on every run: each parameter and
 * each column goes through `is()` (a walk up the prototype chain), each column's value through its
 * path and decoder. On the call path, which runs about a dozen statements a call and returns whole
 * call and ticket rows, that is a good part of the store's JavaScript. Here it is worked out once per
 * statement, and each run only follows the plan. The rows and results are the ones drizzle gives.
 *
 * A query the plan does not cover (a custom result mapper, a field path of more than one key: a
 * join's nested objects, which drizzle turns to null when the joined row is missing) is left to
 * drizzle by the runners.
 */
import { Column, is, Param, Placeholder, SQL } from 'drizzle-orm';

/** How one parameter gets its value. */
type Slot = { value: unknown } | { placeholder: string; encode?: (value: unknown) => unknown };

/** How one column of a row becomes a property (`decode`: the column's driver mapping, when it has one). */
interface ColumnPlan {
  key: string;
  decode: ((value: unknown) => unknown) | null;
}

/** A selected field as drizzle's prepared queries list them. */
export interface PreparedField {
  path: string[];
  field: unknown;
}

export interface DirectPlan {
  /** The query's parameters, from the placeholders' values. */
  params: (values: Record<string, unknown> | undefined) => unknown[];
  /** A row (the driver's array of column values) as drizzle returns it; null when the query selects no fields. */
  row: ((row: readonly unknown[]) => Record<string, unknown>) | null;
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
 * The plan of a prepared query with these parameters and selected fields, or null when it is one the
 * plan does not cover (a custom result mapper, a field that is not a plain column or expression).
 */
export function planOf(params: readonly unknown[], fields: readonly PreparedField[] | undefined, customResultMapper: unknown): DirectPlan | null {
  if (customResultMapper !== undefined) return null;
  const slots = params.map(slotOf);
  const bind = (values: Record<string, unknown> | undefined): unknown[] => paramsOf(slots, values);
  if (!fields) return { params: bind, row: null };
  const columns: ColumnPlan[] = [];
  for (const { path, field } of fields) {
    const column = columnPlan(path, field);
    if (!column) return null;
    columns.push(column);
  }
  return { params: bind, row: (row) => mapRow(columns, row) };
}

/** True when `fields` is absent or an array: the shape drizzle's prepared queries have. */
export function looksLikeFields(fields: unknown): fields is PreparedField[] | undefined {
  return fields === undefined || Array.isArray(fields);
}
