import { and, asc, gte, lt } from 'drizzle-orm';
import type { Db } from '../db.js';
import { calls } from '../schema.js';

export type CallStatRow = Pick<typeof calls.$inferSelect, 'arrivedAt' | 'answeredAt' | 'endedAt' | 'waitMs' | 'outcome' | 'dialledNumber' | 'agentId'>;

/** The calls that arrived in [fromIso, toIso): the raw material of every KPI (no counters that drift). */
export function listCallsArrivedBetween(db: Db, fromIso: string, toIso: string): CallStatRow[] {
  return db
    .select({
      arrivedAt: calls.arrivedAt,
      answeredAt: calls.answeredAt,
      endedAt: calls.endedAt,
      waitMs: calls.waitMs,
      outcome: calls.outcome,
      dialledNumber: calls.dialledNumber,
      agentId: calls.agentId,
    })
    .from(calls)
    .where(and(gte(calls.arrivedAt, fromIso), lt(calls.arrivedAt, toIso)))
    .orderBy(asc(calls.arrivedAt))
    .all();
}
