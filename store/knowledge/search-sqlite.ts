/**
 * The knowledge index on SQLite: the FTS5 table `knowledge_fts` (rowid = entry id; migration
 * 0016_knowledge_base.sql), ranked by bm25, and its vocabulary (fts5vocab) for document frequencies.
 * Only search.ts, entries.ts and reindex.ts call these, after asking `dialectOf`.
 */
import { sql, type SQL } from 'drizzle-orm';
import { connectionOf } from '../connection.js';
import type { Db } from '../db.js';
import { rawRows } from '../prepared.js';
import { ftsMatchExpression } from './search-query.js';
import { CANDIDATES, publishedCandidates, type CandidateSearch, type IndexedText, type RankedRow } from './search-rows.js';

/** bm25 column weights: title, body (the answer), keywords (with categories and department). */
const WEIGHTS = sql.raw('bm25(knowledge_fts, 10.0, 1.0, 5.0)');

/** Puts an entry's text into the index, replacing what was there. */
export function indexEntrySqlite(db: Db, entryId: number, text: IndexedText): Promise<void> {
  // better-sqlite3 runs these at once; FTS5 has no upsert, so a delete first.
  db.run(sql`delete from knowledge_fts where rowid = ${entryId}`);
  db.run(sql`insert into knowledge_fts (rowid, title, body, keywords) values (${entryId}, ${text.title}, ${text.body}, ${text.keywords})`);
  return Promise.resolve();
}

export function unindexEntrySqlite(db: Db, entryId: number): Promise<void> {
  db.run(sql`delete from knowledge_fts where rowid = ${entryId}`);
  return Promise.resolve();
}

/** True where the entry `id` names has no row in the index. */
export function notIndexedSqlite(id: SQL): SQL {
  return sql`not exists (select 1 from knowledge_fts f where f.rowid = ${id})`;
}

/** Per connection: the index's vocabulary (fts5vocab, in the connection's temp schema). */
const vocabularies = new WeakSet<object>();

/** In how many indexed entries each word occurs. */
export async function documentFrequenciesSqlite(db: Db, words: readonly string[]): Promise<Map<string, number>> {
  const connection = connectionOf(db);
  if (!vocabularies.has(connection)) {
    db.run(sql.raw('create virtual table if not exists temp.knowledge_vocab using fts5vocab(main, knowledge_fts, row)'));
    vocabularies.add(connection);
  }
  // One lookup per word: fts5vocab finds `term = ?` in the index, but scans it all for `term in (…)`.
  const docs = new Map<string, number>();
  for (const w of words) {
    const [row] = await rawRows<{ doc: number }>(db, sql`select doc from temp.knowledge_vocab where term = ${w}`);
    docs.set(w, row?.doc ?? 0);
  }
  return docs;
}

/** The best matches in force, with their bm25 score (negative, more negative for a better match). */
export async function candidatesSqlite(db: Db, search: CandidateSearch): Promise<RankedRow[]> {
  const match = ftsMatchExpression(search.words);
  if (match === null) return [];
  // The index alone ranks first (joining every match before sorting costs 10× more on a large base);
  // the best CANDIDATES are then checked for being in force and re-ranked.
  return rawRows<RankedRow>(
    db,
    sql`
    with top as (
      select rowid as id, ${WEIGHTS} as rank from knowledge_fts where knowledge_fts match ${match} order by rank limit ${CANDIDATES}
    )
    ${publishedCandidates(sql`top.rank`, search)}`,
  );
}
