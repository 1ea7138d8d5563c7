/**
 * Knowledge base entries: the working copy, its published versions and the full-text index of what
 * is published. Publishing writes a new version (never changed afterwards) and re-indexes the entry;
 * withdrawing takes it out of the index (reindex.ts fills in what a migration emptied). Statuses and
 * who may move them: routing/knowledge/.
 */
import { and, asc, desc, eq, lt, or, sql, type SQL } from 'drizzle-orm';
import { nowIso } from '../clock.js';
import type { Db } from '../db.js';
import { dialectOf } from '../dialect.js';
import { atomically } from '../durability.js';
import { changedRows, first, rawRows } from '../prepared.js';
import { knowledgeEntries, knowledgeLinks, knowledgeVersions, ticketEvents, tickets, type KnowledgeStatus } from '../schema.js';
import { escapeLike } from '../repos/tickets.js';
import { indexText } from './search-query.js';
import { indexEntryPostgres, unindexEntryPostgres } from './search-postgres.js';
import type { IndexedText } from './search-rows.js';
import { indexEntrySqlite, unindexEntrySqlite } from './search-sqlite.js';
import { jiebaSegmenter, type TextSegmenter } from './segmenter.js';

/** The ticket history entry of a link (the KPI 知识库解答数 counts calls whose ticket has one). */
export const KNOWLEDGE_LINKED_EVENT = 'knowledge-linked';

export type KnowledgeEntryRow = typeof knowledgeEntries.$inferSelect;
export type KnowledgeVersionRow = typeof knowledgeVersions.$inferSelect;

/** What an editor writes. */
export interface KnowledgeFields {
  title: string;
  answer: string;
  department: string;
  categories: string[];
  hotline: string | null;
  keywords: string;
  validFrom: string | null;
  validUntil: string | null;
}

/** The row inserted or updated by a `returning()` that must have one. */
function theRow<T>(rows: readonly T[]): T {
  const row = first(rows);
  if (row === undefined) throw new Error('the database returned no row');
  return row;
}

export async function createKnowledgeEntry(db: Db, fields: KnowledgeFields, actor: string, status: KnowledgeStatus = 'draft'): Promise<KnowledgeEntryRow> {
  return atomically(db, async (tx) => {
    const at = nowIso(tx);
    return theRow(
      await tx
        .insert(knowledgeEntries)
        .values({ ...fields, status, createdBy: actor, updatedBy: actor, createdAt: at, updatedAt: at })
        .returning(),
    );
  });
}

export async function findKnowledgeEntry(db: Db, id: number): Promise<KnowledgeEntryRow | undefined> {
  return first(await db.select().from(knowledgeEntries).where(eq(knowledgeEntries.id, id)).limit(1));
}

/** A new working copy: back to draft (the published version, if any, stays what agents see). */
export async function updateKnowledgeEntry(db: Db, id: number, fields: KnowledgeFields, actor: string): Promise<KnowledgeEntryRow | undefined> {
  return atomically(db, async (tx) =>
    first(
      await tx
        .update(knowledgeEntries)
        .set({ ...fields, status: 'draft', reviewNote: null, updatedBy: actor, updatedAt: nowIso(tx) })
        .where(eq(knowledgeEntries.id, id))
        .returning(),
    ),
  );
}

export async function setKnowledgeStatus(db: Db, id: number, status: KnowledgeStatus, actor: string, reviewNote: string | null = null): Promise<KnowledgeEntryRow | undefined> {
  return atomically(db, async (tx) =>
    first(
      await tx
        .update(knowledgeEntries)
        .set({ status, reviewNote, updatedBy: actor, updatedAt: nowIso(tx) })
        .where(eq(knowledgeEntries.id, id))
        .returning(),
    ),
  );
}

/** Puts an entry's published text into the full-text index (replacing what was there). */
export async function indexKnowledgeVersion(db: Db, version: KnowledgeVersionRow, segmenter: TextSegmenter = jiebaSegmenter): Promise<void> {
  const extra = [version.keywords, ...version.categories, version.department].join(' ');
  const text: IndexedText = { title: indexText(segmenter, version.title), body: indexText(segmenter, version.answer), keywords: indexText(segmenter, extra) };
  await atomically(db, (tx) => (dialectOf(tx) === 'postgres' ? indexEntryPostgres(tx, version.entryId, text) : indexEntrySqlite(tx, version.entryId, text)));
}

/** Takes an entry out of the full-text index. */
async function unindexKnowledgeEntry(db: Db, entryId: number): Promise<void> {
  await (dialectOf(db) === 'postgres' ? unindexEntryPostgres(db, entryId) : unindexEntrySqlite(db, entryId));
}

/** Publishes the working copy as the next version; returns it (in one transaction, or in the caller's). */
export async function publishKnowledgeEntry(db: Db, entry: KnowledgeEntryRow, actor: string): Promise<KnowledgeVersionRow> {
  return atomically(db, async (tx) => {
    const at = nowIso(tx);
    const last = first(
      await tx
        .select({ n: sql<number>`coalesce(max(${knowledgeVersions.version}), 0)`.mapWith(Number) })
        .from(knowledgeVersions)
        .where(eq(knowledgeVersions.entryId, entry.id)),
    );
    const version = theRow(
      await tx
        .insert(knowledgeVersions)
        .values({
          entryId: entry.id,
          version: (last?.n ?? 0) + 1,
          title: entry.title,
          answer: entry.answer,
          department: entry.department,
          categories: entry.categories,
          hotline: entry.hotline,
          keywords: entry.keywords,
          validFrom: entry.validFrom,
          validUntil: entry.validUntil,
          writtenBy: entry.updatedBy,
          publishedBy: actor,
          publishedAt: at,
        })
        .returning(),
    );
    await tx
      .update(knowledgeEntries)
      .set({ status: 'published', publishedVersion: version.version, reviewNote: null, updatedBy: actor, updatedAt: at })
      .where(eq(knowledgeEntries.id, entry.id));
    await indexKnowledgeVersion(tx, version);
    return version;
  });
}

/**
 * Out of service: agents no longer find it; its versions stay readable. `status` is what the working
 * copy becomes: withdrawn, or — a revision being under way — the revision's own status, kept for it to
 * be submitted and published as the next version (routing/knowledge/entry-lifecycle.ts decides).
 */
export async function withdrawKnowledgeEntry(db: Db, id: number, actor: string, note: string | null, status: KnowledgeStatus = 'withdrawn'): Promise<KnowledgeEntryRow | undefined> {
  return atomically(db, async (tx) => {
    await unindexKnowledgeEntry(tx, id);
    return first(
      await tx
        .update(knowledgeEntries)
        .set({ status, publishedVersion: null, reviewNote: note, updatedBy: actor, updatedAt: nowIso(tx) })
        .where(eq(knowledgeEntries.id, id))
        .returning(),
    );
  });
}

export async function listKnowledgeVersions(db: Db, entryId: number): Promise<KnowledgeVersionRow[]> {
  return db.select().from(knowledgeVersions).where(eq(knowledgeVersions.entryId, entryId)).orderBy(desc(knowledgeVersions.version));
}

export async function findKnowledgeVersion(db: Db, entryId: number, version: number): Promise<KnowledgeVersionRow | undefined> {
  return first(
    await db
      .select()
      .from(knowledgeVersions)
      .where(and(eq(knowledgeVersions.entryId, entryId), eq(knowledgeVersions.version, version)))
      .limit(1),
  );
}

export interface KnowledgeListFilter {
  status?: KnowledgeStatus;
  department?: string;
  /** Part of the title or keywords. */
  text?: string;
  limit: number;
  offset: number;
}

export async function listKnowledgeEntries(db: Db, filter: KnowledgeListFilter): Promise<{ total: number; items: KnowledgeEntryRow[] }> {
  const conditions: SQL[] = [];
  if (filter.status) conditions.push(eq(knowledgeEntries.status, filter.status));
  if (filter.department) conditions.push(eq(knowledgeEntries.department, filter.department));
  if (filter.text) {
    const pattern = `%${escapeLike(filter.text)}%`;
    // The escape character named: SQLite's LIKE has none by default, PostgreSQL's is the backslash.
    const either = or(sql`${knowledgeEntries.title} like ${pattern} escape '\\'`, sql`${knowledgeEntries.keywords} like ${pattern} escape '\\'`);
    if (either) conditions.push(either);
  }
  const where = conditions.length ? and(...conditions) : undefined;
  const total = first(await db.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(knowledgeEntries).where(where))?.n ?? 0;
  const items = await db
    .select()
    .from(knowledgeEntries)
    .where(where)
    .orderBy(desc(knowledgeEntries.updatedAt), desc(knowledgeEntries.id))
    .limit(filter.limit)
    .offset(filter.offset);
  return { total, items };
}

/**
 * Records lazily that published entries are past their valid-until day (`today`, Shanghai): the
 * status shows 失效 to editors. Agents' searches never depended on it (they compare dates). Returns
 * the ids marked.
 */
export async function markExpiredKnowledge(db: Db, today: string): Promise<number[]> {
  return atomically(db, async (tx) => {
    const expired = (
      await tx
        .select({ id: knowledgeEntries.id })
        .from(knowledgeEntries)
        .innerJoin(knowledgeVersions, and(eq(knowledgeVersions.entryId, knowledgeEntries.id), eq(knowledgeVersions.version, knowledgeEntries.publishedVersion)))
        .where(and(eq(knowledgeEntries.status, 'published'), lt(knowledgeVersions.validUntil, today)))
    ).map((r) => r.id);
    for (const id of expired) await tx.update(knowledgeEntries).set({ status: 'expired', updatedAt: nowIso(tx) }).where(eq(knowledgeEntries.id, id));
    return expired;
  });
}

export type KnowledgeLinkRow = typeof knowledgeLinks.$inferSelect;

/**
 * Links an entry (the published version the agent read) to a ticket, as 知识库解答: the link row, a
 * `knowledge-linked` entry in the ticket's history (what the KPIs count) and the ticket's own list
 * of linked entries. False, and nothing written, when the entry was linked to the ticket already.
 */
export async function linkKnowledgeToTicket(
  db: Db,
  link: { ticket: Pick<typeof tickets.$inferSelect, 'id' | 'knowledgeLinks'>; entryId: number; version: number; title: string; actor: string },
): Promise<boolean> {
  return atomically(db, async (tx) => {
    // On PostgreSQL the ticket's row is locked before anything else: the inserts below take a key-share
    // lock on it (their foreign keys), and two links locking it for update only after those deadlock.
    // (SQLite's transactions already take turns.)
    if (dialectOf(tx) === 'postgres') await rawRows(tx, sql`select id from tickets where id = ${link.ticket.id} for update`);
    const at = nowIso(tx);
    const result = await tx
      .insert(knowledgeLinks)
      .values({ ticketId: link.ticket.id, entryId: link.entryId, version: link.version, linkedBy: link.actor, linkedAt: at })
      .onConflictDoNothing();
    if (changedRows(result) === 0) return false;
    await tx
      .insert(ticketEvents)
      .values({ ticketId: link.ticket.id, at, actor: link.actor, kind: KNOWLEDGE_LINKED_EVENT, note: `知识库解答：${link.title}（条目 ${link.entryId} 第 ${link.version} 版）` });
    // The ticket's list as it is now, not as the caller read it: two links made at once must both stay.
    const [current] = await tx.select({ knowledgeLinks: tickets.knowledgeLinks }).from(tickets).where(eq(tickets.id, link.ticket.id));
    const listed = current?.knowledgeLinks ?? [];
    if (!listed.some((l) => l.entryId === link.entryId)) {
      await tx
        .update(tickets)
        .set({ knowledgeLinks: [...listed, { entryId: link.entryId, title: link.title }], updatedAt: at })
        .where(eq(tickets.id, link.ticket.id));
    }
    return true;
  });
}

export interface TicketKnowledgeLink {
  entryId: number;
  version: number;
  title: string;
  linkedBy: string;
  linkedAt: string;
}

export async function listKnowledgeLinksOfTicket(db: Db, ticketNumber: string): Promise<TicketKnowledgeLink[]> {
  return db
    .select({
      entryId: knowledgeLinks.entryId,
      version: knowledgeLinks.version,
      title: knowledgeVersions.title,
      linkedBy: knowledgeLinks.linkedBy,
      linkedAt: knowledgeLinks.linkedAt,
    })
    .from(knowledgeLinks)
    .innerJoin(tickets, eq(tickets.id, knowledgeLinks.ticketId))
    .innerJoin(knowledgeVersions, and(eq(knowledgeVersions.entryId, knowledgeLinks.entryId), eq(knowledgeVersions.version, knowledgeLinks.version)))
    .where(eq(tickets.number, ticketNumber))
    .orderBy(asc(knowledgeLinks.id));
}

/** The departments that have entries (for the editor's form and the filters). */
export async function listKnowledgeDepartments(db: Db): Promise<string[]> {
  const rows = await db.selectDistinct({ d: knowledgeEntries.department }).from(knowledgeEntries).orderBy(asc(knowledgeEntries.department));
  return rows.map((r) => r.d);
}
