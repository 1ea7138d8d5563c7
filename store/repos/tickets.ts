import { nowIso, clockOf } from '../clock.js';
import { and, asc, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { Db } from '../db.js';
import { atomically } from '../durability.js';
import { changedRows, first, fixedLimit, statement } from '../prepared.js';
import { calls, ticketEvents, tickets, ticketSequences, type TicketCategory, type TicketDisposition, type TicketStatus, type TicketUrgency } from '../schema.js';
import { shanghaiDay } from '../time.js';

export type TicketRow = typeof tickets.$inferSelect;
export type TicketEventRow = typeof ticketEvents.$inferSelect;

export interface TicketForCall {
  /** The call's Asterisk linkedid. */
  callKey: string;
  callId: number | null;
  callerNumber: string;
  dialledNumber: string;
  routeId: number | null;
  hotline: string;
  at: Date;
  /**
   * The call's row was created in this same transaction: no ticket can carry its key yet, so the
   * look-up for a redelivered arrival is skipped (a conflict on the key would still be handled).
   */
  newCall?: boolean;
}

/** yyMMdd + a 4-digit sequence of the Shanghai day (more digits past 9999 calls a day). */
async function nextTicketNumber(db: Db, at: Date): Promise<{ day: string; last: number; number: string }> {
  const day = shanghaiDay(at).replaceAll('-', '').slice(2);
  const row = first(
    await statement(db, 'next-ticket-sequence', (d) =>
      d
        .insert(ticketSequences)
        .values({ day: sql.placeholder('day'), last: 1 })
        .onConflictDoUpdate({ target: ticketSequences.day, set: { last: sql`${ticketSequences.last} + 1` } })
        .returning({ last: ticketSequences.last }),
    ).execute({ day }),
  );
  if (!row) throw new Error(`no ticket sequence for ${day}`);
  return { day, last: row.last, number: `${day}${String(row.last).padStart(4, '0')}` };
}

/**
 * Opens the ticket for a call, or returns the one it already has. The unique call key makes a second
 * delivery of the same arrival (or a race between two processes) harmless: one call, one ticket.
 * The write is committed (synchronous=FULL) when this returns.
 */
export async function openTicketForCall(db: Db, input: TicketForCall): Promise<{ ticket: TicketRow; created: boolean }> {
  return atomically(db, async (tx) => {
    // The usual repeat (a redelivered arrival) is found here and draws no number.
    const existing = input.newCall ? undefined : await findTicketByCallKey(tx, input.callKey);
    if (existing) return { ticket: existing, created: false };
    const at = input.at.toISOString();
    const drawn = await nextTicketNumber(tx, input.at);
    const ticket = first(
      await statement(tx, 'ticket-insert-for-call', (d) =>
        d
          .insert(tickets)
          .values({
            number: sql.placeholder('number'),
            callKey: sql.placeholder('callKey'),
            callId: sql.placeholder('callId'),
            callerNumber: sql.placeholder('callerNumber'),
            dialledNumber: sql.placeholder('dialledNumber'),
            routeId: sql.placeholder('routeId'),
            hotline: sql.placeholder('hotline'),
            status: 'accepted',
            createdAt: sql.placeholder('at'),
            updatedAt: sql.placeholder('at'),
          })
          .onConflictDoNothing({ target: tickets.callKey })
          .returning(),
      ).execute({ ...input, number: drawn.number, at }),
    );
    if (!ticket) {
      // Another transaction opened the call's ticket after the look-up above (PostgreSQL; SQLite's
      // transactions take turns): the unique call key kept it to one, and that one is the call's. The
      // number drawn goes back — this transaction still holds the day's sequence row, so nobody drew a
      // later one — and the day's numbers stay without gaps.
      await tx
        .update(ticketSequences)
        .set({ last: drawn.last - 1 })
        .where(and(eq(ticketSequences.day, drawn.day), eq(ticketSequences.last, drawn.last)));
      const theirs = await findTicketByCallKey(tx, input.callKey);
      if (!theirs) throw new Error(`the ticket for call ${input.callKey} was not written`);
      return { ticket: theirs, created: false };
    }
    await statement(tx, 'ticket-event-created', (d) =>
      d
        .insert(ticketEvents)
        .values({ ticketId: sql.placeholder('ticketId'), at: sql.placeholder('at'), actor: 'system', kind: 'created', toStatus: 'accepted', note: '来电受理' }),
    ).execute({ ticketId: ticket.id, at });
    return { ticket, created: true };
  });
}

export async function findTicketByNumber(db: Db, number: string): Promise<TicketRow | undefined> {
  return first(await db.select().from(tickets).where(eq(tickets.number, number)).limit(1));
}

export async function findTicketByCallKey(db: Db, callKey: string): Promise<TicketRow | undefined> {
  return first(
    await statement(db, 'ticket-by-call-key', (d) => d.select().from(tickets).where(eq(tickets.callKey, sql.placeholder('callKey')))).execute({ callKey }),
  );
}

/**
 * A caller's earlier tickets, newest first (screen-pop history, progress query). Prepared: every
 * arriving call reads its caller's. The tickets of calls turned away as blacklisted are left out: the
 * number was not served then, and those calls make nobody a repeat caller (nor do they for the
 * repeat-call warning and the KPIs).
 */
export async function listTicketsOfCaller(db: Db, callerNumber: string, limit = 20): Promise<TicketRow[]> {
  return statement(db, `tickets-of-caller-${limit}`, (d) =>
    d
      .select()
      .from(tickets)
      .where(
        and(
          eq(tickets.callerNumber, sql.placeholder('callerNumber')),
          sql`not exists (select 1 from ${calls} where ${calls.id} = ${tickets.callId} and ${calls.outcome} = 'blocked')`,
        ),
      )
      .orderBy(desc(tickets.createdAt), desc(tickets.id))
      .limit(fixedLimit(limit)),
  ).execute({ callerNumber });
}

export async function ticketHistory(db: Db, ticketId: number): Promise<TicketEventRow[]> {
  return db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, ticketId)).orderBy(asc(ticketEvents.id));
}

export interface StatusChange {
  ticketId: number;
  from: TicketStatus;
  to: TicketStatus;
  actor: string;
  kind: string;
  note?: string;
  at: Date;
  /** Other fields that change with the move (deadlines, dispatch time, evaluation; a redo's new round). */
  set?: Partial<
    Pick<
      TicketRow,
      | 'dispatchDueAt'
      | 'dueAt'
      | 'dispatchedAt'
      | 'satisfaction'
      | 'supervisedAt'
      | 'extensions'
      | 'deadlineFrom'
      | 'dueOverride'
      | 'dueReason'
      | 'deadlineWatchLevel'
      | 'deadlineWatchDueAt'
    >
  >;
}

/**
 * Moves a ticket from one status to another and appends the event, atomically. Returns false (and
 * changes nothing) when the ticket is no longer in `from` — the caller decides what that means.
 * Which moves are legal is decided above the store.
 */
export async function changeTicketStatus(db: Db, change: StatusChange): Promise<boolean> {
  return atomically(db, async (tx) => {
    const at = change.at.toISOString();
    const result = await tx
      .update(tickets)
      .set({ ...change.set, status: change.to, updatedAt: at })
      .where(and(eq(tickets.id, change.ticketId), eq(tickets.status, change.from)));
    if (changedRows(result) !== 1) return false;
    await tx.insert(ticketEvents).values({
      ticketId: change.ticketId,
      at,
      actor: change.actor,
      kind: change.kind,
      fromStatus: change.from,
      toStatus: change.to,
      note: change.note ?? null,
    });
    return true;
  });
}

/** Appends a history entry that does not change the status (transfer, hold, recording, …). */
export async function appendTicketEvent(
  db: Db,
  event: { ticketId: number; actor: string; kind: string; note?: string; at?: Date },
): Promise<void> {
  await atomically(db, async (tx) => {
    await tx.insert(ticketEvents).values({
      ticketId: event.ticketId,
      at: (event.at ?? clockOf(tx).now()).toISOString(),
      actor: event.actor,
      kind: event.kind,
      note: event.note ?? null,
    });
  });
}

export async function setTicketRecording(db: Db, ticketId: number, recording: string): Promise<void> {
  await atomically(db, async (tx) => {
    await tx.update(tickets).set({ recording, updatedAt: nowIso(tx) }).where(eq(tickets.id, ticketId));
  });
}


export async function setTicketAgent(db: Db, ticketId: number, agentId: number): Promise<void> {
  await atomically(db, async (tx) => {
    await tx.update(tickets).set({ agentId, updatedAt: nowIso(tx) }).where(eq(tickets.id, ticketId));
  });
}

export interface TicketForm {
  category?: TicketCategory;
  urgency?: TicketUrgency;
  content?: string;
  address?: string | null;
  disposition?: TicketDisposition;
  callerName?: string | null;
  contactPhone?: string | null;
  confidential?: boolean;
  matterId?: number | null;
  matterPath?: string | null;
  districtCode?: string | null;
  districtName?: string | null;
  streetCode?: string | null;
  streetName?: string | null;
  handlingUnitId?: number | null;
  dueOverride?: string | null;
  dueReason?: string | null;
  knowledgeLinks?: { entryId: number; title: string }[] | null;
}

/** A form edit's line in the history: who changed which fields (their names, never their contents). */
export interface FormEditLine {
  actor: string;
  /** The fields changed, in the form's words. */
  fields: string[];
}

/** The history kind of a form edit after 登记完成. */
export const FORM_EDIT_KIND = 'edited';
const FORM_EDIT_PREFIX = '修改：';
/** More than the form has fields: a run names each field once, so it never has more lines. */
const FORM_EDIT_RUN_LIMIT = 32;

/**
 * Saves what the agent has typed so far (the draft, saved as they type) with the deadlines it implies.
 * A draft writes no history (登记完成, markTicketRegistered, is its entry). An edit of a registered
 * ticket (`edit`) writes a line naming the changed fields, in the same transaction. The desktop saves
 * as the agent types and the history is append-only: within a run of one actor's edits with nothing
 * between them, each field is named once (a pause in typing the same field adds no line).
 */
export async function saveTicketForm(
  db: Db,
  ticketId: number,
  form: TicketForm & { dueAt?: string | null; dispatchDueAt?: string | null },
  edit?: FormEditLine,
): Promise<TicketRow | undefined> {
  return atomically(db, async (tx) => {
    const at = nowIso(tx);
    const saved = first(await tx.update(tickets).set({ ...form, updatedAt: at }).where(eq(tickets.id, ticketId)).returning());
    if (saved && edit && edit.fields.length > 0) {
      const named = new Set<string>();
      // The run: the latest lines, back to the first that is not this actor's edit (a run names each field at most once).
      const latest = await tx.select().from(ticketEvents).where(eq(ticketEvents.ticketId, ticketId)).orderBy(desc(ticketEvents.id)).limit(FORM_EDIT_RUN_LIMIT);
      for (const line of latest) {
        if (line.kind !== FORM_EDIT_KIND || line.actor !== edit.actor || !line.note?.startsWith(FORM_EDIT_PREFIX)) break;
        for (const field of line.note.slice(FORM_EDIT_PREFIX.length).split('、')) named.add(field);
      }
      const fields = edit.fields.filter((f) => !named.has(f));
      if (fields.length > 0) {
        await tx.insert(ticketEvents).values({ ticketId, at, actor: edit.actor, kind: FORM_EDIT_KIND, note: `${FORM_EDIT_PREFIX}${fields.join('、')}` });
      }
    }
    return saved;
  });
}

/** 登记完成: marks the ticket registered (once) and notes it in the history, atomically. */
export async function markTicketRegistered(db: Db, ticketId: number, actor: string, note: string): Promise<boolean> {
  return atomically(db, async (tx) => {
    const at = nowIso(tx);
    const result = await tx
      .update(tickets)
      .set({ registeredAt: at, updatedAt: at })
      .where(and(eq(tickets.id, ticketId), sql`${tickets.registeredAt} is null`));
    if (changedRows(result) !== 1) return false;
    await tx.insert(ticketEvents).values({ ticketId, at, actor, kind: 'registered', note });
    return true;
  });
}

/** Records a granted extension (延期) if the count is still what the caller checked; false otherwise. */
export async function grantExtension(
  db: Db,
  change: { ticketId: number; expectedCount: number; dueAt: string; actor: string; note: string },
): Promise<boolean> {
  return atomically(db, async (tx) => {
    const at = nowIso(tx);
    const result = await tx
      .update(tickets)
      .set({ dueAt: change.dueAt, extensions: change.expectedCount + 1, updatedAt: at })
      .where(and(eq(tickets.id, change.ticketId), eq(tickets.extensions, change.expectedCount)));
    if (changedRows(result) !== 1) return false;
    await tx.insert(ticketEvents).values({ ticketId: change.ticketId, at, actor: change.actor, kind: 'extended', note: change.note });
    return true;
  });
}

export async function setTicketDeadlines(db: Db, ticketId: number, deadlines: { dispatchDueAt: string; dueAt: string }): Promise<void> {
  await atomically(db, async (tx) => {
    await tx.update(tickets).set({ ...deadlines, updatedAt: nowIso(tx) }).where(eq(tickets.id, ticketId));
  });
}

export interface TicketSearch {
  number?: string;
  callerNumber?: string;
  status?: TicketStatus;
  hotline?: string;
  /** Created on or after / before (ISO). */
  from?: string;
  to?: string;
  overdueAt?: string;
  agentId?: number;
  /** Words in the content, the matter classification or the address. */
  text?: string;
  /** The caller's name (part of it). */
  callerName?: string;
  /**
   * Who searches: a search by caller number or name matches a confidential ticket only for the agent
   * who took it (null: for nobody), so a search cannot re-identify a confidential caller.
   */
  viewerAgentId?: number | null;
  page: number;
  pageSize: number;
}

/** A search text taken literally inside a LIKE pattern: `%`, `_` and the escape character lose their meaning. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export async function searchTickets(db: Db, q: TicketSearch): Promise<{ total: number; items: TicketRow[] }> {
  const where = and(
    q.number ? eq(tickets.number, q.number) : undefined,
    q.callerNumber ? eq(tickets.callerNumber, q.callerNumber) : undefined,
    q.status ? eq(tickets.status, q.status) : undefined,
    q.hotline ? sql`${tickets.hotline} like ${`%${escapeLike(q.hotline)}%`} escape '\\'` : undefined,
    q.from ? sql`${tickets.createdAt} >= ${q.from}` : undefined,
    q.to ? sql`${tickets.createdAt} < ${q.to}` : undefined,
    q.overdueAt ? sql`${tickets.dueAt} < ${q.overdueAt} and ${tickets.status} not in ('closed', 'callback', 'evaluated')` : undefined,
    q.agentId !== undefined ? eq(tickets.agentId, q.agentId) : undefined,
    q.text ? likeAny([tickets.content, tickets.matterPath, tickets.address, tickets.streetName, tickets.districtName], q.text) : undefined,
    q.callerName ? sql`${tickets.callerName} like ${`%${escapeLike(q.callerName)}%`} escape '\\'` : undefined,
    (q.callerNumber || q.callerName) && q.viewerAgentId !== undefined
      ? sql`(${tickets.confidential} = false or ${tickets.agentId} is not distinct from ${q.viewerAgentId})`
      : undefined,
  );
  const total = first(await db.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(tickets).where(where))?.n ?? 0;
  const items = await db
    .select()
    .from(tickets)
    .where(where)
    .orderBy(desc(tickets.createdAt), desc(tickets.id))
    .limit(q.pageSize)
    .offset((q.page - 1) * q.pageSize);
  return { total, items };
}

function likeAny(columns: SQLiteColumn[], text: string): SQL {
  const pattern = `%${escapeLike(text)}%`;
  return sql`(${sql.join(
    columns.map((c) => sql`coalesce(${c}, '') like ${pattern} escape '\\'`),
    sql` or `,
  )})`;
}

const OPEN = sql`${tickets.status} not in ('closed', 'callback', 'evaluated')`;

export type DeadlineWatchLevel = NonNullable<TicketRow['deadlineWatchLevel']>;

/**
 * The deadline watch has news of the ticket: it was not flagged for its current deadline yet, or only
 * as due soon while the deadline has now passed. A flag for an earlier deadline (before an extension,
 * a redo, a new deadline on re-dispatch) does not count.
 */
function watchHasNews(nowIso: string): SQL {
  return sql`(${tickets.deadlineWatchDueAt} is distinct from ${tickets.dueAt} or (${tickets.deadlineWatchLevel} = 'due-soon' and ${tickets.dueAt} <= ${nowIso}))`;
}

/** Open tickets due before `horizon` (ISO) that the deadline watch has news of at `now` (ISO), soonest first. */
export async function listTicketsToFlag(db: Db, now: string, horizon: string): Promise<TicketRow[]> {
  return db
    .select()
    .from(tickets)
    .where(and(OPEN, sql`${tickets.dueAt} is not null and ${tickets.dueAt} < ${horizon}`, watchHasNews(now)))
    .orderBy(asc(tickets.dueAt));
}

/**
 * The watch's flag (即将到期 or 已超期) for the deadline it saw, with its history line: once per level
 * and deadline (a second run, or a deadline changed meanwhile, finds nothing to do and gets false).
 * The ticket's latest 督办 is set to the moment too.
 */
export async function flagTicketDeadline(
  db: Db,
  flag: { ticketId: number; level: DeadlineWatchLevel; dueAt: string; note: string; at: Date },
): Promise<boolean> {
  return atomically(db, async (tx) => {
    const iso = flag.at.toISOString();
    const result = await tx
      .update(tickets)
      .set({ deadlineWatchLevel: flag.level, deadlineWatchDueAt: flag.dueAt, supervisedAt: iso, updatedAt: iso })
      .where(
        and(
          eq(tickets.id, flag.ticketId),
          eq(tickets.dueAt, flag.dueAt),
          flag.level === 'overdue'
            ? sql`(${tickets.deadlineWatchDueAt} is distinct from ${tickets.dueAt} or ${tickets.deadlineWatchLevel} = 'due-soon')`
            : sql`${tickets.deadlineWatchDueAt} is distinct from ${tickets.dueAt}`,
        ),
      );
    if (changedRows(result) !== 1) return false;
    await tx.insert(ticketEvents).values({ ticketId: flag.ticketId, at: iso, actor: 'system', kind: 'supervise-mark', note: flag.note });
    return true;
  });
}

const SURVEY_NOTES = { satisfied: '满意', 'basically-satisfied': '基本满意', dissatisfied: '不满意', 'no-answer': '未评价' } as const;

/** The post-call survey's answer, on the ticket and in its history. */
export async function recordSurvey(db: Db, ticketId: number, result: keyof typeof SURVEY_NOTES): Promise<void> {
  await atomically(db, async (tx) => {
    const at = nowIso(tx);
    await tx.update(tickets).set({ satisfaction: result, updatedAt: at }).where(eq(tickets.id, ticketId));
    await tx.insert(ticketEvents).values({ ticketId, at, actor: 'caller', kind: 'survey', note: `通话后评价: ${SURVEY_NOTES[result]}` });
  });
}

/** 登记完成: the ticket's required fields passed the check (it is no longer a draft). */
export async function isTicketRegistered(db: Db, ticketId: number): Promise<boolean> {
  const row = first(await db.select({ registeredAt: tickets.registeredAt }).from(tickets).where(eq(tickets.id, ticketId)).limit(1));
  return row?.registeredAt != null;
}

/**
 * Whether the ticket still waits for this agent to register it: not registered, and not handed to
 * another agent since (a colleague who took the transferred call registers it; its first agent can
 * no longer even open it).
 */
export async function isTicketLeftToAgent(db: Db, ticketId: number, agentId: number): Promise<boolean> {
  const row = first(await db.select({ registeredAt: tickets.registeredAt, agentId: tickets.agentId }).from(tickets).where(eq(tickets.id, ticketId)).limit(1));
  return row !== undefined && row.registeredAt === null && (row.agentId === null || row.agentId === agentId);
}

/** 我的工单: an agent's tickets created in [from, to), newest first. */
export async function listAgentTickets(db: Db, agentId: number, from: string, to: string): Promise<TicketRow[]> {
  return db
    .select()
    .from(tickets)
    .where(and(eq(tickets.agentId, agentId), sql`${tickets.createdAt} >= ${from}`, sql`${tickets.createdAt} < ${to}`))
    .orderBy(desc(tickets.createdAt), desc(tickets.id));
}
