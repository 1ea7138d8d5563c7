/**
 * A statement prepared once (`statement()`, run straight on the driver by sqlite-direct.ts on SQLite
 * and pg-direct.ts on PostgreSQL) gives what the same query gives built and run by drizzle each time:
 * the rows with their JSON and boolean columns decoded, counts as numbers, inserted rows, run results,
 * and the same error for a missing value; inside a transaction it is part of that transaction. On
 * both databases (`CTI_TEST_DB=postgres` runs this file on PostgreSQL).
 */
import { count, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { changedRows, first, fixedLimit, statement } from '../../store/prepared.js';
import { pgClientOf, pgDirectRun } from '../../store/pg-direct.js';
import { directRun } from '../../store/sqlite-direct.js';
import { atomically, calls, findCallByLinkedId, recordCallArrival, setCallIvrSteps, skills } from '../../store/index.js';
import { testStoresClosedAfterEach } from '../support/test-stores.js';
import { TestClock } from '../support/test-clock.js';

const store = testStoresClosedAfterEach(() => new TestClock('2026-03-01T00:00:00.000Z'));

const ARRIVAL = {
  channelId: 'ch-1',
  channelName: 'PJSIP/trunk-00000001',
  callerNumber: '13900001111',
  dialledNumber: '12345',
  routeId: null,
  arrivedAt: '2026-03-01T08:00:00.000Z',
};

describe('prepared statements', () => {
  it('read a call row as drizzle does: its IVR steps as JSON, its flags as booleans, its empty columns as null', async () => {
    const { db } = await store();
    await recordCallArrival(db, { ...ARRIVAL, linkedId: 'call-1', duringOutage: true });
    await setCallIvrSteps(db, 'call-1', [{ menu: '主菜单', digit: '2', action: 'queue:tax' }]);
    const prepared = await findCallByLinkedId(db, 'call-1');
    const built = first(await db.select().from(calls).where(eq(calls.linkedId, 'call-1')));
    expect(prepared).toEqual(built);
    expect(prepared?.ivrSteps).toEqual([{ menu: '主菜单', digit: '2', action: 'queue:tax' }]);
    expect(prepared?.duringOutage).toBe(true);
    expect(prepared?.answeredAt).toBeNull();
  });

  it('give a count as a number, an insert its returned row and a write its changed rows', async () => {
    const { db } = await store();
    const insert = statement(db, 'test-skill-insert', (d) =>
      d
        .insert(skills)
        .values({ code: sql.placeholder('code'), name: sql.placeholder('name') })
        .returning(),
    );
    const [inserted] = await insert.execute({ code: 'tax', name: '税务' });
    expect(inserted).toEqual(first(await db.select().from(skills).where(eq(skills.code, 'tax'))));
    const counted = await statement(db, 'test-skill-count', (d) => d.select({ n: count() }).from(skills).where(eq(skills.code, sql.placeholder('code')))).execute({ code: 'tax' });
    expect(counted).toEqual([{ n: 1 }]);
    const renamed = await statement(db, 'test-skill-rename', (d) => d.update(skills).set({ name: sql`${sql.placeholder('name')}` }).where(eq(skills.code, sql.placeholder('code')))).execute({
      code: 'tax',
      name: '税务服务',
    });
    expect(changedRows(renamed)).toBe(1);
    expect(first(await db.select({ name: skills.name }).from(skills).where(eq(skills.code, 'tax')))?.name).toBe('税务服务');
  });

  it('refuse to prepare once a statement whose LIMIT is bound (SQLite would plan it anew on every run), and keep one written into its text', async () => {
    const { db } = await store();
    await db.insert(skills).values({ code: 'tax', name: '税务' });
    expect(() => statement(db, 'test-skill-bound-limit', (d) => d.select().from(skills).where(eq(skills.code, sql.placeholder('code'))).limit(1))).toThrow('fixedLimit');
    const written = statement(db, 'test-skill-written-limit', (d) => d.select({ name: skills.name }).from(skills).where(eq(skills.code, sql.placeholder('code'))).limit(fixedLimit(1)));
    expect(await written.execute({ code: 'tax' })).toEqual([{ name: '税务' }]);
  });

  it('refuse a run without a value for one of its placeholders, naming it', async () => {
    const { db } = await store();
    const byCode = statement(db, 'test-skill-by-code-missing', (d) => d.select().from(skills).where(eq(skills.code, sql.placeholder('code'))));
    await expect(byCode.execute({})).rejects.toThrow('No value for placeholder "code" was provided');
  });

  it('on SQLite, run the call path\'s queries straight on the driver (a drizzle whose prepared queries look otherwise falls back)', async () => {
    const { db, dialect } = await store();
    if (dialect !== 'sqlite') return;
    expect(directRun(db.select().from(calls).where(eq(calls.linkedId, sql.placeholder('linkedId'))).prepare())).not.toBeNull();
    expect(directRun(db.select({ n: count() }).from(calls).prepare())).not.toBeNull();
    expect(directRun({ stmt: null })).toBeNull();
  });

  it('inside a transaction, write and read as part of it: seen there before the commit, gone with a rollback', async () => {
    const { db } = await store();
    const insert = (d: typeof db) => statement(d, 'test-skill-insert-tx', (h) => h.insert(skills).values({ code: sql.placeholder('code'), name: sql.placeholder('name') }));
    const byCode = (d: typeof db) => statement(d, 'test-skill-by-code-tx', (h) => h.select({ name: skills.name }).from(skills).where(eq(skills.code, sql.placeholder('code'))));
    const failed = atomically(db, async (tx) => {
      await insert(tx).execute({ code: 'gone', name: '撤销' });
      expect(await byCode(tx).execute({ code: 'gone' })).toEqual([{ name: '撤销' }]);
      throw new Error('roll back');
    });
    await expect(failed).rejects.toThrow('roll back');
    expect(await byCode(db).execute({ code: 'gone' })).toEqual([]);
    // The same statements, outside any transaction, after having run inside one.
    await insert(db).execute({ code: 'kept', name: '保留' });
    expect(await byCode(db).execute({ code: 'kept' })).toEqual([{ name: '保留' }]);
  });

  it('on PostgreSQL, run the call path\'s queries straight on the pool or the transaction\'s client (a drizzle whose prepared queries look otherwise falls back)', async () => {
    const { db, dialect } = await store();
    if (dialect !== 'postgres') return;
    expect(pgClientOf(db)).not.toBeNull();
    await atomically(db, (tx) => {
      expect(pgClientOf(tx)).not.toBeNull();
      expect(pgClientOf(tx)).not.toBe(pgClientOf(db));
      return Promise.resolve();
    });
    expect(pgDirectRun(db.select().from(calls).where(eq(calls.linkedId, sql.placeholder('linkedId'))).prepare())).not.toBeNull();
    expect(pgDirectRun(db.select({ n: count() }).from(calls).prepare())).not.toBeNull();
    expect(pgDirectRun({ params: [], queryConfig: { text: 'select 1' } })).toBeNull();
  });
});
