import { and, asc, eq, gte, lt, sql } from 'drizzle-orm';
import type { Db } from '../db.js';
import { calls, ticketEvents, tickets } from '../schema.js';

export type CallStatRow = Pick<typeof calls.$inferSelect, 'arrivedAt' | 'answeredAt' | 'endedAt' | 'waitMs' | 'outcome' | 'dialledNumber' | 'agentId'>;

/** One call with what the KPIs need from its ticket and history. */
export interface CallFacts extends CallStatRow {
  callerNumber: string;
  skill: string | null;
  hotline: string | null;
  satisfaction: string | null;
  ticketStatus: string | null;
  dueAt: string | null;
  transfers: number;
  conferences: number;
  /** Calls from the same number in the 24 hours before this one. */
  earlierCalls: number;
}

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

/** The calls of [fromIso, toIso) with their ticket's evaluation and deadline, and transfer/three-way counts. */
export function listCallFactsBetween(db: Db, fromIso: string, toIso: string): CallFacts[] {
  const countEvents = (kinds: string[]) =>
    sql<number>`(select count(*) from ${ticketEvents} where ${ticketEvents.ticketId} = ${tickets.id} and ${ticketEvents.kind} in (${sql.join(
      kinds.map((k) => sql`${k}`),
      sql`, `,
    )}))`;
  const earlier = db
    .select({ n: sql<number>`count(*)` })
    .from(sql`${calls} as prior`)
    .where(sql`prior.caller_number = ${calls.callerNumber} and prior.arrived_at < ${calls.arrivedAt} and prior.arrived_at >= strftime('%Y-%m-%dT%H:%M:%fZ', ${calls.arrivedAt}, '-1 day')`);
  return db
    .select({
      arrivedAt: calls.arrivedAt,
      answeredAt: calls.answeredAt,
      endedAt: calls.endedAt,
      waitMs: calls.waitMs,
      outcome: calls.outcome,
      dialledNumber: calls.dialledNumber,
      agentId: calls.agentId,
      callerNumber: calls.callerNumber,
      skill: calls.skill,
      hotline: tickets.hotline,
      satisfaction: tickets.satisfaction,
      ticketStatus: tickets.status,
      dueAt: tickets.dueAt,
      transfers: countEvents(['transferred']),
      conferences: countEvents(['conference']),
      earlierCalls: sql<number>`(${earlier})`,
    })
    .from(calls)
    .leftJoin(tickets, eq(tickets.callKey, calls.linkedId))
    .where(and(gte(calls.arrivedAt, fromIso), lt(calls.arrivedAt, toIso)))
    .orderBy(asc(calls.arrivedAt))
    .all();
}
