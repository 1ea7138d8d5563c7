/** Errors the repositories raise for conditions a caller (HTTP layer, call flow) must handle. */
export type StoreErrorKind = 'not-found' | 'conflict' | 'invalid';

export class StoreError extends Error {
  constructor(
    readonly kind: StoreErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

/**
 * The PostgreSQL server did not answer (refused, unreachable, silent past the connect bound): what
 * the operator is told at start-up, in one line. `location` is the URL without its password.
 */
export class DatabaseUnreachable extends Error {
  constructor(location: string, cause: unknown) {
    super(`PostgreSQL at ${location} did not answer: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'DatabaseUnreachable';
  }
}

/** The SQLite error code of an error, looking through drizzle's query-error wrapper (`cause`). */
function sqliteCode(error: unknown): string | undefined {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if ('code' in e && typeof e.code === 'string') return e.code;
  }
  return undefined;
}

/** PostgreSQL's integrity violations (SQLSTATE class 23) under the SQLite code callers ask about. */
const POSTGRES_CONSTRAINTS: Record<string, string> = {
  '23505': 'SQLITE_CONSTRAINT_UNIQUE',
  '23503': 'SQLITE_CONSTRAINT_FOREIGNKEY',
  '23514': 'SQLITE_CONSTRAINT_CHECK',
  '23502': 'SQLITE_CONSTRAINT_NOTNULL',
};

/**
 * better-sqlite3 raises `SqliteError` with a `code`, node-postgres a `DatabaseError` with the SQLSTATE;
 * foreign-key and unique violations become conflicts.
 */
export function isConstraintError(error: unknown, code?: string): boolean {
  const raw = sqliteCode(error);
  const actual = raw === undefined ? undefined : (POSTGRES_CONSTRAINTS[raw] ?? (/^23[0-9A-Z]{3}$/.test(raw) ? 'SQLITE_CONSTRAINT' : raw));
  if (actual === undefined || !actual.startsWith('SQLITE_CONSTRAINT')) return false;
  return code === undefined || actual === code;
}
