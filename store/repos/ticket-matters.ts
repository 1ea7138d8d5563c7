/**
 * 诉求分类: the matter classification tree (at most three levels) and the handling units (承办单位).
 * Nodes are never deleted: a node tickets refer to must keep its meaning, so admins disable it instead.
 */
import { asc, eq } from 'drizzle-orm';
import { nowIso } from '../clock.js';
import type { Db } from '../db.js';
import { atomically } from '../durability.js';
import { StoreError, isConstraintError } from '../errors.js';
import { first } from '../prepared.js';
import { handlingUnits, ticketMatters } from '../schema.js';

export type TicketMatterRow = typeof ticketMatters.$inferSelect;
export type HandlingUnitRow = typeof handlingUnits.$inferSelect;

/** The tree's depth: 大类 > 小类 > 细类. */
export const MATTER_MAX_DEPTH = 3;

export async function listTicketMatters(db: Db): Promise<TicketMatterRow[]> {
  return db.select().from(ticketMatters).orderBy(asc(ticketMatters.sortOrder), asc(ticketMatters.id));
}

export async function findTicketMatter(db: Db, id: number): Promise<TicketMatterRow | undefined> {
  return first(await db.select().from(ticketMatters).where(eq(ticketMatters.id, id)).limit(1));
}

/** The node and its ancestors, root first (empty when the id is unknown). */
export async function matterLineage(db: Db, id: number): Promise<TicketMatterRow[]> {
  const line: TicketMatterRow[] = [];
  for (let node = await findTicketMatter(db, id); node; node = node.parentId === null ? undefined : await findTicketMatter(db, node.parentId)) {
    line.unshift(node);
    if (line.length > MATTER_MAX_DEPTH) break;
  }
  return line;
}

export const matterPathText = (line: readonly { name: string }[]): string => line.map((n) => n.name).join(' > ');

async function depthBelow(db: Db, id: number): Promise<number> {
  const children = await db.select().from(ticketMatters).where(eq(ticketMatters.parentId, id));
  let deepest = 0;
  for (const child of children) deepest = Math.max(deepest, 1 + (await depthBelow(db, child.id)));
  return deepest;
}

async function checkPlace(db: Db, parentId: number | null, name: string, self: number | null, ownDepth: number): Promise<void> {
  if (parentId !== null) {
    const line = await matterLineage(db, parentId);
    if (line.length === 0) throw new StoreError('invalid', `上级分类不存在: ${parentId}`);
    if (self !== null && line.some((n) => n.id === self)) throw new StoreError('invalid', '不能把分类移到它自己或它的下级之下');
    if (line.length + 1 + ownDepth > MATTER_MAX_DEPTH) throw new StoreError('invalid', `诉求分类最多${MATTER_MAX_DEPTH}级`);
  }
  const siblings = (await db
    .select()
    .from(ticketMatters)
    .where(parentId === null ? undefined : eq(ticketMatters.parentId, parentId)))
    .filter((n) => n.parentId === parentId && n.id !== self);
  if (siblings.some((n) => n.name === name)) throw new StoreError('conflict', `同一上级下已有分类「${name}」`);
}

export async function createTicketMatter(db: Db, input: { parentId: number | null; name: string; sortOrder?: number }): Promise<TicketMatterRow> {
  return atomically(db, async (tx) => {
    await checkPlace(tx, input.parentId, input.name, null, 0);
    const at = nowIso(tx);
    const row = first(await tx.insert(ticketMatters).values({ ...input, createdAt: at, updatedAt: at }).returning());
    if (!row) throw new Error(`the matter ${input.name} was not written`);
    return row;
  });
}

/** Rename, move (a new parent), reorder, enable or disable a node. */
export async function updateTicketMatter(
  db: Db,
  id: number,
  input: { name?: string; parentId?: number | null; sortOrder?: number; enabled?: boolean },
): Promise<TicketMatterRow> {
  return atomically(db, async (tx) => {
    const before = await findTicketMatter(tx, id);
    if (!before) throw new StoreError('not-found', `诉求分类不存在: ${id}`);
    const parentId = input.parentId === undefined ? before.parentId : input.parentId;
    const name = input.name ?? before.name;
    if (parentId !== before.parentId || name !== before.name) await checkPlace(tx, parentId, name, id, await depthBelow(tx, id));
    const row = first(await tx.update(ticketMatters).set({ ...input, updatedAt: nowIso(tx) }).where(eq(ticketMatters.id, id)).returning());
    if (!row) throw new StoreError('not-found', `诉求分类不存在: ${id}`);
    return row;
  });
}

/** Whether a node may be chosen for a new ticket: it and all its ancestors are enabled, and it has no enabled children. */
export async function isSelectableMatter(db: Db, id: number): Promise<{ ok: true; line: TicketMatterRow[] } | { ok: false; reason: string }> {
  const line = await matterLineage(db, id);
  if (line.length === 0) return { ok: false, reason: '诉求分类不存在' };
  if (line.some((n) => !n.enabled)) return { ok: false, reason: '诉求分类已停用，请重新选择' };
  const children = await db.select().from(ticketMatters).where(eq(ticketMatters.parentId, id));
  if (children.some((c) => c.enabled)) return { ok: false, reason: '诉求分类请选到最末一级' };
  return { ok: true, line };
}

export async function listHandlingUnits(db: Db): Promise<HandlingUnitRow[]> {
  return db.select().from(handlingUnits).orderBy(asc(handlingUnits.id));
}

export async function findHandlingUnit(db: Db, id: number): Promise<HandlingUnitRow | undefined> {
  return first(await db.select().from(handlingUnits).where(eq(handlingUnits.id, id)).limit(1));
}

export async function createHandlingUnit(db: Db, input: { name: string; enabled?: boolean }): Promise<HandlingUnitRow> {
  try {
    const row = await atomically(db, async (tx) => first(await tx.insert(handlingUnits).values({ ...input, createdAt: nowIso(tx) }).returning()));
    if (!row) throw new Error(`the handling unit ${input.name} was not written`);
    return row;
  } catch (error) {
    if (isConstraintError(error)) throw new StoreError('conflict', `承办单位已存在: ${input.name}`);
    throw error;
  }
}

export async function updateHandlingUnit(db: Db, id: number, input: { name?: string; enabled?: boolean }): Promise<HandlingUnitRow> {
  let row: HandlingUnitRow | undefined;
  try {
    row = await atomically(db, async (tx) => first(await tx.update(handlingUnits).set(input).where(eq(handlingUnits.id, id)).returning()));
  } catch (error) {
    if (isConstraintError(error)) throw new StoreError('conflict', `承办单位已存在: ${input.name ?? ''}`);
    throw error;
  }
  if (!row) throw new StoreError('not-found', `承办单位不存在: ${id}`);
  return row;
}
