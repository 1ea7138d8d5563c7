/**
 * A statement prepared once (`statement()`, run on SQLite straight on the driver's statement by
 * sqlite-direct.ts) gives what the same query gives built and run by drizzle each time: the rows with
 * their JSON and boolean columns decoded, counts as numbers, inserted rows, run results, and the same
 * error for a missing value. On both databases (`CTI_TEST_DB=postgres` runs this file on PostgreSQL).
 */
import { count, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { changedRows, first, statement } from '../../store/prepared.js';
import { directRun } from '../../store/sqlite-direct.js';
import { calls, findCallByLinkedId, recordCallArrival, setCallIvrSteps, skills } from '../../store/index.js';
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
});
