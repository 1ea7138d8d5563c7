/**
 * What both databases' searches select (search-sqlite.ts, search-postgres.ts): the published version
 * of an entry in force on a day, in the same row shape. Column aliases are quoted, so PostgreSQL keeps
 * their case as SQLite does.
 */
import { sql, type SQL } from 'drizzle-orm';

export interface Row {
  /** Smaller is better (SQLite's bm25 is negative; PostgreSQL's rank is negated to match). */
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

/** A candidate of the index, joined to its published version. */
export type RankedRow = Row & { score: number; keywords: string };

/** The segmented text of one entry, as both indexes store it (words separated by spaces). */
export interface IndexedText {
  title: string;
  body: string;
  /** Keywords, categories and department. */
  keywords: string;
}

/** What one search of the index asks for. */
export interface CandidateSearch {
  /** The words to look for (any of them). */
  words: readonly string[];
  today: string;
  /** The call's hotline, whose entries rank first ('' for none). */
  hotline: string;
  /** How many rows at most. */
  limit: number;
}

export const COLUMNS = sql.raw(
  'e.id as "entryId", v.version as "version", v.title as "title", v.answer as "answer", v.department as "department", v.categories as "categories", v.hotline as "hotline", v.valid_until as "validUntil", v.published_at as "publishedAt"',
);

export const IN_FORCE = (today: string): SQL =>
  sql`e.published_version is not null and (v.valid_from is null or v.valid_from <= ${today}) and (v.valid_until is null or v.valid_until >= ${today})`;

/** How many of the index's best matches are looked at (expired ones among them are dropped). */
export const CANDIDATES = 200;

/** How far an entry of the call's own hotline moves up (subtracted from the score). */
const HOTLINE_BONUS = 3;

/**
 * The rest of a search after its `top` CTE (the index's best candidates, `id` and `rank`): each
 * candidate's published version in force, scored by `rank` (smaller is better) less the hotline
 * bonus, best first.
 */
export function publishedCandidates(rank: SQL, search: CandidateSearch): SQL {
  return sql`
    select ${COLUMNS}, v.keywords as "keywords",
      (${rank} - (case when v.hotline = ${search.hotline} then ${HOTLINE_BONUS} else 0 end)) as "score"
    from top
    join knowledge_entries e on e.id = top.id
    join knowledge_versions v on v.entry_id = e.id and v.version = e.published_version
    where ${IN_FORCE(search.today)}
    order by "score", e.id
    limit ${search.limit}`;
}
