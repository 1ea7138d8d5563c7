/**
 * What identifies one open database across its handles. A transaction gets its own drizzle handle
 * (`tx`), so per-database state kept in a WeakMap keyed by the handle (the clock, cached settings)
 * would be lost inside transactions; drizzle's better-sqlite3 handles all share one session object,
 * which is the key used instead. `session` is not part of drizzle's typed surface, hence the cast:
 * `test/store` checks that a transaction handle resolves to its database's key.
 */
/** `db`: a drizzle handle of the store (`Db`) or one of its transactions. */
export function connectionOf(db: object): object {
  return (db as unknown as { session?: object }).session ?? db;
}
