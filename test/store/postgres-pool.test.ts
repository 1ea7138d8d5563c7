/**
 * The PostgreSQL store's connection pool: a connection ended from outside (a restarted server, an
 * administrator's `pg_terminate_backend`) is reported and replaced, not fatal, also in the middle of a
 * transaction; a progress write commits without waiting for the WAL's flush, and only it; closing the
 * store leaves no connection open. Runs on the machine's PostgreSQL whatever database the rest of the
 * run uses.
 */
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { innermostMessage } from '../../cti/logging.js';
import { atomically, findCallByLinkedId, openPostgresStore, progressWrite, skills, type Store } from '../../store/index.js';
import { rawRows } from '../../store/prepared.js';
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

/**
 * What a connection ended by the server reports: usually its FATAL message, but when the closed socket's
 * reset reaches the client before that message has been read, Node's `read ECONNRESET` (or pg's own words
 * for a socket that ended without one). Either way it is the same loss, reported once through the pool.
 */
const CONNECTION_LOST = /terminating connection|ECONNRESET|Connection terminated unexpectedly/;

/** Ends every session on `database` from outside, over `client`; how many there were. */
const endSessionsOn = async (client: pg.Client, database: string) =>
  (await client.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1', [database])).rowCount ?? 0;

async function store(lost: Error[] = [], bounds: { lockTimeoutMs?: number; idleInTransactionMs?: number } = {}): Promise<{ store: Store; database: string; url: string }> {
  const created = await createPostgresDatabase();
  cleanup.push(created.drop);
  const opened = await openPostgresStore(created.url, new TestClock('2026-03-01T00:00:00.000Z'), { onConnectionLost: (error) => lost.push(error), ...bounds });
  let closed = false;
  cleanup.push(async () => {
    if (!closed) await opened.close();
  });
  return {
    store: { ...opened, close: async () => ((closed = true), await opened.close()) },
    database: new URL(created.url).pathname.slice(1),
    url: created.url,
  };
}

describe('PostgreSQL pool', () => {
  it('an idle connection ended from outside is reported, and the next query opens a new one', async () => {
    const lost: Error[] = [];
    const { store: s, database } = await store(lost);
    await findCallByLinkedId(s.db, 'none');
    expect(await admin((client) => endSessionsOn(client, database))).toBeGreaterThan(0);
    await waitFor(() => lost.length > 0, 'the lost connection reported');
    expect(lost[0]?.message).toMatch(CONNECTION_LOST);
    await expect(findCallByLinkedId(s.db, 'none')).resolves.toBeUndefined();
  });

  it('a progress write commits without waiting for the flush; a durable transaction, and the same connection afterwards, wait for it', async () => {
    const { store: s } = await store();
    const setting = async (db: Store['db']) => (await rawRows<{ value: string }>(db, sql`select current_setting('synchronous_commit') as value`))[0]?.value;
    expect(await progressWrite(s.db, setting)).toBe('off');
    expect(await atomically(s.db, setting)).toBe('on');
    // One connection after the other on the same pool: SET LOCAL ended with its transaction.
    expect(await setting(s.db)).toBe('on');
    expect(await progressWrite(s.db, async (tx) => (await rawRows<{ pid: number }>(tx, sql`select pg_backend_pid() as pid`))[0]?.pid)).toBe(
      (await rawRows<{ pid: number }>(s.db, sql`select pg_backend_pid() as pid`))[0]?.pid,
    );
  });

  it('a transaction whose connection is ended midway fails whole, the loss is reported, and the next one runs on a new connection', async () => {
    const lost: Error[] = [];
    const { store: s } = await store(lost);
    const failed = atomically(s.db, async (tx) => {
      await tx.insert(skills).values({ code: 'half', name: '一半' });
      const [own] = await rawRows<{ pid: number }>(tx, sql`select pg_backend_pid() as pid`);
      await admin((client) => client.query('select pg_terminate_backend($1)', [own?.pid]));
      await tx.insert(skills).values({ code: 'rest', name: '另一半' });
    });
    await expect(failed).rejects.toThrow();
    await waitFor(() => lost.length > 0, 'the lost connection reported');
    expect(lost[0]?.message).toMatch(CONNECTION_LOST);
    await atomically(s.db, async (tx) => {
      await tx.insert(skills).values({ code: 'after', name: '之后' });
    });
    expect((await s.db.select({ code: skills.code }).from(skills)).map((r) => r.code)).toEqual(['after']);
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

  it("a write behind a lock someone else holds fails after the bound with a reason, and goes through once the lock is gone", async () => {
    const { store: s, url } = await store([], { lockTimeoutMs: 200 });
    // An administrator's open transaction in psql holds the table (an ALTER TABLE would, too).
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    cleanup.push(() => holder.end());
    await holder.query('begin');
    await holder.query('lock table skills in access exclusive mode');
    const write = () =>
      atomically(s.db, async (tx) => {
        await tx.insert(skills).values({ code: 'behind-lock', name: '锁后' });
      });
    expect(innermostMessage(await write().then(() => undefined, (error: unknown) => error))).toMatch(/lock timeout/);
    await holder.query('rollback');
    await write();
    expect((await s.db.select({ code: skills.code }).from(skills)).map((r) => r.code)).toEqual(['behind-lock']);
  });

  it('a transaction stuck midway is ended by PostgreSQL after the bound: its writes undone, its locks freed, the loss reported', async () => {
    const lost: Error[] = [];
    const { store: s } = await store(lost, { idleInTransactionMs: 200 });
    const stuck = atomically(s.db, async (tx) => {
      await tx.insert(skills).values({ code: 'stuck', name: '卡住' });
      // Waits on something that is not the database, far past the bound.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await tx.insert(skills).values({ code: 'stuck-2', name: '卡住二' });
    });
    await expect(stuck).rejects.toThrow();
    await waitFor(() => lost.length > 0, 'the ended session reported');
    // The row it had written is gone and the table is free: the next write goes through at once.
    await atomically(s.db, async (tx) => {
      await tx.insert(skills).values({ code: 'after', name: '之后' });
    });
    expect((await s.db.select({ code: skills.code }).from(skills)).map((r) => r.code)).toEqual(['after']);
  });
});
