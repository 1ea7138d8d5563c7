/**
 * A consistent copy of a live SQLite database, through SQLite's online backup API (better-sqlite3's
 * `backup()`), while the server goes on writing: what lands is the database as it was at one moment
 * (a copy a write overtook between steps starts over). The copy is then opened read-only and checked
 * (`PRAGMA integrity_check`).
 */
import Database from 'better-sqlite3';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export interface BackupResult {
  destination: string;
  pages: number;
  /** Rows per table in the copy, for the operator to compare with what they expect. */
  rows: Record<string, number>;
}

export async function backupDatabase(source: string, destination: string): Promise<BackupResult> {
  if (!existsSync(source)) throw new Error(`no database at ${source}`);
  if (existsSync(destination)) throw new Error(`${destination} exists already: choose a new file, a backup never overwrites one`);
  mkdirSync(dirname(destination), { recursive: true });
  const live = new Database(source, { readonly: true, fileMustExist: true });
  let pages = 0;
  try {
    await live.backup(destination, {
      progress({ totalPages }) {
        pages = totalPages;
        // The rest in one step. A write by the server between two steps makes SQLite start the copy
        // over, so a busy server could keep a step-by-step copy from ever finishing; one step is one
        // read transaction, which in WAL mode holds up no writer.
        return 1 << 30;
      },
    });
  } finally {
    live.close();
  }
  const copy = new Database(destination, { readonly: true, fileMustExist: true });
  try {
    const check = copy.pragma('integrity_check', { simple: true });
    if (check !== 'ok') throw new Error(`the copy failed its integrity check: ${String(check)}`);
    const tables = copy
      .prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and sql not like 'CREATE VIRTUAL TABLE%' order by name")
      .all() as { name: string }[];
    const rows: Record<string, number> = {};
    for (const { name } of tables) rows[name] = (copy.prepare(`select count(*) as n from "${name.replaceAll('"', '""')}"`).get() as { n: number }).n;
    return { destination, pages, rows };
  } finally {
    copy.close();
  }
}
