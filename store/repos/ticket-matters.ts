/**
 * 诉求分类: the matter classification tree (at most three levels) and the handling units (承办单位).
 * Nodes are never deleted: a node tickets refer to must keep its meaning, so admins disable it instead.
 */
import { asc, eq } from 'drizzle-orm';
import { nowIso } from '../clock.js';
import type { Db } from '../db.js';
import { StoreError, isConstraintError } from '../errors.js';
import { handlingUnits, ticketMatters } from '../schema.js';

export type TicketMatterRow = typeof ticketMatters.$inferSelect;
export type HandlingUnitRow = typeof handlingUnits.$inferSelect;

/** The tree's depth: 大类 > 小类 > 细类. */
export const MATTER_MAX_DEPTH = 3;

export function listTicketMatters(db: Db): TicketMatterRow[] {
  return db.select().from(ticketMatters).orderBy(asc(ticketMatters.sortOrder), asc(ticketMatters.id)).all();
}

export function findTicketMatter(db: Db, id: number): TicketMatterRow | undefined {
  return db.select().from(ticketMatters).where(eq(ticketMatters.id, id)).get();
}

/** The node and its ancestors, root first (empty when the id is unknown). */
export function matterLineage(db: Db, id: number): TicketMatterRow[] {
  const line: TicketMatterRow[] = [];
  for (let node = findTicketMatter(db, id); node; node = node.parentId === null ? undefined : findTicketMatter(db, node.parentId)) {
    line.unshift(node);
    if (line.length > MATTER_MAX_DEPTH) break;
  }
  return line;
}

export const matterPathText = (line: readonly { name: string }[]): string => line.map((n) => n.name).join(' > ');

function depthBelow(db: Db, id: number): number {
  const children = db.select().from(ticketMatters).where(eq(ticketMatters.parentId, id)).all();
  return children.reduce((deepest, child) => Math.max(deepest, 1 + depthBelow(db, child.id)), 0);
}

function checkPlace(db: Db, parentId: number | null, name: string, self: number | null, ownDepth: number): void {
  if (parentId !== null) {
    const line = matterLineage(db, parentId);
    if (line.length === 0) throw new StoreError('invalid', `上级分类不存在: ${parentId}`);
    if (self !== null && line.some((n) => n.id === self)) throw new StoreError('invalid', '不能把分类移到它自己或它的下级之下');
    if (line.length + 1 + ownDepth > MATTER_MAX_DEPTH) throw new StoreError('invalid', `诉求分类最多${MATTER_MAX_DEPTH}级`);
  }
  const siblings = db
    .select()
    .from(ticketMatters)
    .where(parentId === null ? undefined : eq(ticketMatters.parentId, parentId))
    .all()
    .filter((n) => n.parentId === parentId && n.id !== self);
  if (siblings.some((n) => n.name === name)) throw new StoreError('conflict', `同一上级下已有分类「${name}」`);
}

export function createTicketMatter(db: Db, input: { parentId: number | null; name: string; sortOrder?: number }): TicketMatterRow {
  checkPlace(db, input.parentId, input.name, null, 0);
  const at = nowIso(db);
  return db.insert(ticketMatters).values({ ...input, createdAt: at, updatedAt: at }).returning().get();
}

/** Rename, move (a new parent), reorder, enable or disable a node. */
export function updateTicketMatter(
  db: Db,
  id: number,
  input: { name?: string; parentId?: number | null; sortOrder?: number; enabled?: boolean },
): TicketMatterRow {
  const before = findTicketMatter(db, id);
  if (!before) throw new StoreError('not-found', `诉求分类不存在: ${id}`);
  const parentId = input.parentId === undefined ? before.parentId : input.parentId;
  const name = input.name ?? before.name;
  if (parentId !== before.parentId || name !== before.name) checkPlace(db, parentId, name, id, depthBelow(db, id));
  const row = db.update(ticketMatters).set({ ...input, updatedAt: nowIso(db) }).where(eq(ticketMatters.id, id)).returning().get();
  if (!row) throw new StoreError('not-found', `诉求分类不存在: ${id}`);
  return row;
}

/** Whether a node may be chosen for a new ticket: it and all its ancestors are enabled, and it has no enabled children. */
export function isSelectableMatter(db: Db, id: number): { ok: true; line: TicketMatterRow[] } | { ok: false; reason: string } {
  const line = matterLineage(db, id);
  if (line.length === 0) return { ok: false, reason: '诉求分类不存在' };
  if (line.some((n) => !n.enabled)) return { ok: false, reason: '诉求分类已停用，请重新选择' };
  const children = db.select().from(ticketMatters).where(eq(ticketMatters.parentId, id)).all();
  if (children.some((c) => c.enabled)) return { ok: false, reason: '诉求分类请选到最末一级' };
  return { ok: true, line };
}

export function listHandlingUnits(db: Db): HandlingUnitRow[] {
  return db.select().from(handlingUnits).orderBy(asc(handlingUnits.id)).all();
}

export function findHandlingUnit(db: Db, id: number): HandlingUnitRow | undefined {
  return db.select().from(handlingUnits).where(eq(handlingUnits.id, id)).get();
}

export function createHandlingUnit(db: Db, input: { name: string; enabled?: boolean }): HandlingUnitRow {
  try {
    return db.insert(handlingUnits).values({ ...input, createdAt: nowIso(db) }).returning().get();
  } catch (error) {
    if (isConstraintError(error)) throw new StoreError('conflict', `承办单位已存在: ${input.name}`);
    throw error;
  }
}

export function updateHandlingUnit(db: Db, id: number, input: { name?: string; enabled?: boolean }): HandlingUnitRow {
  let row: HandlingUnitRow | undefined;
  try {
    row = db.update(handlingUnits).set(input).where(eq(handlingUnits.id, id)).returning().get();
  } catch (error) {
    if (isConstraintError(error)) throw new StoreError('conflict', `承办单位已存在: ${input.name ?? ''}`);
    throw error;
  }
  if (!row) throw new StoreError('not-found', `承办单位不存在: ${id}`);
  return row;
}
