/**
 * The knowledge index on PostgreSQL: the table `knowledge_search` (migration
 * 0001_knowledge_search.sql of store/migrations-pg), one row per published entry holding the same
 * segmented text as SQLite's `knowledge_fts`, and a generated `tsvector` of it in the 'simple'
 * configuration (split at the spaces, lowercased, nothing stemmed or dropped) weighing the title (A)
 * above the keywords (B) and those above the answer (C). Queries are `to_tsquery('simple', …)` of the
 * same words, ranked like bm25 with `ts_rank_cd` giving each word's weighted frequency. Only search.ts, entries.ts and
 * reindex.ts call these, after asking `dialectOf`.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db.js';
import { rawRows } from '../prepared.js';
import { CANDIDATES, publishedCandidates, type CandidateSearch, type IndexedText, type RankedRow } from './search-rows.js';

/**
 * ts_rank_cd's weights for D, C (the answer), B (keywords with categories and department), A (the
 * title). ts_rank_cd of a one-word query is the sum of the weights of the word's occurrences: scaled
 * by TF_SCALE, the same weighted term frequency as SQLite's bm25 with column weights 10, 1, 5.
 */
const WEIGHTS = sql.raw(`'{0, 0.1, 0.5, 1.0}'::float4[]`);
const TF_SCALE = 10;
/** bm25's term-frequency saturation, as FTS5's (k1 = 1.2). */
const K1 = 1.2;

async function execute(db: Db, query: SQL): Promise<void> {
  await rawRows(db, query);
}

/** Puts an entry's text into the index, replacing what was there (the tsvector follows by itself). */
export async function indexEntryPostgres(db: Db, entryId: number, text: IndexedText): Promise<void> {
  await execute(
    db,
    sql`insert into knowledge_search (entry_id, title, body, keywords) values (${entryId}, ${text.title}, ${text.body}, ${text.keywords})
    on conflict (entry_id) do update set title = excluded.title, body = excluded.body, keywords = excluded.keywords`,
  );
}

export async function unindexEntryPostgres(db: Db, entryId: number): Promise<void> {
  await execute(db, sql`delete from knowledge_search where entry_id = ${entryId}`);
}

/** True where the entry `id` names has no row in the index. */
export function notIndexedPostgres(id: SQL): SQL {
  return sql`not exists (select 1 from knowledge_search s where s.entry_id = ${id})`;
}

/**
 * One word as a tsquery operand: quoted, so that its characters are never read as operators (the
 * parser still splits it as it split the indexed text, so both sides meet).
 */
export function tsqueryWord(word: string): string {
  return `'${word.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
}

/** In how many indexed entries each word occurs: one count per word, by the GIN index, in one statement. */
export async function documentFrequenciesPostgres(db: Db, words: readonly string[]): Promise<Map<string, number>> {
  if (words.length === 0) return new Map();
  const list = sql.join(
    words.map((w) => sql`(${w}, ${tsqueryWord(w)})`),
    sql`, `,
  );
  const rows = await rawRows<{ word: string; doc: number | string }>(
    db,
    sql`select w.word as "word", (select count(*) from knowledge_search s where s.document @@ to_tsquery('simple', w.query)) as "doc"
    from (values ${list}) as w (word, query)`,
  );
  return new Map(rows.map((r) => [r.word, Number(r.doc)]));
}

/**
 * The best matches in force, scored like SQLite's bm25 (negative, more negative for a better match):
 * per word, its inverse document frequency (FTS5's formula) times its saturated weighted frequency in
 * the entry (ts_rank_cd of the word alone), summed over the words. Unlike FTS5's bm25 the length of
 * the entry is not counted (b = 0): entries are short and of like length.
 */
export async function candidatesPostgres(db: Db, search: CandidateSearch): Promise<RankedRow[]> {
  if (search.words.length === 0) return [];
  const words = sql.join(
    search.words.map((w) => sql`(to_tsquery('simple', ${tsqueryWord(w)}))`),
    sql`, `,
  );
  // As on SQLite, the index alone ranks first; the best CANDIDATES are then checked for being in force.
  return rawRows<RankedRow>(
    db,
    sql`
    with words (query) as (values ${words}),
    total as (select count(*)::float8 as n from knowledge_search),
    weighted as (
      select w.query, greatest(ln((total.n - d.df + 0.5) / (d.df + 0.5)), 1e-6) as idf
      from words w
      cross join total
      cross join lateral (select count(*)::float8 as df from knowledge_search s where s.document @@ w.query) d
      where d.df > 0
    ),
    matched as (
      select s.entry_id as id, weighted.idf, ${TF_SCALE} * ts_rank_cd(${WEIGHTS}, s.document, weighted.query) as tf
      from weighted
      join knowledge_search s on s.document @@ weighted.query
    ),
    top as (
      select id, sum(idf * tf * ${K1 + 1} / (tf + ${K1})) as rank from matched group by id order by rank desc, id limit ${CANDIDATES}
    )
    ${publishedCandidates(sql`(-top.rank)::float8`, search)}`,
  );
}
