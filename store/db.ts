/**
 * Opens the SQLite database, applies the checked-in migrations and hands out the drizzle handle.
 */
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as schema from './schema.js';
import { bindClock, systemClock, type Clock } from './clock.js';
import { enableConfigCache } from './config-cache.js';
import { registerClient } from './durability.js';

export type Db = BetterSQLite3Database<typeof schema>;

export interface Store {
  db: Db;
  /** The file path, or `:memory:`. */
  path: string;
  close(): void;
}

/**
 * The migrations live beside the sources (`store/migrations`); when running from the compiled
 * `dist/store/`, walk up to the folder that has them.
 */
function migrationsFolder(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    const candidate = join(dir, 'migrations');
    if (existsSync(join(candidate, 'meta', '_journal.json'))) return candidate;
    const sibling = join(dir, 'store', 'migrations');
    if (existsSync(join(sibling, 'meta', '_journal.json'))) return sibling;
    dir = dirname(dir);
  }
  throw new Error('store/migrations not found next to the program');
}

export function openStore(path: string, clock: Clock = systemClock): Store {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  // FULL: a ticket row is on disk before the caller hears the first prompt, even on power loss.
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('busy_timeout = 5000');
  const db = drizzle(sqlite, { schema });
  // Migrations run in one transaction, where SQLite ignores `PRAGMA foreign_keys`: a table rebuild
  // (drizzle-kit's __new_<table> copy, e.g. a changed CHECK) must not fire the ON DELETE actions of
  // the tables that reference it, so the keys are switched on only after migrating, and checked.
  sqlite.pragma('foreign_keys = OFF');
  migrate(db, { migrationsFolder: migrationsFolder() });
  const broken = sqlite.pragma('foreign_key_check') as unknown[];
  if (broken.length > 0) throw new Error(`the migrations left ${broken.length} rows whose foreign keys point nowhere`);
  sqlite.pragma('foreign_keys = ON');
  bindClock(db, clock);
  enableConfigCache(db);
  registerClient(db, sqlite);
  return {
    db,
    path,
    close: () => sqlite.close(),
  };
}
