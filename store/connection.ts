/**
 * What identifies one open database across its handles. Per-database state (the clock, cached
 * settings, prepared statements, the dialect) is kept in WeakMaps under this key. A transaction runs
 * on a handle of its own (`tx`); `registerTransactionHandle` ties it to its database's key, so the
 * state is found from inside a transaction too. For a root handle the key is drizzle's session object
 * (`session` is not part of drizzle's typed surface, hence the cast; `test/store` checks it).
 */
const transactionRoots = new WeakMap<object, object>();

/** `db`: a drizzle handle of the store (`Db`) or one of its transactions. */
export function connectionOf(db: object): object {
  return transactionRoots.get(db) ?? (db as unknown as { session?: object }).session ?? db;
}

/** Marks `tx` as a transaction handle of the database `root` belongs to. */
export function registerTransactionHandle(tx: object, root: object): void {
  transactionRoots.set(tx, connectionOf(root));
}

/** True when `db` is a transaction's handle: work on it is part of that transaction. */
export function isTransactionHandle(db: object): boolean {
  return transactionRoots.has(db);
}
