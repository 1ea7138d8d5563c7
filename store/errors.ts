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

/** The SQLite error code of an error, looking through drizzle's query-error wrapper (`cause`). */
function sqliteCode(error: unknown): string | undefined {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if ('code' in e && typeof e.code === 'string') return e.code;
  }
  return undefined;
}

/** PostgreSQL's integrity-constraint SQLSTATEs, as the SQLite codes they correspond to. */
const POSTGRES_CONSTRAINTS: Record<string, string> = {
  '23505': 'SQLITE_CONSTRAINT_UNIQUE',
  '23503': 'SQLITE_CONSTRAINT_FOREIGNKEY',
  '23514': 'SQLITE_CONSTRAINT_CHECK',
  '23502': 'SQLITE_CONSTRAINT_NOTNULL',
};

/**
 * better-sqlite3 raises `SqliteError` with a `code`, node-postgres an error with the SQLSTATE as
 * `code` (read as the matching SQLite code); foreign-key and unique violations become conflicts.
 */
export function isConstraintError(error: unknown, code?: string): boolean {
  const raw = sqliteCode(error);
  const actual = raw === undefined ? undefined : (POSTGRES_CONSTRAINTS[raw] ?? raw);
  if (actual === undefined || !actual.startsWith('SQLITE_CONSTRAINT')) return false;
  return code === undefined || actual === code;
}
