/**
 * The index holds every entry with a published version (search-sqlite.ts, search-postgres.ts):
 * publishing writes its row, withdrawing deletes it. When the way text is segmented changes (a new
 * normalisation in segmenter.ts), a migration empties the index and the server fills it again here
 * at start-up, before it answers searches — a migration cannot run jieba. Also mends a row lost any
 * other way.
 */
import { and, asc, eq, isNotNull, sql } from 'drizzle-orm';
import type { Db } from '../db.js';
import { dialectOf } from '../dialect.js';
import { atomically } from '../durability.js';
import { knowledgeEntries, knowledgeVersions } from '../schema.js';
import { indexKnowledgeVersion } from './entries.js';
import { notIndexedPostgres } from './search-postgres.js';
import { notIndexedSqlite } from './search-sqlite.js';
import { jiebaSegmenter, type TextSegmenter } from './segmenter.js';

/** Entries indexed per transaction: a large base is not one long write that holds up the others. */
const BATCH = 200;

/** Indexes the published version of every entry missing from the index; returns how many. */
export async function indexMissingKnowledge(db: Db, segmenter: TextSegmenter = jiebaSegmenter): Promise<number> {
  const id = sql`${knowledgeEntries.id}`;
  const missing = dialectOf(db) === 'postgres' ? notIndexedPostgres(id) : notIndexedSqlite(id);
  let indexed = 0;
  for (;;) {
    const done = await atomically(db, async (tx) => {
      const versions = await tx
        .select({ version: knowledgeVersions })
        .from(knowledgeEntries)
        .innerJoin(knowledgeVersions, and(eq(knowledgeVersions.entryId, knowledgeEntries.id), eq(knowledgeVersions.version, knowledgeEntries.publishedVersion)))
        .where(and(isNotNull(knowledgeEntries.publishedVersion), missing))
        .orderBy(asc(knowledgeEntries.id))
        .limit(BATCH);
      for (const { version } of versions) await indexKnowledgeVersion(tx, version, segmenter);
      return versions.length;
    });
    indexed += done;
    if (done < BATCH) return indexed;
  }
}
