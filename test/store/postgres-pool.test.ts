/**
 * The PostgreSQL store's connection pool: a connection ended from outside (a restarted server, an
 * administrator's `pg_terminate_backend`) is reported and replaced, not fatal; closing the store
 * leaves no connection open. Runs on the machine's PostgreSQL whatever database the rest of the run uses.
 */
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { findCallByLinkedId, openPostgresStore, type Store } from '../../store/index.js';
import { createPostgresDatabase, TEST_PG_URL } from '../support/test-database.js';
import { TestClock } from '../support/test-clock.js';
import { waitFor } from '../support/sim-client.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()?.();
});

async function admin<T>(query: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_PG_URL });
  await client.connect();
  try {
    return await query(client);
  } finally {
    await client.end();
  }
}

/** Ends every session on `database` from outside, over `client`; how many there were. */
const endSessionsOn = async (client: pg.Client, database: string) =>
  (await client.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1', [database])).rowCount ?? 0;

async function store(lost: Error[] = []): Promise<{ store: Store; database: string }> {
  const created = await createPostgresDatabase();
  cleanup.push(created.drop);
  const opened = await openPostgresStore(created.url, new TestClock('2026-03-01T00:00:00.000Z'), { onConnectionLost: (error) => lost.push(error) });
  let closed = false;
  cleanup.push(async () => {
    if (!closed) await opened.close();
  });
  return {
    store: { ...opened, close: async () => ((closed = true), await opened.close()) },
    database: new URL(created.url).pathname.slice(1),
  };
}

describe('PostgreSQL pool', () => {
  it('an idle connection ended from outside is reported, and the next query opens a new one', async () => {
    const lost: Error[] = [];
    const { store: s, database } = await store(lost);
    await findCallByLinkedId(s.db, 'none');
    expect(await admin((client) => endSessionsOn(client, database))).toBeGreaterThan(0);
    await waitFor(() => lost.length > 0, 'the lost connection reported');
    expect(lost[0]?.message).toMatch(/terminating connection/);
    await expect(findCallByLinkedId(s.db, 'none')).resolves.toBeUndefined();
  });

  it('closing the store leaves no connection open on the server, so ending sessions afterwards (a dropped database) reaches none of it', async () => {
    const { store: s, database } = await store();
    // Several at once: the pool opens a connection for each.
    await Promise.all(Array.from({ length: 5 }, (_, i) => findCallByLinkedId(s.db, `none-${i}`)));
    // Connected beforehand, so that the sessions are ended the moment the close is done. A connection
    // still closing then would get the server's FATAL with nobody listening: an uncaught error.
    await admin(async (client) => {
      await s.close();
      expect(await endSessionsOn(client, database)).toBe(0);
    });
  });
});
