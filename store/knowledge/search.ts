/**
 * What agents find: published entries in force on `today` (Shanghai day, from the store's clock —
 * an entry past its valid-until day is never shown, whatever its recorded status), ranked with the
 * title weighted above the keywords and those above the answer (SQLite: bm25 over FTS5; PostgreSQL:
 * ts_rank_cd over a weighted tsvector — search-sqlite.ts, search-postgres.ts), an entry of the
 * call's hotline ahead of others, with the matched words marked.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../db.js';
import { dialectOf } from '../dialect.js';
import { rawRows } from '../prepared.js';
import { highlight, snippet } from './highlight.js';
import { queryWords } from './search-query.js';
import { candidatesPostgres, documentFrequenciesPostgres } from './search-postgres.js';
import { COLUMNS, IN_FORCE, type CandidateSearch, type RankedRow, type Row } from './search-rows.js';
import { candidatesSqlite, documentFrequenciesSqlite } from './search-sqlite.js';
import { foldForMatch, jiebaSegmenter, type TextSegmenter } from './segmenter.js';

export interface KnowledgeHit {
  entryId: number;
  version: number;
  title: string;
  answer: string;
  department: string;
  categories: string[];
  hotline: string | null;
  validUntil: string | null;
  publishedAt: string;
  /** HTML: the title and a part of the answer, escaped, matched words in `<mark>`. */
  titleHtml: string;
  snippetHtml: string;
}

export interface KnowledgeSearch {
  /** What the agent typed, or text from the call's context. */
  text: string;
  /** Shanghai calendar day the validity is judged on. */
  today: string;
  /** The call's hotline number: its entries rank first. */
  hotline?: string | null;
  limit?: number;
}

/**
 * Ranking also counts how many of the words the agent actually used (not their synonyms) an entry
 * contains: score × (1 + share of those words found), so a synonym's title match does not beat an
 * entry that says what was asked.
 */
function coverage(row: Row, original: readonly string[]): number {
  if (original.length === 0) return 0;
  const text = foldForMatch(`${row.title} ${row.keywords} ${row.answer}`);
  return original.filter((w) => text.includes(w)).length / original.length;
}

/**
 * Hits less than this share as relevant as the best one are left out: a question shares a common
 * word (保险, 办理) with many entries that do not answer it.
 */
const RELATIVE_CUTOFF = 0.25;
/**
 * In a large knowledge base, a word found in more than this share of the entries (办理, 材料) tells
 * them apart hardly at all (the ranking gives it almost no weight) but makes the index score most of
 * the base: such words are left out of the query when rarer ones remain.
 */
const COMMON_SHARE = 0.2;
const PRUNE_FROM_ENTRIES = 1_000;

/** In how many indexed entries each word occurs (the index's own count, on either database). */
export function documentFrequencies(db: Db, words: readonly string[]): Promise<Map<string, number>> {
  return dialectOf(db) === 'postgres' ? documentFrequenciesPostgres(db, words) : documentFrequenciesSqlite(db, words);
}

async function withoutCommonWords(db: Db, words: string[]): Promise<string[]> {
  if (words.length < 2) return words;
  // The highest entry id stands for the size of the base (a count would read every row).
  const [size] = await rawRows<{ n: number | string | null }>(db, sql`select max(id) as "n" from knowledge_entries`);
  const indexed = Number(size?.n ?? 0);
  if (indexed < PRUNE_FROM_ENTRIES) return words;
  const docs = await documentFrequencies(db, words);
  const telling = words.filter((w) => (docs.get(w) ?? 0) > 0 && (docs.get(w) ?? 0) <= indexed * COMMON_SHARE);
  return telling.length > 0 ? telling : words;
}

function candidates(db: Db, search: CandidateSearch): Promise<RankedRow[]> {
  return dialectOf(db) === 'postgres' ? candidatesPostgres(db, search) : candidatesSqlite(db, search);
}

function hitOf({ score: _score, keywords: _keywords, ...row }: Row, words: readonly string[]): KnowledgeHit {
  return {
    ...row,
    categories: JSON.parse(row.categories) as string[],
    titleHtml: highlight(row.title, words),
    snippetHtml: snippet(row.answer, words),
  };
}

export async function searchKnowledge(db: Db, search: KnowledgeSearch, segmenter: TextSegmenter = jiebaSegmenter): Promise<KnowledgeHit[]> {
  const words = await withoutCommonWords(db, queryWords(segmenter, search.text));
  if (words.length === 0) return [];
  const limit = search.limit ?? 10;
  const original = queryWords(segmenter, search.text, { synonyms: false });
  const rows = await candidates(db, { words, today: search.today, hotline: search.hotline ?? '', limit: Math.max(limit * 3, 30) });
  // Scores are negative, more negative for a better match.
  const ranked = rows.map((r) => ({ ...r, score: r.score * (1 + coverage(r, original)) })).sort((a, b) => a.score - b.score || a.entryId - b.entryId);
  const best = ranked[0]?.score ?? 0;
  return ranked
    .filter((r) => r.score <= best * RELATIVE_CUTOFF)
    .slice(0, limit)
    .map((row) => hitOf(row, words));
}

/** The hotline's own entries in force, newest first: suggestions when nothing else is known. */
export async function hotlineKnowledge(db: Db, hotline: string, today: string, limit: number): Promise<KnowledgeHit[]> {
  const rows = await rawRows<Row>(
    db,
    sql`
    select ${COLUMNS}
    from knowledge_entries e
    join knowledge_versions v on v.entry_id = e.id and v.version = e.published_version
    where v.hotline = ${hotline} and ${IN_FORCE(today)}
    order by v.published_at desc, e.id
    limit ${limit}`,
  );
  return rows.map((row) => hitOf(row, []));
}

export interface KnowledgeContext {
  today: string;
  hotline?: string | null;
  /** Everything known of the call: IVR choices, the caller's earlier tickets' categories, what the agent typed. */
  texts: readonly string[];
  limit?: number;
}

/**
 * Suggestions for a call: entries matching its context (the hotline's own first), then, to fill
 * up, the hotline's newest entries.
 */
export async function suggestKnowledge(db: Db, context: KnowledgeContext, segmenter: TextSegmenter = jiebaSegmenter): Promise<KnowledgeHit[]> {
  const limit = context.limit ?? 5;
  const text = context.texts.filter((t) => t.trim() !== '').join(' ');
  const hits = text ? await searchKnowledge(db, { text, today: context.today, hotline: context.hotline ?? null, limit }, segmenter) : [];
  if (hits.length < limit && context.hotline) {
    const seen = new Set(hits.map((h) => h.entryId));
    for (const hit of await hotlineKnowledge(db, context.hotline, context.today, limit)) {
      if (hits.length >= limit) break;
      if (!seen.has(hit.entryId)) hits.push(hit);
    }
  }
  return hits;
}
