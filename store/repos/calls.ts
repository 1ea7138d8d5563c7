import { and, asc, count, eq, gte, isNull, ne, sql } from 'drizzle-orm';
import type { Db } from '../db.js';
import { dialectOf } from '../dialect.js';
import { atomically, progressWrite } from '../durability.js';
import { first, param, statement } from '../prepared.js';
import { callRecordings, calls, skills, type CallDirection, type CallOutcome } from '../schema.js';
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
  /** The Asterisk node the call is on. */
  node?: string | null;
}

/**
 * Records a call's arrival. Idempotent on the Asterisk linkedid: an event delivered twice (or a
 * reconnect that replays a channel) returns the existing row with `created: false`. Two arrivals of
 * the same call at once (PostgreSQL runs transactions side by side) insert one row: the second finds
 * the first's.
 */
export async function recordCallArrival(db: Db, arrival: CallArrival): Promise<{ call: CallRow; created: boolean }> {
  return atomically(db, async (tx) => {
    // Inserted first: a repeat is the rare case, and the unique linkedid turns it into no row here.
    const call = first(
      await statement(tx, 'call-insert', (d) =>
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
            node: sql.placeholder('node'),
          })
          .onConflictDoNothing({ target: calls.linkedId })
          .returning(),
      ).execute({
        ...arrival,
        // A placeholder's value reaches the database as given: SQLite's boolean column takes 0/1 by hand.
        duringOutage: dialectOf(tx) === 'postgres' ? arrival.duringOutage === true : arrival.duringOutage ? 1 : 0,
        direction: arrival.direction ?? 'inbound',
        node: arrival.node ?? null,
      }),
    );
    if (!call) {
      const written = await findCallByLinkedId(tx, arrival.linkedId);
      if (!written) throw new Error(`the call row for ${arrival.linkedId} was not written`);
      return { call: written, created: false };
    }
    return { call, created: true };
  });
}

export async function findCallByLinkedId(db: Db, linkedId: string): Promise<CallRow | undefined> {
  return first(await statement(db, 'call-by-linked-id', (d) => d.select().from(calls).where(eq(calls.linkedId, sql.placeholder('linkedId')))).execute({ linkedId }));
}

export async function markCallAnswered(
  db: Db,
  linkedId: string,
  answer: {
    agentId: number | null;
    at: string;
    waitMs: number;
    recording: string | null;
    /** The ticket the call runs under (a callback's is the missed call's, not one its linkedId opened); absent: the call's own. */
    ticketId?: number | null;
  },
): Promise<void> {
  await progressWrite(db, async (tx) => {
    // An answer after the caller was put back in line (a transfer to a skill, a refused hand-over,
    // the agent's line lost) keeps the FIRST answer's time and wait: the call was answered once, and
    // its wait is the one before that answer (README, KPIs). The agent is the one the caller is with
    // now (a restarted server gives the call back to them), the recording the latest (all are listed).
    await statement(tx, 'call-answered', (d) =>
      d
        .update(calls)
        .set({
          answeredAt: sql`coalesce(${calls.answeredAt}, ${sql.placeholder('at')})`,
          agentId: param('agentId'),
          outcome: 'answered',
          waitMs: sql`case when ${calls.answeredAt} is null then ${sql.placeholder('waitMs')} else ${calls.waitMs} end`,
          recording: param('recording'),
        })
        .where(eq(calls.linkedId, sql.placeholder('linkedId'))),
    ).execute({ agentId: answer.agentId, at: answer.at, waitMs: answer.waitMs, recording: answer.recording, linkedId });
    if (answer.recording !== null) await addCallRecording(tx, linkedId, { name: answer.recording, startedAt: answer.at, agentId: answer.agentId, ticketId: answer.ticketId ?? null });
  });
}

/** A recording as it starts: who answered, and the ticket the call runs under (null: the call's own, found by its linkedId). */
export interface NewCallRecording {
  name: string;
  startedAt: string;
  agentId: number | null;
  ticketId: number | null;
}

/**
 * Keeps a recording of the call among all of its recordings (an answer after the caller was put back
 * in line is recorded anew; the earlier one stays listed), with the agent who answered and the ticket
 * it belongs to, so that the ticket lists it (ticket-recordings.ts). Inside the caller's transaction;
 * a name already listed (the same answer written again) is left as it is.
 */
export async function addCallRecording(db: Db, linkedId: string, recording: NewCallRecording): Promise<void> {
  const call = first(await db.select({ id: calls.id }).from(calls).where(eq(calls.linkedId, linkedId)).limit(1));
  if (!call) return;
  await db.insert(callRecordings).values({ callId: call.id, ...recording }).onConflictDoNothing();
}

/** Persists the call model's state (every transition). */
export async function setCallState(db: Db, linkedId: string, state: string): Promise<void> {
  await progressWrite(db, async (tx) => {
    await statement(tx, 'call-state', (d) =>
      d
        .update(calls)
        .set({ state: param('state') })
        .where(eq(calls.linkedId, sql.placeholder('linkedId'))),
    ).execute({ state, linkedId });
  });
}

export async function setCallIvrSteps(db: Db, linkedId: string, steps: unknown[]): Promise<void> {
  await progressWrite(db, async (tx) => {
    await tx.update(calls).set({ ivrSteps: steps }).where(eq(calls.linkedId, linkedId));
  });
}

export async function markCallEnded(
  db: Db,
  linkedId: string,
  end: { outcome: CallOutcome; hangupCause: number | null; at: string; waitMs?: number },
): Promise<void> {
  await progressWrite(db, async (tx) => {
    // A wait measured at the end replaces the one recorded so far; none given keeps it.
    await statement(tx, 'call-ended', (d) =>
      d
        .update(calls)
        .set({
          endedAt: param('at'),
          outcome: param('outcome'),
          hangupCause: param('hangupCause'),
          state: 'ended',
          waitMs: sql`coalesce(${sql.placeholder('waitMs')}, ${calls.waitMs})`,
        })
        .where(eq(calls.linkedId, sql.placeholder('linkedId'))),
    ).execute({ at: end.at, outcome: end.outcome, hangupCause: end.hangupCause, waitMs: end.waitMs ?? null, linkedId });
  });
}

/**
 * A blacklisted caller turned away: the row is `blocked` from the moment the notice starts, not only
 * once it has ended, so that what counts the citizens' calls (the KPIs, the wallboard) never counts it
 * as a call in progress. A call ended meanwhile keeps its end.
 */
export async function markCallBlocked(db: Db, linkedId: string): Promise<void> {
  await progressWrite(db, async (tx) => {
    await tx
      .update(calls)
      .set({ outcome: 'blocked' })
      .where(and(eq(calls.linkedId, linkedId), isNull(calls.endedAt)));
  });
}

/** Ends a call still open (`ended_at` not set): one ended meanwhile (e.g. completed by the outage import) keeps its end. */
export async function closeCallIfOpen(db: Db, linkedId: string, end: { outcome: CallOutcome; at: string }): Promise<void> {
  await db
    .update(calls)
    .set({ endedAt: end.at, outcome: end.outcome, state: 'ended' })
    .where(and(eq(calls.linkedId, linkedId), isNull(calls.endedAt)));
}

/**
 * Ends a call and, when `missed` is given (a caller the centre did not serve), puts the number on the
 * missed-call callback list — in one transaction, so that a crash in between cannot leave an
 * abandoned call off the list. `missed.ticketId` is the ticket the call ran under (a callback's is
 * not the one its row's linkedId opened).
 */
export async function endCall(
  db: Db,
  linkedId: string,
  end: { outcome: CallOutcome; hangupCause: number | null; at: string; waitMs?: number },
  missed: { callRowId: number; callerNumber: string; dialledNumber: string; waitMs: number; ticketId?: number | null } | null,
): Promise<void> {
  await progressWrite(db, async (tx) => {
    await markCallEnded(tx, linkedId, end);
    if (missed) {
      const { callRowId, ...entry } = missed;
      await recordMissedCall(tx, { callId: callRowId, ...entry, at: end.at });
    }
  });
}

/**
 * How many calls a number made since `sinceIso`, for the repeat-call policy: calls in only (the
 * centre calling the citizen back, or by click-to-call, is not the citizen calling), and not those
 * turned away as blacklisted (never served: a number taken off the blacklist is no repeat caller for them).
 */
export async function countCallsFromSince(db: Db, callerNumber: string, sinceIso: string): Promise<number> {
  const row = first(
    await statement(db, 'calls-from-since', (d) =>
      d
        .select({ n: count() })
        .from(calls)
        .where(
          and(
            eq(calls.callerNumber, sql.placeholder('callerNumber')),
            eq(calls.direction, 'inbound'),
            gte(calls.arrivedAt, sql.placeholder('sinceIso')),
            ne(calls.outcome, 'blocked'),
          ),
        ),
    ).execute({ callerNumber, sinceIso }),
  );
  return row?.n ?? 0;
}

export async function setCallSkill(db: Db, linkedId: string, skill: string): Promise<void> {
  await progressWrite(db, async (tx) => {
    await tx.update(calls).set({ skill }).where(eq(calls.linkedId, linkedId));
  });
}

/**
 * The agent the caller is with now: a colleague a transfer or three-way call handed the caller to.
 * The answer (time, wait, recording) stays the first agent's; a restarted server reads this to give
 * the call back to whoever has it.
 */
export async function setCallAgent(db: Db, linkedId: string, agentId: number): Promise<void> {
  await progressWrite(db, async (tx) => {
    await tx.update(calls).set({ agentId }).where(eq(calls.linkedId, linkedId));
  });
}

export async function findCallById(db: Db, id: number): Promise<CallRow | undefined> {
  return first(await db.select().from(calls).where(eq(calls.id, id)).limit(1));
}

/** The skill a caller waits for: its id, and its code as the caller read it (a code alone: written as given). */
export type QueuedSkill = string | { id: number; code: string };

/**
 * Marks the caller as waiting (state `queued`) in `skill`'s queue since `queuedAt` (their place in
 * line), their present wait having begun at `waitingSince` (later than `queuedAt` for a caller put
 * back at their old place; schema.ts, `waitingSince`), by default their place in line.
 *
 * The row names the skill by its code as it is when this lands, read by the skill's id in the same
 * statement (a primary-key lookup): the write may land long after the caller read the code (it waits
 * behind the call's earlier writes, or for the database to take it again), and a rename committed
 * meanwhile rewrote only the rows already naming the old code (updateSkill). A skill gone meanwhile
 * leaves the code the caller read.
 */
export async function setCallQueued(db: Db, linkedId: string, skill: QueuedSkill, queuedAt: string, waitingSince = queuedAt): Promise<void> {
  const { id: skillId, code } = typeof skill === 'string' ? { id: null, code: skill } : skill;
  await progressWrite(db, async (tx) => {
    await statement(tx, 'call-queued', (d) =>
      d
        .update(calls)
        .set({
          state: 'queued',
          skill: sql`coalesce((select ${skills.code} from ${skills} where ${skills.id} = ${sql.placeholder('skillId')}), ${sql.placeholder('skill')})`,
          queuedAt: param('queuedAt'),
          waitingSince: param('waitingSince'),
        })
        .where(eq(calls.linkedId, sql.placeholder('linkedId'))),
    ).execute({ skillId, skill: code, queuedAt, waitingSince, linkedId });
  });
}

/** Calls not yet ended (no end time), oldest first: what a restarted server must account for. */
export async function listOpenCalls(db: Db): Promise<CallRow[]> {
  return db.select().from(calls).where(isNull(calls.endedAt)).orderBy(asc(calls.arrivedAt), asc(calls.id));
}

/** What an outage import knows of a call's end (it never went through the call model). */
export async function completeImportedCall(
  db: Db,
  linkedId: string,
  end: { outcome: CallOutcome; agentId: number | null; answeredAt: string | null; endedAt: string; waitMs: number | null; recording: string | null },
): Promise<void> {
  await atomically(db, async (tx) => {
    await tx
      .update(calls)
      .set({ outcome: end.outcome, agentId: end.agentId, answeredAt: end.answeredAt, endedAt: end.endedAt, waitMs: end.waitMs, recording: end.recording, state: 'ended', duringOutage: true })
      .where(eq(calls.linkedId, linkedId));
    // An imported call is an inbound call under its own ticket (found by its linkedId).
    if (end.recording !== null) await addCallRecording(tx, linkedId, { name: end.recording, startedAt: end.answeredAt ?? end.endedAt, agentId: end.agentId, ticketId: null });
  });
}
