import { and, desc, eq, lt } from 'drizzle-orm';
import type { Db } from '../db.js';
import { atomically } from '../durability.js';
import { auditLog } from '../schema.js';

export type AuditRow = typeof auditLog.$inferSelect;

export interface AuditEntry {
  actor: string;
  action: string;
  entity: string;
  entityId?: string | number | null;
  before?: unknown;
  after?: unknown;
}

export async function writeAudit(db: Db, entry: AuditEntry): Promise<void> {
  await atomically(db, async (tx) => {
    await tx.insert(auditLog).values({
      actor: entry.actor,
      action: entry.action,
      entity: entry.entity,
      entityId: entry.entityId == null ? null : String(entry.entityId),
      before: entry.before ?? null,
      after: entry.after ?? null,
    });
  });
}

export async function listAudit(db: Db, limit = 100): Promise<AuditRow[]> {
  return db.select().from(auditLog).orderBy(desc(auditLog.id)).limit(limit);
}

/** Newest first; `beforeId` pages back through older entries. */
export async function queryAudit(
  db: Db,
  query: { limit: number; entity?: string; entityId?: string; actor?: string; beforeId?: number },
): Promise<AuditRow[]> {
  const conditions = [
    ...(query.entity === undefined ? [] : [eq(auditLog.entity, query.entity)]),
    ...(query.entityId === undefined ? [] : [eq(auditLog.entityId, query.entityId)]),
    ...(query.actor === undefined ? [] : [eq(auditLog.actor, query.actor)]),
    ...(query.beforeId === undefined ? [] : [lt(auditLog.id, query.beforeId)]),
  ];
  return db
    .select()
    .from(auditLog)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(auditLog.id))
    .limit(query.limit);
}
