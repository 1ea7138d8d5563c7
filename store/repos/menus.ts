import { nowIso } from '../clock.js';
import { asc, eq } from 'drizzle-orm';
import type { Db } from '../db.js';
import { atomically } from '../durability.js';
import { StoreError, isConstraintError } from '../errors.js';
import { changedRows, first } from '../prepared.js';
import { ivrMenus } from '../schema.js';

export type MenuRow = typeof ivrMenus.$inferSelect;

/** Stores a menu definition; validating it is the IVR's job, done before this is called. */
export async function putMenu(db: Db, input: { code: string; name: string; definition: unknown }): Promise<MenuRow> {
  const updatedAt = nowIso(db);
  const rows = await atomically(db, async (tx) =>
    tx
      .insert(ivrMenus)
      .values({ ...input, updatedAt })
      .onConflictDoUpdate({ target: ivrMenus.code, set: { name: input.name, definition: input.definition, updatedAt } })
      .returning(),
  );
  return rows[0]!;
}

export async function findMenu(db: Db, id: number): Promise<MenuRow | undefined> {
  return first(await db.select().from(ivrMenus).where(eq(ivrMenus.id, id)).limit(1));
}

export async function listMenus(db: Db): Promise<MenuRow[]> {
  return db.select().from(ivrMenus).orderBy(asc(ivrMenus.code));
}

/** A new menu; a conflict when the code is taken (unlike `putMenu`, never replaces one). */
export async function createMenu(db: Db, input: { code: string; name: string; definition: unknown }): Promise<MenuRow> {
  const updatedAt = nowIso(db);
  try {
    const rows = await atomically(db, async (tx) =>
      tx
        .insert(ivrMenus)
        .values({ ...input, updatedAt })
        .returning(),
    );
    return rows[0]!;
  } catch (error) {
    if (isConstraintError(error)) throw new StoreError('conflict', `菜单编码已存在: ${input.code}`);
    throw error;
  }
}

export async function updateMenu(db: Db, id: number, input: { code: string; name: string; definition: unknown }): Promise<MenuRow> {
  const updatedAt = nowIso(db);
  let row: MenuRow | undefined;
  try {
    row = first(
      await atomically(db, async (tx) =>
        tx
          .update(ivrMenus)
          .set({ ...input, updatedAt })
          .where(eq(ivrMenus.id, id))
          .returning(),
      ),
    );
  } catch (error) {
    if (isConstraintError(error)) throw new StoreError('conflict', `菜单编码已存在: ${input.code}`);
    throw error;
  }
  if (!row) throw new StoreError('not-found', `菜单不存在: ${id}`);
  return row;
}

/** Refused with a conflict while a route still runs the menu. */
export async function deleteMenu(db: Db, id: number): Promise<void> {
  let changed: number;
  try {
    changed = changedRows(await atomically(db, async (tx) => tx.delete(ivrMenus).where(eq(ivrMenus.id, id))));
  } catch (error) {
    if (isConstraintError(error)) throw new StoreError('conflict', `菜单仍被路由使用: ${id}`);
    throw error;
  }
  if (changed === 0) throw new StoreError('not-found', `菜单不存在: ${id}`);
}
