import { asc, eq } from 'drizzle-orm';
import type { Db } from '../db.js';
import { ivrMenus } from '../schema.js';

export type MenuRow = typeof ivrMenus.$inferSelect;

/** Stores a menu definition; validating it is the IVR's job, done before this is called. */
export function putMenu(db: Db, input: { code: string; name: string; definition: unknown }): MenuRow {
  const updatedAt = new Date().toISOString();
  return db
    .insert(ivrMenus)
    .values({ ...input, updatedAt })
    .onConflictDoUpdate({ target: ivrMenus.code, set: { name: input.name, definition: input.definition, updatedAt } })
    .returning()
    .get();
}

export function findMenu(db: Db, id: number): MenuRow | undefined {
  return db.select().from(ivrMenus).where(eq(ivrMenus.id, id)).get();
}

export function listMenus(db: Db): MenuRow[] {
  return db.select().from(ivrMenus).orderBy(asc(ivrMenus.code)).all();
}
