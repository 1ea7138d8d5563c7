/**
 * The two databases the store runs on. The repositories build every query with the SQLite table
 * objects of `schema.ts` on both: drizzle's PostgreSQL dialect renders them as valid PostgreSQL, and
 * their column mappers fit the PostgreSQL columns of `schema-pg.ts` (booleans, JSON kept as text). The
 * few places where the SQL itself differs ask `dialectOf`.
 */
import { connectionOf } from './connection.js';

export type Dialect = 'sqlite' | 'postgres';

const dialects = new WeakMap<object, Dialect>();

export function registerDialect(db: object, dialect: Dialect): void {
  dialects.set(connectionOf(db), dialect);
}

export function dialectOf(db: object): Dialect {
  return dialects.get(connectionOf(db)) ?? 'sqlite';
}

/** A `postgres://` or `postgresql://` location selects PostgreSQL; anything else is an SQLite file (or `:memory:`). */
export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}
