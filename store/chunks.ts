/** Ids per `IN (…)` list: well under SQLite's limit on bound parameters, and few queries for thousands of ids. */
const ID_CHUNK = 500;

/** Runs `query` on `ids` a few hundred at a time and joins the rows: one query per chunk, not one per id; the chunks run one after another. */
export async function inChunks<T, R>(ids: readonly T[], query: (chunk: T[]) => Promise<R[]>): Promise<R[]> {
  const rows: R[] = [];
  for (let i = 0; i < ids.length; i += ID_CHUNK) rows.push(...(await query(ids.slice(i, i + ID_CHUNK))));
  return rows;
}
