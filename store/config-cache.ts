/**
 * Configuration read on every call (routes, skills, settings) is kept in memory until it changes, so
 * a call does not re-read tables that change a few times a day. Every write to those tables goes
 * through a repository that calls `configChanged`, which drops the cache at once: an admin's change
 * applies to the very next call, without a restart.
 *
 * Only reads on the database handle itself are cached, never inside a transaction: a transaction may
 * see its own uncommitted writes, which must not outlive a rollback. A second server process writing
 * the same database is not seen by this cache (one process per database today).
 */
import { connectionOf } from './connection.js';
import type { Db } from './db.js';
import { atomically, whenTransactionEnds } from './durability.js';

interface Cache {
  entries: Map<string, unknown>;
  /** Bumped by every change: a read that started before a change does not fill the cache after it. */
  generation: number;
  /** The root handle: reads through any other handle (a transaction) bypass the cache. */
  root: Db;
}

const caches = new WeakMap<object, Cache>();

/** Called by `openStore` for the root handle. */
export function enableConfigCache(db: Db): void {
  caches.set(connectionOf(db), { entries: new Map(), generation: 0, root: db });
}

/** `read` once until the next `configChanged`; concurrent first reads share one query. */
export function cachedRead<T>(db: Db, key: string, read: () => Promise<T>): Promise<T> {
  const cache = caches.get(connectionOf(db));
  if (!cache || cache.root !== db) return read();
  const known = cache.entries.get(key) as Promise<T> | undefined;
  if (known) return known;
  const generation = cache.generation;
  const pending = read();
  cache.entries.set(key, pending);
  // A failed read is not kept: the next caller tries again.
  pending.catch(() => {
    if (cache.generation === generation && cache.entries.get(key) === pending) cache.entries.delete(key);
  });
  return pending;
}

/** After any write to routes, skills or settings (also inside a transaction, also one that rolls back). */
export function configChanged(db: Db): void {
  const cache = caches.get(connectionOf(db));
  if (!cache) return;
  cache.generation++;
  cache.entries.clear();
}

/**
 * A durable write to routes, skills, settings or prompts: drops the cache before it and again once its
 * transaction has ended — the outermost one, when this is part of another — so that a read made
 * meanwhile (it saw the old rows, or on SQLite's one connection the uncommitted new ones) is not kept.
 */
export async function configWrite<T>(db: Db, write: (tx: Db) => Promise<T>): Promise<T> {
  configChanged(db);
  return atomically(db, async (tx) => {
    whenTransactionEnds(tx, () => configChanged(db));
    return write(tx);
  });
}
