import { nowIso } from '../clock.js';
import { and, asc, eq, gt, gte, isNull, lt, sql } from 'drizzle-orm';
import type { Db } from '../db.js';
import { dialectOf } from '../dialect.js';
import { atomically } from '../durability.js';
import { first } from '../prepared.js';
import { callRecordings, calls, kpiDaily, missedCalls, routes, ticketEvents, tickets } from '../schema.js';

export type CallStatRow = Pick<typeof calls.$inferSelect, 'arrivedAt' | 'answeredAt' | 'endedAt' | 'waitMs' | 'outcome' | 'dialledNumber' | 'agentId' | 'direction'>;

/** One call with what the KPIs need from its ticket and history. */
export interface CallFacts extends CallStatRow {
  /** The call's key (calls.linked_id): its offers are found by it. */
  linkedId: string;
  callerNumber: string;
  skill: string | null;
  hotline: string | null;
  satisfaction: string | null;
  ticketStatus: string | null;
  dueAt: string | null;
  transfers: number;
  conferences: number;
  /** Knowledge base entries linked to the call's ticket (知识库解答). */
  knowledgeLinks: number;
  /** Calls in from the same number in the 24 hours before this one (not those turned away as blacklisted). */
  earlierCalls: number;
  /** Its entry on the missed-call list (pending, done = called back, unreachable, got-through = answered on a later call, not called back), if any. */
  missedStatus: string | null;
}

/**
 * The calls that arrived in [fromIso, toIso) with their ticket's evaluation and deadline and their
 * transfer/three-way counts: the raw material of every KPI (no counters that drift).
 */
export async function listCallFactsBetween(db: Db, fromIso: string, toIso: string): Promise<CallFacts[]> {
  const countEvents = (kinds: string[]) =>
    sql<number>`(select count(*) from ${ticketEvents} where ${ticketEvents.ticketId} = ${tickets.id} and ${ticketEvents.kind} in (${sql.join(
      kinds.map((k) => sql`${k}`),
      sql`, `,
    )}))`.mapWith(Number);
  // The arrival a day before this one, as the same ISO-8601 text the column holds.
  const dayBefore =
    dialectOf(db) === 'postgres'
      ? sql`to_char((${calls.arrivedAt}::timestamptz - interval '1 day') at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`
      : sql`strftime('%Y-%m-%dT%H:%M:%fZ', ${calls.arrivedAt}, '-1 day')`;
  const earlier = db
    .select({ n: sql<number>`count(*)` })
    .from(sql`${calls} as prior`)
    // Calls in only: the centre calling the number (a callback, a click-to-call) is not the citizen calling
    // before; nor is a call turned away as blacklisted (outside the KPIs, never served).
    .where(
      sql`prior.caller_number = ${calls.callerNumber} and prior.direction = 'inbound' and prior.arrived_at < ${calls.arrivedAt} and prior.arrived_at >= ${dayBefore} and prior.outcome <> 'blocked'`,
    );
  return db
    .select({
      linkedId: calls.linkedId,
      arrivedAt: calls.arrivedAt,
      answeredAt: calls.answeredAt,
      endedAt: calls.endedAt,
      waitMs: calls.waitMs,
      outcome: calls.outcome,
      direction: calls.direction,
      dialledNumber: calls.dialledNumber,
      agentId: calls.agentId,
      callerNumber: calls.callerNumber,
      skill: calls.skill,
      // An outbound call under an earlier ticket (a 回拨) has no ticket of its own: its route names the hotline.
      hotline: sql<string | null>`coalesce(${tickets.hotline}, ${routes.name})`,
      satisfaction: tickets.satisfaction,
      ticketStatus: tickets.status,
      dueAt: tickets.dueAt,
      transfers: countEvents(['transferred']),
      conferences: countEvents(['conference']),
      knowledgeLinks: countEvents(['knowledge-linked']),
      earlierCalls: sql<number>`(${earlier})`.mapWith(Number),
      missedStatus: sql<string | null>`(select ${missedCalls.status} from ${missedCalls} where ${missedCalls.callId} = ${calls.id})`,
    })
    .from(calls)
    .leftJoin(tickets, eq(tickets.callKey, calls.linkedId))
    .leftJoin(routes, eq(routes.id, calls.routeId))
    .where(and(gte(calls.arrivedAt, fromIso), lt(calls.arrivedAt, toIso)))
    .orderBy(asc(calls.arrivedAt));
}

/**
 * How many calls arrived in [fromIso, toIso), and how many of them have not ended: what a day's KPI
 * roll-up is made from, so that it can tell when that changed (a call ended, calls were imported).
 */
export async function countCallsBetween(db: Db, fromIso: string, toIso: string): Promise<{ calls: number; open: number }> {
  const row = first(
    await db
      .select({ calls: sql<number>`count(*)`.mapWith(Number), open: sql<number>`count(*) - count(${calls.endedAt})`.mapWith(Number) })
      .from(calls)
      .where(and(gte(calls.arrivedAt, fromIso), lt(calls.arrivedAt, toIso))),
  );
  return { calls: row?.calls ?? 0, open: row?.open ?? 0 };
}

/** Replaces a day's rolled-up KPIs (idempotent: running the roll-up twice gives the same rows). */
export async function putDailyKpis(db: Db, date: string, grouping: string, rows: { key: string; figures: unknown }[]): Promise<void> {
  const computedAt = nowIso(db);
  await atomically(db, async (tx) => {
    await tx.delete(kpiDaily).where(and(eq(kpiDaily.date, date), eq(kpiDaily.grouping, grouping)));
    for (const row of rows) await tx.insert(kpiDaily).values({ date, grouping, key: row.key, figures: row.figures, computedAt });
  });
}

export async function rolledUpDates(db: Db, sinceDate: string): Promise<Set<string>> {
  const rows = await db.selectDistinct({ date: kpiDaily.date }).from(kpiDaily).where(gte(kpiDaily.date, sinceDate));
  return new Set(rows.map((r) => r.date));
}

export async function listDailyKpis(db: Db, date: string, grouping: string): Promise<{ key: string; figures: unknown }[]> {
  return db.select({ key: kpiDaily.key, figures: kpiDaily.figures }).from(kpiDaily).where(and(eq(kpiDaily.date, date), eq(kpiDaily.grouping, grouping)));
}

/**
 * Recordings (every one of each call) of calls that arrived before `beforeIso` and are still on the PBX,
 * a page of `limit` at a time: the ones after the recording `afterId` (0: from the first).
 */
export async function listRecordingsOlderThan(
  db: Db,
  beforeIso: string,
  limit = 500,
  afterId = 0,
): Promise<{ recordingId: number; linkedId: string; recording: string; node: string | null }[]> {
  return db
    .select({ recordingId: callRecordings.id, linkedId: calls.linkedId, recording: callRecordings.name, node: calls.node })
    .from(callRecordings)
    .innerJoin(calls, eq(calls.id, callRecordings.callId))
    .where(and(lt(calls.arrivedAt, beforeIso), isNull(callRecordings.deletedAt), gt(callRecordings.id, afterId)))
    .orderBy(asc(callRecordings.id))
    .limit(limit);
}

/** One recording gone from the PBX; the call's `recordingDeletedAt` is set once none of its recordings is left. */
export async function markRecordingDeleted(db: Db, recordingId: number, at: Date): Promise<void> {
  await atomically(db, async (tx) => {
    const done = first(
      await tx.update(callRecordings).set({ deletedAt: at.toISOString() }).where(eq(callRecordings.id, recordingId)).returning({ callId: callRecordings.callId }),
    );
    if (!done) return;
    const left = first(
      await tx
        .select({ id: callRecordings.id })
        .from(callRecordings)
        .where(and(eq(callRecordings.callId, done.callId), isNull(callRecordings.deletedAt)))
        .limit(1),
    );
    if (!left) await tx.update(calls).set({ recordingDeletedAt: at.toISOString() }).where(eq(calls.id, done.callId));
  });
}
