import { nowIso } from '../clock.js';
import { asc, eq, or } from 'drizzle-orm';
import { cachedConfig, configChanged } from '../config-cache.js';
import type { Db } from '../db.js';
import { StoreError, isConstraintError } from '../errors.js';
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

export function listRoutes(db: Db): readonly RouteRow[] {
  return cachedConfig(db, 'routes', () => Object.freeze(db.select().from(routes).orderBy(asc(routes.number)).all()));
}

/** The enabled route for a dialled number; an admin's change applies to the next call (config-cache.ts). */
export function findActiveRoute(db: Db, number: string): RouteRow | undefined {
  return listRoutes(db).find((r) => r.number === number && r.enabled);
}

export function createRoute(db: Db, input: RouteInput): RouteRow {
  configChanged(db);
  try {
    return db.insert(routes).values(input).returning().get();
  } catch (error) {
    if (isConstraintError(error, 'SQLITE_CONSTRAINT_UNIQUE'))
      throw new StoreError('conflict', `号码已配置路由: ${input.number}`);
    if (isConstraintError(error)) throw new StoreError('conflict', `路由引用的技能或菜单不存在: ${input.number}`);
    throw error;
  }
}

export function updateRoute(db: Db, id: number, input: Partial<RouteInput>): RouteRow {
  configChanged(db);
  const row = db
    .update(routes)
    .set({ ...input, updatedAt: nowIso(db) })
    .where(eq(routes.id, id))
    .returning()
    .get();
  if (!row) throw new StoreError('not-found', `路由不存在: ${id}`);
  return row;
}

export function deleteRoute(db: Db, id: number): void {
  configChanged(db);
  const result = db.delete(routes).where(eq(routes.id, id)).run();
  if (result.changes === 0) throw new StoreError('not-found', `路由不存在: ${id}`);
}

export function findRoute(db: Db, id: number): RouteRow | undefined {
  return db.select().from(routes).where(eq(routes.id, id)).get();
}

/** Routes that send callers to a skill or run a menu (what would break if it went away). */
export function listRoutesUsing(db: Db, ref: { skillId?: number; menuId?: number }): RouteRow[] {
  const conditions = [
    ...(ref.skillId === undefined ? [] : [eq(routes.skillId, ref.skillId)]),
    ...(ref.menuId === undefined ? [] : [eq(routes.menuId, ref.menuId)]),
  ];
  if (conditions.length === 0) return [];
  return db
    .select()
    .from(routes)
    .where(or(...conditions))
    .orderBy(asc(routes.number))
    .all();
}
