import { and, asc, count, eq, gte, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db.js';
import { atomicallySync, progressWriteSync } from '../durability.js';
import { param, prepared } from '../prepared.js';
import { calls, type CallDirection, type CallOutcome } from '../schema.js';
import { recordMissedCall } from './missed-calls.js';

export type CallRow = typeof calls.$inferSelect;

export interface CallArrival {
  linkedId: string;
  channelId: string;
  channelName: string;
  callerNumber: string;
  dialledNumber: string;
  routeId: number | null;
  arrivedAt: string;
  /** Served by the dialplan's survival path while the server was down, imported afterwards. */
  duringOutage?: boolean;
  /** `outbound` when the centre placed the call (click-to-call, missed-call callback). */
  direction?: CallDirection;
}

/**
 * Records a call's arrival. Idempotent on the Asterisk linkedid: an event delivered twice (or a
 * reconnect that replays a channel) returns the existing row with `created: false`.
 */
export function recordCallArrival(db: Db, arrival: CallArrival): { call: CallRow; created: boolean } {
  return atomicallySync(db, () => {
    const existing = findCallByLinkedId(db, arrival.linkedId);
    if (existing) return { call: existing, created: false };
    const call = prepared(db, 'call-insert', (d) =>
      d
        .insert(calls)
        .values({
          linkedId: sql.placeholder('linkedId'),
          channelId: sql.placeholder('channelId'),
          channelName: sql.placeholder('channelName'),
          callerNumber: sql.placeholder('callerNumber'),
          dialledNumber: sql.placeholder('dialledNumber'),
          routeId: sql.placeholder('routeId'),
          arrivedAt: sql.placeholder('arrivedAt'),
          duringOutage: sql.placeholder('duringOutage'),
          direction: sql.placeholder('direction'),
        })
        .returning()
        .prepare(),
    ).get({
      ...arrival,
      // A placeholder's value reaches SQLite as given: the boolean column's 0/1 by hand.
      duringOutage: arrival.duringOutage ? 1 : 0,
      direction: arrival.direction ?? 'inbound',
    });
    if (!call) throw new Error(`the call row for ${arrival.linkedId} was not written`);
    return { call, created: true };
  });
}

export function findCallByLinkedId(db: Db, linkedId: string): CallRow | undefined {
  return prepared(db, 'call-by-linked-id', (d) => d.select().from(calls).where(eq(calls.linkedId, sql.placeholder('linkedId'))).prepare()).get({ linkedId });
}

export function markCallAnswered(
  db: Db,
  linkedId: string,
  answer: { agentId: number | null; at: string; waitMs: number; recording: string | null },
): void {
  progressWriteSync(db, () => {
    prepared(db, 'call-answered', (d) =>
      d
        .update(calls)
        .set({
          answeredAt: param('at'),
          agentId: param('agentId'),
          outcome: 'answered',
          waitMs: param('waitMs'),
          recording: param('recording'),
        })
        .where(eq(calls.linkedId, sql.placeholder('linkedId')))
        .prepare(),
    ).run({ ...answer, linkedId });
  });
}

/** Persists the call model's state (every transition). */
export function setCallState(db: Db, linkedId: string, state: string): void {
  progressWriteSync(db, () => {
    prepared(db, 'call-state', (d) =>
      d
        .update(calls)
        .set({ state: param('state') })
        .where(eq(calls.linkedId, sql.placeholder('linkedId')))
        .prepare(),
    ).run({ state, linkedId });
  });
}

export function setCallIvrSteps(db: Db, linkedId: string, steps: unknown[]): void {
  progressWriteSync(db, () => {
    db.update(calls).set({ ivrSteps: steps }).where(eq(calls.linkedId, linkedId)).run();
  });
}

export function markCallEnded(
  db: Db,
  linkedId: string,
  end: { outcome: CallOutcome; hangupCause: number | null; at: string; waitMs?: number },
): void {
  // A wait measured at the end replaces the one recorded so far; none given keeps it.
  prepared(db, 'call-ended', (d) =>
    d
      .update(calls)
      .set({
        endedAt: param('at'),
        outcome: param('outcome'),
        hangupCause: param('hangupCause'),
        state: 'ended',
        waitMs: sql`coalesce(${sql.placeholder('waitMs')}, ${calls.waitMs})`,
      })
      .where(eq(calls.linkedId, sql.placeholder('linkedId')))
      .prepare(),
  ).run({ at: end.at, outcome: end.outcome, hangupCause: end.hangupCause, waitMs: end.waitMs ?? null, linkedId });
}

/**
 * Ends a call and, when `missed` is given (a caller the centre did not serve), puts the number on the
 * missed-call callback list — in one transaction, so that a crash in between cannot leave an
 * abandoned call off the list.
 */
export function endCall(
  db: Db,
  linkedId: string,
  end: { outcome: CallOutcome; hangupCause: number | null; at: string; waitMs?: number },
  missed: { callRowId: number; callerNumber: string; dialledNumber: string; waitMs: number } | null,
): void {
  progressWriteSync(db, () => {
    markCallEnded(db, linkedId, end);
    if (missed) {
      const { callRowId, ...entry } = missed;
      recordMissedCall(db, { callId: callRowId, ...entry, at: end.at });
    }
  });
}

/** How many calls a number made since `sinceIso`, for the repeat-call policy. */
export function countCallsFromSince(db: Db, callerNumber: string, sinceIso: string): number {
  return (
    prepared(db, 'calls-from-since', (d) =>
      d
        .select({ n: count() })
        .from(calls)
        .where(and(eq(calls.callerNumber, sql.placeholder('callerNumber')), gte(calls.arrivedAt, sql.placeholder('sinceIso'))))
        .prepare(),
    ).get({ callerNumber, sinceIso })?.n ?? 0
  );
}

export function setCallSkill(db: Db, linkedId: string, skill: string): void {
  db.update(calls).set({ skill }).where(eq(calls.linkedId, linkedId)).run();
}

export function findCallById(db: Db, id: number): CallRow | undefined {
  return db.select().from(calls).where(eq(calls.id, id)).get();
}

/** Marks the caller as waiting in `skill`'s queue since `queuedAt` (their place in line). */
export function setCallQueued(db: Db, linkedId: string, skill: string, queuedAt: string): void {
  progressWriteSync(db, () => {
    prepared(db, 'call-queued', (d) =>
      d
        .update(calls)
        .set({ skill: param('skill'), queuedAt: param('queuedAt') })
        .where(eq(calls.linkedId, sql.placeholder('linkedId')))
        .prepare(),
    ).run({ skill, queuedAt, linkedId });
  });
}

/** Calls not yet ended (no end time), oldest first: what a restarted server must account for. */
export function listOpenCalls(db: Db): CallRow[] {
  return db.select().from(calls).where(isNull(calls.endedAt)).orderBy(asc(calls.arrivedAt), asc(calls.id)).all();
}

/** What an outage import knows of a call's end (it never went through the call model). */
export function completeImportedCall(
  db: Db,
  linkedId: string,
  end: { outcome: CallOutcome; agentId: number | null; answeredAt: string | null; endedAt: string; waitMs: number | null; recording: string | null },
): void {
  db.update(calls)
    .set({ outcome: end.outcome, agentId: end.agentId, answeredAt: end.answeredAt, endedAt: end.endedAt, waitMs: end.waitMs, recording: end.recording, state: 'ended' })
    .where(eq(calls.linkedId, linkedId))
    .run();
}
