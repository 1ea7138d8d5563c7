/**
 * Which tables a stretch of requests changed, seen from inside the server's own database
 * connection: temporary triggers (connection-local, never in the database file, invisible to the
 * product's row counts — SQLite does not count trigger writes in `changes()`) note every insert,
 * update and delete on every table.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../store/index.js';

export class DbChanges {
  readonly tables: string[];

  constructor(private readonly db: Db) {
    // Virtual tables (the knowledge base's full-text index) take no triggers; their shadow tables
    // (`<name>_data`, `_idx`, …) change only with the tables the index follows, which are watched.
    const all = db.all<{ name: string; sql: string | null }>(sql`select name, sql from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '__drizzle%'`);
    const virtual = all.filter((t) => /^create virtual table/i.test(t.sql ?? '')).map((t) => t.name);
    this.tables = all.map((t) => t.name).filter((name) => !virtual.some((v) => name === v || name.startsWith(`${v}_`)));
    db.run(sql`create temp table if not exists fuzz_changes (tbl text not null)`);
    for (const table of this.tables) {
      for (const op of ['insert', 'update', 'delete']) {
        const name = `fuzz_${op}_${table}`.replace(/[^A-Za-z0-9_]/g, '_');
        db.run(sql.raw(`create temp trigger if not exists "${name}" after ${op} on main."${table}" begin insert into temp.fuzz_changes (tbl) values ('${table}'); end`));
      }
    }
  }

  /** The tables changed since the last call (rows touched per table); forgets them. */
  take(): Map<string, number> {
    const rows = this.db.all<{ tbl: string; n: number }>(sql`select tbl, count(*) as n from temp.fuzz_changes group by tbl`);
    if (rows.length > 0) this.db.run(sql`delete from temp.fuzz_changes`);
    return new Map(rows.map((r) => [r.tbl, r.n]));
  }

  /** Row counts of every table. */
  counts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const table of this.tables) out[table] = this.db.get<{ n: number }>(sql.raw(`select count(*) as n from main."${table}"`))?.n ?? 0;
    return out;
  }

  /** Removes the triggers (the server's connection goes on without them). */
  close(): void {
    for (const table of this.tables) {
      for (const op of ['insert', 'update', 'delete']) this.db.run(sql.raw(`drop trigger if exists temp."${`fuzz_${op}_${table}`.replace(/[^A-Za-z0-9_]/g, '_')}"`));
    }
    this.db.run(sql`drop table if exists temp.fuzz_changes`);
  }
}
