import { nowIso } from '../clock.js';
import { asc, eq, or } from 'drizzle-orm';
import { cachedRead, configWrite } from '../config-cache.js';
import type { Db } from '../db.js';
import { StoreError, isConstraintError } from '../errors.js';
import { changedRows, first } from '../prepared.js';
import { routes, type RouteMode } from '../schema.js';

export type RouteRow = typeof routes.$inferSelect;

export interface RouteInput {
  number: string;
  name: string;
  mode: RouteMode;
  prompt?: string | null;
  skillId?: number | null;
  menuId?: number | null;
  subcentreDial?: string | null;
  transferMode?: 'blind' | 'three-way' | null;
  priority?: number;
  enabled?: boolean;
}

export function listRoutes(db: Db): Promise<readonly RouteRow[]> {
  return cachedRead(db, 'routes', async () => Object.freeze(await db.select().from(routes).orderBy(asc(routes.number))));
}

/** The enabled route for a dialled number; an admin's change applies to the next call (config-cache.ts). */
export async function findActiveRoute(db: Db, number: string): Promise<RouteRow | undefined> {
  return (await listRoutes(db)).find((r) => r.number === number && r.enabled);
}

/** A route write's failed constraint as the admin reads it: a number another route answers, or a skill or menu that does not exist. */
function asRouteConflict(error: unknown, route: string): unknown {
  if (isConstraintError(error, 'SQLITE_CONSTRAINT_UNIQUE')) return new StoreError('conflict', `号码已配置路由: ${route}`);
  if (isConstraintError(error)) return new StoreError('conflict', `路由引用的技能或菜单不存在: ${route}`);
  return error;
}

export async function createRoute(db: Db, input: RouteInput): Promise<RouteRow> {
  try {
    const rows = await configWrite(db, async (tx) => tx.insert(routes).values(input).returning());
    return rows[0]!;
  } catch (error) {
    throw asRouteConflict(error, input.number);
  }
}

/** A number another route already answers, or a skill or menu that does not exist, is a conflict. */
export async function updateRoute(db: Db, id: number, input: Partial<RouteInput>): Promise<RouteRow> {
  const updatedAt = nowIso(db);
  let row: RouteRow | undefined;
  try {
    row = first(
      await configWrite(db, async (tx) =>
        tx
          .update(routes)
          .set({ ...input, updatedAt })
          .where(eq(routes.id, id))
          .returning(),
      ),
    );
  } catch (error) {
    throw asRouteConflict(error, input.number ?? String(id));
  }
  if (!row) throw new StoreError('not-found', `路由不存在: ${id}`);
  return row;
}

export async function deleteRoute(db: Db, id: number): Promise<void> {
  const result = await configWrite(db, async (tx) => tx.delete(routes).where(eq(routes.id, id)));
  if (changedRows(result) === 0) throw new StoreError('not-found', `路由不存在: ${id}`);
}

export async function findRoute(db: Db, id: number): Promise<RouteRow | undefined> {
  return first(await db.select().from(routes).where(eq(routes.id, id)).limit(1));
}

/** Routes that send callers to a skill or run a menu (what would break if it went away). */
export async function listRoutesUsing(db: Db, ref: { skillId?: number; menuId?: number }): Promise<RouteRow[]> {
  const conditions = [
    ...(ref.skillId === undefined ? [] : [eq(routes.skillId, ref.skillId)]),
    ...(ref.menuId === undefined ? [] : [eq(routes.menuId, ref.menuId)]),
  ];
  if (conditions.length === 0) return [];
  return db
    .select()
    .from(routes)
    .where(or(...conditions))
    .orderBy(asc(routes.number));
}
