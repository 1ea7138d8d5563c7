import { nowIso, clockOf } from '../clock.js';
import { and, asc, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { Db } from '../db.js';
import { atomicallySync } from '../durability.js';
import { prepared } from '../prepared.js';
import { ticketEvents, tickets, ticketSequences, type TicketCategory, type TicketDisposition, type TicketStatus, type TicketUrgency } from '../schema.js';
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
}

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** yyMMdd + a 4-digit sequence of the Shanghai day (more digits past 9999 calls a day). */
function nextTicketNumber(db: Db, at: Date): string {
  const day = shanghaiDay(at).replaceAll('-', '').slice(2);
  const row = prepared(db, 'next-ticket-sequence', (d) =>
    d
      .insert(ticketSequences)
      .values({ day: sql.placeholder('day'), last: 1 })
      .onConflictDoUpdate({ target: ticketSequences.day, set: { last: sql`${ticketSequences.last} + 1` } })
      .returning({ last: ticketSequences.last })
      .prepare(),
  ).get({ day });
  if (!row) throw new Error(`no ticket sequence for ${day}`);
  return `${day}${String(row.last).padStart(4, '0')}`;
}

/**
 * Opens the ticket for a call, or returns the one it already has. The unique call key makes a second
 * delivery of the same arrival (or a race between two processes) harmless: one call, one ticket.
 * The write is committed (synchronous=FULL) when this returns.
 */
export function openTicketForCall(db: Db, input: TicketForCall): { ticket: TicketRow; created: boolean } {
  return atomicallySync(db, () => {
    const existing = findTicketByCallKey(db, input.callKey);
    if (existing) return { ticket: existing, created: false };
    const at = input.at.toISOString();
    const ticket = prepared(db, 'ticket-insert-for-call', (d) =>
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
        .returning()
        .prepare(),
    ).get({ ...input, number: nextTicketNumber(db, input.at), at });
    if (!ticket) throw new Error(`the ticket for call ${input.callKey} was not written`);
    prepared(db, 'ticket-event-created', (d) =>
      d
        .insert(ticketEvents)
        .values({ ticketId: sql.placeholder('ticketId'), at: sql.placeholder('at'), actor: 'system', kind: 'created', toStatus: 'accepted', note: '来电受理' })
        .prepare(),
    ).run({ ticketId: ticket.id, at });
    return { ticket, created: true };
  });
}

export function findTicketByNumber(db: Db, number: string): TicketRow | undefined {
  return db.select().from(tickets).where(eq(tickets.number, number)).get();
}

export function findTicketByCallKey(db: Db | Tx, callKey: string): TicketRow | undefined {
  return prepared(db, 'ticket-by-call-key', (d) => d.select().from(tickets).where(eq(tickets.callKey, sql.placeholder('callKey'))).prepare()).get({ callKey });
}

/** A caller's earlier tickets, newest first (screen-pop history, progress query). */
export function listTicketsOfCaller(db: Db, callerNumber: string, limit = 20): TicketRow[] {
  return db
    .select()
    .from(tickets)
    .where(eq(tickets.callerNumber, callerNumber))
    .orderBy(desc(tickets.createdAt), desc(tickets.id))
    .limit(limit)
    .all();
}

export function ticketHistory(db: Db, ticketId: number): TicketEventRow[] {
  return db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, ticketId)).orderBy(asc(ticketEvents.id)).all();
}

export interface StatusChange {
  ticketId: number;
  from: TicketStatus;
  to: TicketStatus;
  actor: string;
  kind: string;
  note?: string;
  at: Date;
  /** Other fields that change with the move (deadlines, dispatch time, evaluation). */
  set?: Partial<Pick<TicketRow, 'dispatchDueAt' | 'dueAt' | 'dispatchedAt' | 'satisfaction' | 'supervisedAt'>>;
}

/**
 * Moves a ticket from one status to another and appends the event, atomicallySync. Returns false (and
 * changes nothing) when the ticket is no longer in `from` — the caller decides what that means.
 * Which moves are legal is decided above the store.
 */
export function changeTicketStatus(db: Db, change: StatusChange): boolean {
  return db.transaction(
    (tx) => {
      const at = change.at.toISOString();
      const result = tx
        .update(tickets)
        .set({ ...change.set, status: change.to, updatedAt: at })
        .where(and(eq(tickets.id, change.ticketId), eq(tickets.status, change.from)))
        .run();
      if (result.changes !== 1) return false;
      tx.insert(ticketEvents)
        .values({
          ticketId: change.ticketId,
          at,
          actor: change.actor,
          kind: change.kind,
          fromStatus: change.from,
          toStatus: change.to,
          note: change.note ?? null,
        })
        .run();
      return true;
    },
    { behavior: 'immediate' },
  );
}

/** Appends a history entry that does not change the status (transfer, hold, recording, …). */
export function appendTicketEvent(
  db: Db,
  event: { ticketId: number; actor: string; kind: string; note?: string; at?: Date },
): void {
  db.insert(ticketEvents)
    .values({
      ticketId: event.ticketId,
      at: (event.at ?? clockOf(db).now()).toISOString(),
      actor: event.actor,
      kind: event.kind,
      note: event.note ?? null,
    })
    .run();
}

export function setTicketRecording(db: Db, ticketId: number, recording: string): void {
  db.update(tickets).set({ recording, updatedAt: nowIso(db) }).where(eq(tickets.id, ticketId)).run();
}


export function setTicketAgent(db: Db, ticketId: number, agentId: number): void {
  db.update(tickets).set({ agentId, updatedAt: nowIso(db) }).where(eq(tickets.id, ticketId)).run();
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

/**
 * Saves what the agent has typed so far (the draft, saved as they type) with the deadlines it implies.
 * No history entry: drafts are saved often; 登记完成 (markTicketRegistered) is the entry.
 */
export function saveTicketForm(
  db: Db,
  ticketId: number,
  form: TicketForm & { dueAt?: string | null; dispatchDueAt?: string | null },
): TicketRow | undefined {
  return db.update(tickets).set({ ...form, updatedAt: nowIso(db) }).where(eq(tickets.id, ticketId)).returning().get();
}

/** 登记完成: marks the ticket registered (once) and notes it in the history, atomicallySync. */
export function markTicketRegistered(db: Db, ticketId: number, actor: string, note: string): boolean {
  return db.transaction(
    (tx) => {
      const at = nowIso(db);
      const result = tx
        .update(tickets)
        .set({ registeredAt: at, updatedAt: at })
        .where(and(eq(tickets.id, ticketId), sql`${tickets.registeredAt} is null`))
        .run();
      if (result.changes !== 1) return false;
      tx.insert(ticketEvents).values({ ticketId, at, actor, kind: 'registered', note }).run();
      return true;
    },
    { behavior: 'immediate' },
  );
}

/** Records a granted extension (延期) if the count is still what the caller checked; false otherwise. */
export function grantExtension(
  db: Db,
  change: { ticketId: number; expectedCount: number; dueAt: string; actor: string; note: string },
): boolean {
  return db.transaction(
    (tx) => {
      const at = nowIso(db);
      const result = tx
        .update(tickets)
        .set({ dueAt: change.dueAt, extensions: change.expectedCount + 1, updatedAt: at })
        .where(and(eq(tickets.id, change.ticketId), eq(tickets.extensions, change.expectedCount)))
        .run();
      if (result.changes !== 1) return false;
      tx.insert(ticketEvents).values({ ticketId: change.ticketId, at, actor: change.actor, kind: 'extended', note: change.note }).run();
      return true;
    },
    { behavior: 'immediate' },
  );
}

export function setTicketDeadlines(db: Db, ticketId: number, deadlines: { dispatchDueAt: string; dueAt: string }): void {
  db.update(tickets).set({ ...deadlines, updatedAt: nowIso(db) }).where(eq(tickets.id, ticketId)).run();
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

export function searchTickets(db: Db, q: TicketSearch): { total: number; items: TicketRow[] } {
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
      ? sql`(${tickets.confidential} = 0 or ${tickets.agentId} is ${q.viewerAgentId})`
      : undefined,
  );
  const total = db.select({ n: sql<number>`count(*)` }).from(tickets).where(where).get()?.n ?? 0;
  const items = db
    .select()
    .from(tickets)
    .where(where)
    .orderBy(desc(tickets.createdAt), desc(tickets.id))
    .limit(q.pageSize)
    .offset((q.page - 1) * q.pageSize)
    .all();
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

/** Open tickets due before `iso` that the deadline watch has not marked yet. */
export function listUnmarkedTicketsDueBefore(db: Db, iso: string): TicketRow[] {
  return db
    .select()
    .from(tickets)
    .where(and(OPEN, sql`${tickets.dueAt} is not null and ${tickets.dueAt} < ${iso}`, sql`${tickets.supervisedAt} is null`))
    .orderBy(asc(tickets.dueAt))
    .all();
}

/** The 督办 mark: once per ticket (a second run finds it marked and changes nothing). */
export function markTicketSupervised(db: Db, ticketId: number, note: string, at: Date): boolean {
  return db.transaction(
    (tx) => {
      const iso = at.toISOString();
      const result = tx
        .update(tickets)
        .set({ supervisedAt: iso, updatedAt: iso })
        .where(and(eq(tickets.id, ticketId), sql`${tickets.supervisedAt} is null`))
        .run();
      if (result.changes !== 1) return false;
      tx.insert(ticketEvents).values({ ticketId, at: iso, actor: 'system', kind: 'supervise-mark', note }).run();
      return true;
    },
    { behavior: 'immediate' },
  );
}

const SURVEY_NOTES = { satisfied: '满意', 'basically-satisfied': '基本满意', dissatisfied: '不满意', 'no-answer': '未评价' } as const;

/** The post-call survey's answer, on the ticket and in its history. */
export function recordSurvey(db: Db, ticketId: number, result: keyof typeof SURVEY_NOTES): void {
  db.transaction((tx) => {
    const at = nowIso(db);
    tx.update(tickets).set({ satisfaction: result, updatedAt: at }).where(eq(tickets.id, ticketId)).run();
    tx.insert(ticketEvents).values({ ticketId, at, actor: 'caller', kind: 'survey', note: `通话后评价: ${SURVEY_NOTES[result]}` }).run();
  });
}

/** 登记完成: the ticket's required fields passed the check (it is no longer a draft). */
export function isTicketRegistered(db: Db, ticketId: number): boolean {
  const row = db.select({ registeredAt: tickets.registeredAt }).from(tickets).where(eq(tickets.id, ticketId)).get();
  return row?.registeredAt != null;
}

/** 我的工单: an agent's tickets created in [from, to), newest first. */
export function listAgentTickets(db: Db, agentId: number, from: string, to: string): TicketRow[] {
  return db
    .select()
    .from(tickets)
    .where(and(eq(tickets.agentId, agentId), sql`${tickets.createdAt} >= ${from}`, sql`${tickets.createdAt} < ${to}`))
    .orderBy(desc(tickets.createdAt), desc(tickets.id))
    .all();
}
