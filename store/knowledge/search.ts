/**
 * What agents find: published entries in force on `today` (Shanghai day, from the store's clock —
 * an entry past its valid-until day is never shown, whatever its recorded status), ranked by bm25
 * with the title weighted above the keywords and those above the answer, an entry of the call's
 * hotline ahead of others, with the matched words marked.
 */
import { sql, type SQL } from 'drizzle-orm';
import { connectionOf } from '../connection.js';
import type { Db } from '../db.js';
import { highlight, snippet } from './highlight.js';
import { ftsMatchExpression, queryWords } from './search-query.js';
import { jiebaSegmenter, type TextSegmenter } from './segmenter.js';

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

/** bm25 column weights: title, body (the answer), keywords (with categories and department). */
const WEIGHTS = sql.raw('bm25(knowledge_fts, 10.0, 1.0, 5.0)');
/** How much being the call's hotline's own entry counts, against bm25 scores (smaller is better). */
const HOTLINE_BONUS = 3;
/**
 * Ranking also counts how many of the words the agent actually used (not their synonyms) an entry
 * contains: bm25 × (1 + share of those words found), so a synonym's title match does not beat an
 * entry that says what was asked.
 */
function coverage(row: Row, original: readonly string[]): number {
  if (original.length === 0) return 0;
  const text = `${row.title} ${row.keywords} ${row.answer}`.toLowerCase();
  return original.filter((w) => text.includes(w)).length / original.length;
}

/**
 * Hits less than this share as relevant as the best one are left out: a question shares a common
 * word (保险, 办理) with many entries that do not answer it.
 */
const RELATIVE_CUTOFF = 0.25;
/** How many of the index's best matches are looked at (expired ones among them are dropped). */
const CANDIDATES = 200;
/**
 * In a large knowledge base, a word found in more than this share of the entries (办理, 材料) tells
 * them apart hardly at all (bm25 gives it almost no weight) but makes the index score most of the
 * base: such words are left out of the query when rarer ones remain.
 */
const COMMON_SHARE = 0.2;
const PRUNE_FROM_ENTRIES = 1_000;

/** Per connection: the index's vocabulary (fts5vocab, in the connection's temp schema). */
const vocabularies = new WeakSet<object>();

function withoutCommonWords(db: Db, words: string[]): string[] {
  if (words.length < 2) return words;
  // The highest entry id stands for the size of the base (a count would read every row).
  const indexed = db.get<{ n: number | null }>(sql`select max(id) as n from knowledge_entries`)?.n ?? 0;
  if (indexed < PRUNE_FROM_ENTRIES) return words;
  const connection = connectionOf(db);
  if (!vocabularies.has(connection)) {
    db.run(sql.raw('create virtual table if not exists temp.knowledge_vocab using fts5vocab(main, knowledge_fts, row)'));
    vocabularies.add(connection);
  }
  // One lookup per word: fts5vocab finds `term = ?` in the index, but scans it all for `term in (…)`.
  const docs = new Map(words.map((w) => [w, db.get<{ doc: number }>(sql`select doc from temp.knowledge_vocab where term = ${w}`)?.doc ?? 0]));
  const telling = words.filter((w) => (docs.get(w) ?? 0) > 0 && (docs.get(w) ?? 0) <= indexed * COMMON_SHARE);
  return telling.length > 0 ? telling : words;
}

interface Row {
  score?: number;
  keywords?: string;
  entryId: number;
  version: number;
  title: string;
  answer: string;
  department: string;
  categories: string;
  hotline: string | null;
  validUntil: string | null;
  publishedAt: string;
}

const COLUMNS = sql.raw(
  'e.id as entryId, v.version as version, v.title as title, v.answer as answer, v.department as department, v.categories as categories, v.hotline as hotline, v.valid_until as validUntil, v.published_at as publishedAt',
);
const IN_FORCE = (today: string): SQL =>
  sql`e.published_version is not null and (v.valid_from is null or v.valid_from <= ${today}) and (v.valid_until is null or v.valid_until >= ${today})`;

function hitOf({ score: _score, keywords: _keywords, ...row }: Row, words: readonly string[]): KnowledgeHit {
  return {
    ...row,
    categories: JSON.parse(row.categories) as string[],
    titleHtml: highlight(row.title, words),
    snippetHtml: snippet(row.answer, words),
  };
}

export function searchKnowledge(db: Db, search: KnowledgeSearch, segmenter: TextSegmenter = jiebaSegmenter): KnowledgeHit[] {
  const words = withoutCommonWords(db, queryWords(segmenter, search.text));
  const match = ftsMatchExpression(words);
  if (match === null) return [];
  const limit = search.limit ?? 10;
  const original = queryWords(segmenter, search.text, { synonyms: false });
  // The index alone ranks first (joining every match before sorting costs 10× more on a large base);
  // the best CANDIDATES are then checked for being in force and re-ranked.
  const rows = db.all<Row & { score: number; keywords: string }>(sql`
    with top as (
      select rowid as id, ${WEIGHTS} as rank from knowledge_fts where knowledge_fts match ${match} order by rank limit ${CANDIDATES}
    )
    select ${COLUMNS}, v.keywords as keywords, top.rank - (case when v.hotline = ${search.hotline ?? ''} then ${HOTLINE_BONUS} else 0 end) as score
    from top
    join knowledge_entries e on e.id = top.id
    join knowledge_versions v on v.entry_id = e.id and v.version = e.published_version
    where ${IN_FORCE(search.today)}
    order by score, e.id
    limit ${Math.max(limit * 3, 30)}`);
  // bm25 is negative, more negative for a better match.
  const ranked = rows.map((r) => ({ ...r, score: r.score * (1 + coverage(r, original)) })).sort((a, b) => a.score - b.score || a.entryId - b.entryId);
  const best = ranked[0]?.score ?? 0;
  return ranked
    .filter((r) => r.score <= best * RELATIVE_CUTOFF)
    .slice(0, limit)
    .map((row) => hitOf(row, words));
}

/** The hotline's own entries in force, newest first: suggestions when nothing else is known. */
export function hotlineKnowledge(db: Db, hotline: string, today: string, limit: number): KnowledgeHit[] {
  const rows = db.all<Row>(sql`
    select ${COLUMNS}
    from knowledge_entries e
    join knowledge_versions v on v.entry_id = e.id and v.version = e.published_version
    where v.hotline = ${hotline} and ${IN_FORCE(today)}
    order by v.published_at desc, e.id
    limit ${limit}`);
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
export function suggestKnowledge(db: Db, context: KnowledgeContext, segmenter: TextSegmenter = jiebaSegmenter): KnowledgeHit[] {
  const limit = context.limit ?? 5;
  const text = context.texts.filter((t) => t.trim() !== '').join(' ');
  const hits = text ? searchKnowledge(db, { text, today: context.today, hotline: context.hotline ?? null, limit }, segmenter) : [];
  if (hits.length < limit && context.hotline) {
    const seen = new Set(hits.map((h) => h.entryId));
    for (const hit of hotlineKnowledge(db, context.hotline, context.today, limit)) {
      if (hits.length >= limit) break;
      if (!seen.has(hit.entryId)) hits.push(hit);
    }
  }
  return hits;
}
