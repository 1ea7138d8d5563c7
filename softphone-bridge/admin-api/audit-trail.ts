/**
 * Every change made through the admin API is written to the audit log in the same transaction as the
 * change itself: who (login), what (action, entity, id), and the entity before and after. Views passed
 * here never carry password hashes.
 */
import { atomically, writeAudit, type Db } from '../../store/index.js';

export interface AuditedChange<T> {
  id: string | number;
  before?: unknown;
  after?: unknown;
  result: T;
}

/** Runs `change` and writes its audit entry in one transaction (given a transaction handle: as part of it). */
export function audited<T>(
  db: Db,
  actor: string,
  entity: string,
  action: string,
  change: (tx: Db) => AuditedChange<T> | Promise<AuditedChange<T>>,
): Promise<T> {
  return atomically(db, async (tx) => {
    const done = await change(tx);
    await writeAudit(tx, { actor, action, entity, entityId: done.id, before: done.before ?? null, after: done.after ?? null });
    return done.result;
  });
}
