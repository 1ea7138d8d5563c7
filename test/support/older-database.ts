/**
 * An SQLite database file as the migrations before a given one left it, recorded as drizzle records
 * them, with some rows of that time: what an upgrade finds on a centre's server.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';

const MIGRATIONS = join(import.meta.dirname, '../../store/migrations');
const journal = JSON.parse(readFileSync(join(MIGRATIONS, 'meta/_journal.json'), 'utf8')) as { entries: { tag: string; when: number }[] };

/** The index in the journal of the migration whose tag ends with `suffix` (-1 when there is none). */
export function migrationIndex(suffix: string): number {
  return journal.entries.findIndex((e) => e.tag.endsWith(suffix));
}

/** Writes at `path` a database migrated up to, not including, the migration at `before`, then runs `rows`. */
export function olderDatabase(path: string, before: number, rows: string): void {
  const db = new Database(path);
  db.pragma('foreign_keys = ON');
  for (const entry of journal.entries.slice(0, before)) {
    for (const statement of readFileSync(join(MIGRATIONS, `${entry.tag}.sql`), 'utf8').split('--> statement-breakpoint')) {
      if (statement.trim()) db.exec(statement);
    }
  }
  db.exec('CREATE TABLE "__drizzle_migrations" (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at numeric)');
  db.prepare('INSERT INTO "__drizzle_migrations" (hash, created_at) VALUES (?, ?)').run(`before-${journal.entries[before]?.tag}`, journal.entries[before - 1]?.when);
  db.exec(rows);
  db.close();
}

/**
 * A database file in a folder of its own, as the migrations before the one whose tag ends with
 * `suffix` left it, with `rows`; the folder goes when the test is over (after its afterEach hooks).
 */
export function databaseBefore(suffix: string, rows: string): string {
  const before = migrationIndex(suffix);
  if (before <= 0) throw new Error(`no migration ending with ${suffix} after the first`);
  const dir = mkdtempSync(join(tmpdir(), 'cti-migration-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'cti.db');
  olderDatabase(path, before, rows);
  return path;
}
