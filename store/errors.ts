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

/** better-sqlite3 raises `SqliteError` with a `code`; foreign-key and unique violations become conflicts. */
export function isConstraintError(error: unknown, code?: string): boolean {
  const actual = sqliteCode(error);
  if (actual === undefined || !actual.startsWith('SQLITE_CONSTRAINT')) return false;
  return code === undefined || actual === code;
}
