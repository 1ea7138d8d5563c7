/**
 * Knowledge base entries: the working copy, its published versions and the full-text index of what
 * is published. Publishing writes a new version (never changed afterwards) and re-indexes the entry;
 * withdrawing takes it out of the index. Statuses and who may move them: routing/knowledge/.
 */
import { and, asc, desc, eq, like, lt, or, sql, type SQL } from 'drizzle-orm';
import { nowIso } from '../clock.js';
import type { Db } from '../db.js';
import { knowledgeEntries, knowledgeLinks, knowledgeVersions, ticketEvents, tickets, type KnowledgeStatus } from '../schema.js';
import { escapeLike } from '../repos/tickets.js';
import { indexText } from './search-query.js';
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

export function createKnowledgeEntry(db: Db, fields: KnowledgeFields, actor: string, status: KnowledgeStatus = 'draft'): KnowledgeEntryRow {
  const at = nowIso(db);
  return db
    .insert(knowledgeEntries)
    .values({ ...fields, status, createdBy: actor, updatedBy: actor, createdAt: at, updatedAt: at })
    .returning()
    .get();
}

export function findKnowledgeEntry(db: Db, id: number): KnowledgeEntryRow | undefined {
  return db.select().from(knowledgeEntries).where(eq(knowledgeEntries.id, id)).get();
}

/** A new working copy: back to draft (the published version, if any, stays what agents see). */
export function updateKnowledgeEntry(db: Db, id: number, fields: KnowledgeFields, actor: string): KnowledgeEntryRow | undefined {
  return db
    .update(knowledgeEntries)
    .set({ ...fields, status: 'draft', reviewNote: null, updatedBy: actor, updatedAt: nowIso(db) })
    .where(eq(knowledgeEntries.id, id))
    .returning()
    .get();
}

export function setKnowledgeStatus(db: Db, id: number, status: KnowledgeStatus, actor: string, reviewNote: string | null = null): KnowledgeEntryRow | undefined {
  return db
    .update(knowledgeEntries)
    .set({ status, reviewNote, updatedBy: actor, updatedAt: nowIso(db) })
    .where(eq(knowledgeEntries.id, id))
    .returning()
    .get();
}

/** Puts an entry's published text into the full-text index (replacing what was there). */
export function indexKnowledgeVersion(db: Db, version: KnowledgeVersionRow, segmenter: TextSegmenter = jiebaSegmenter): void {
  const extra = [version.keywords, ...version.categories, version.department].join(' ');
  db.run(sql`delete from knowledge_fts where rowid = ${version.entryId}`);
  db.run(
    sql`insert into knowledge_fts (rowid, title, body, keywords) values (${version.entryId}, ${indexText(segmenter, version.title)}, ${indexText(segmenter, version.answer)}, ${indexText(segmenter, extra)})`,
  );
}

/** Publishes the working copy as the next version; returns it. Call inside a transaction. */
export function publishKnowledgeEntry(db: Db, entry: KnowledgeEntryRow, actor: string): KnowledgeVersionRow {
  const at = nowIso(db);
  const last = db
    .select({ n: sql<number>`coalesce(max(${knowledgeVersions.version}), 0)` })
    .from(knowledgeVersions)
    .where(eq(knowledgeVersions.entryId, entry.id))
    .get();
  const version = db
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
    .returning()
    .get();
  db.update(knowledgeEntries)
    .set({ status: 'published', publishedVersion: version.version, reviewNote: null, updatedBy: actor, updatedAt: at })
    .where(eq(knowledgeEntries.id, entry.id))
    .run();
  indexKnowledgeVersion(db, version);
  return version;
}

/** Out of service: agents no longer find it; its versions stay readable. */
export function withdrawKnowledgeEntry(db: Db, id: number, actor: string, note: string | null): KnowledgeEntryRow | undefined {
  db.run(sql`delete from knowledge_fts where rowid = ${id}`);
  return db
    .update(knowledgeEntries)
    .set({ status: 'withdrawn', publishedVersion: null, reviewNote: note, updatedBy: actor, updatedAt: nowIso(db) })
    .where(eq(knowledgeEntries.id, id))
    .returning()
    .get();
}

export function listKnowledgeVersions(db: Db, entryId: number): KnowledgeVersionRow[] {
  return db.select().from(knowledgeVersions).where(eq(knowledgeVersions.entryId, entryId)).orderBy(desc(knowledgeVersions.version)).all();
}

export function findKnowledgeVersion(db: Db, entryId: number, version: number): KnowledgeVersionRow | undefined {
  return db
    .select()
    .from(knowledgeVersions)
    .where(and(eq(knowledgeVersions.entryId, entryId), eq(knowledgeVersions.version, version)))
    .get();
}

export interface KnowledgeListFilter {
  status?: KnowledgeStatus;
  department?: string;
  /** Part of the title or keywords. */
  text?: string;
  limit: number;
  offset: number;
}

export function listKnowledgeEntries(db: Db, filter: KnowledgeListFilter): { total: number; items: KnowledgeEntryRow[] } {
  const conditions: SQL[] = [];
  if (filter.status) conditions.push(eq(knowledgeEntries.status, filter.status));
  if (filter.department) conditions.push(eq(knowledgeEntries.department, filter.department));
  if (filter.text) {
    const pattern = `%${escapeLike(filter.text)}%`;
    const either = or(like(knowledgeEntries.title, pattern), like(knowledgeEntries.keywords, pattern));
    if (either) conditions.push(either);
  }
  const where = conditions.length ? and(...conditions) : undefined;
  const total = db.select({ n: sql<number>`count(*)` }).from(knowledgeEntries).where(where).get()?.n ?? 0;
  const items = db
    .select()
    .from(knowledgeEntries)
    .where(where)
    .orderBy(desc(knowledgeEntries.updatedAt), desc(knowledgeEntries.id))
    .limit(filter.limit)
    .offset(filter.offset)
    .all();
  return { total, items };
}

/**
 * Records lazily that published entries are past their valid-until day (`today`, Shanghai): the
 * status shows 失效 to editors. Agents' searches never depended on it (they compare dates). Returns
 * the ids marked.
 */
export function markExpiredKnowledge(db: Db, today: string): number[] {
  const expired = db
    .select({ id: knowledgeEntries.id })
    .from(knowledgeEntries)
    .innerJoin(knowledgeVersions, and(eq(knowledgeVersions.entryId, knowledgeEntries.id), eq(knowledgeVersions.version, knowledgeEntries.publishedVersion)))
    .where(and(eq(knowledgeEntries.status, 'published'), lt(knowledgeVersions.validUntil, today)))
    .all()
    .map((r) => r.id);
  for (const id of expired) db.update(knowledgeEntries).set({ status: 'expired', updatedAt: nowIso(db) }).where(eq(knowledgeEntries.id, id)).run();
  return expired;
}

export type KnowledgeLinkRow = typeof knowledgeLinks.$inferSelect;

/**
 * Links an entry (the published version the agent read) to a ticket, as 知识库解答: the link row, a
 * `knowledge-linked` entry in the ticket's history (what the KPIs count) and the ticket's own list
 * of linked entries. False, and nothing written, when the entry was linked to the ticket already.
 */
export function linkKnowledgeToTicket(
  db: Db,
  link: { ticket: Pick<typeof tickets.$inferSelect, 'id' | 'knowledgeLinks'>; entryId: number; version: number; title: string; actor: string },
): boolean {
  return db.transaction((tx) => {
    const at = nowIso(tx);
    const result = tx
      .insert(knowledgeLinks)
      .values({ ticketId: link.ticket.id, entryId: link.entryId, version: link.version, linkedBy: link.actor, linkedAt: at })
      .onConflictDoNothing()
      .run();
    if (result.changes === 0) return false;
    tx.insert(ticketEvents)
      .values({ ticketId: link.ticket.id, at, actor: link.actor, kind: KNOWLEDGE_LINKED_EVENT, note: `知识库解答：${link.title}（条目 ${link.entryId} 第 ${link.version} 版）` })
      .run();
    const listed = link.ticket.knowledgeLinks ?? [];
    if (!listed.some((l) => l.entryId === link.entryId)) {
      tx.update(tickets)
        .set({ knowledgeLinks: [...listed, { entryId: link.entryId, title: link.title }], updatedAt: at })
        .where(eq(tickets.id, link.ticket.id))
        .run();
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

export function listKnowledgeLinksOfTicket(db: Db, ticketNumber: string): TicketKnowledgeLink[] {
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
    .orderBy(asc(knowledgeLinks.id))
    .all();
}

/** The departments that have entries (for the editor's form and the filters). */
export function listKnowledgeDepartments(db: Db): string[] {
  return db
    .selectDistinct({ d: knowledgeEntries.department })
    .from(knowledgeEntries)
    .orderBy(asc(knowledgeEntries.department))
    .all()
    .map((r) => r.d);
}
