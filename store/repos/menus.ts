import { nowIso } from '../clock.js';
import { asc, eq } from 'drizzle-orm';
import type { Db } from '../db.js';
import { StoreError, isConstraintError } from '../errors.js';
import { ivrMenus } from '../schema.js';

export type MenuRow = typeof ivrMenus.$inferSelect;

/** Stores a menu definition; validating it is the IVR's job, done before this is called. */
export function putMenu(db: Db, input: { code: string; name: string; definition: unknown }): MenuRow {
  const updatedAt = nowIso(db);
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

/** A new menu; a conflict when the code is taken (unlike `putMenu`, never replaces one). */
export function createMenu(db: Db, input: { code: string; name: string; definition: unknown }): MenuRow {
  try {
    return db
      .insert(ivrMenus)
      .values({ ...input, updatedAt: nowIso(db) })
      .returning()
      .get();
  } catch (error) {
    if (isConstraintError(error)) throw new StoreError('conflict', `菜单编码已存在: ${input.code}`);
    throw error;
  }
}

export function updateMenu(db: Db, id: number, input: { code: string; name: string; definition: unknown }): MenuRow {
  let row: MenuRow | undefined;
  try {
    row = db
      .update(ivrMenus)
      .set({ ...input, updatedAt: nowIso(db) })
      .where(eq(ivrMenus.id, id))
      .returning()
      .get();
  } catch (error) {
    if (isConstraintError(error)) throw new StoreError('conflict', `菜单编码已存在: ${input.code}`);
    throw error;
  }
  if (!row) throw new StoreError('not-found', `菜单不存在: ${id}`);
  return row;
}

/** Refused with a conflict while a route still runs the menu. */
export function deleteMenu(db: Db, id: number): void {
  try {
    const result = db.delete(ivrMenus).where(eq(ivrMenus.id, id)).run();
    if (result.changes === 0) throw new StoreError('not-found', `菜单不存在: ${id}`);
  } catch (error) {
    if (isConstraintError(error)) throw new StoreError('conflict', `菜单仍被路由使用: ${id}`);
    throw error;
  }
}
