/**
 * The store's transactions on both databases (`CTI_TEST_DB=postgres` runs this file on PostgreSQL):
 * all or nothing, nested calls join the open transaction, and on SQLite's one connection the work of
 * another caller arriving meanwhile is neither part of an open transaction nor lost with its rollback.
 */
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { first, statement } from '../../store/prepared.js';
import { atomically, clockOf, progressWrite, skills, type Db } from '../../store/index.js';
import { testStoresClosedAfterEach } from '../support/test-stores.js';
import { TestClock } from '../support/test-clock.js';

const store = testStoresClosedAfterEach(() => new TestClock('2026-03-01T00:00:00.000Z'));

async function codes(db: Db): Promise<string[]> {
  return (await db.select({ code: skills.code }).from(skills).orderBy(skills.code)).map((r) => r.code);
}

/** A turn of the event loop: another caller's work may run here. */
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('transactions', () => {
  it('keeps everything a transaction wrote, or nothing when it fails', async () => {
    const { db } = await store();
    await atomically(db, async (tx) => {
      await tx.insert(skills).values({ code: 'kept-a', name: '甲' });
      await tx.insert(skills).values({ code: 'kept-b', name: '乙' });
    });
    await expect(
      atomically(db, async (tx) => {
        await tx.insert(skills).values({ code: 'lost', name: '丙' });
        throw new Error('受理失败');
      }),
    ).rejects.toThrow('受理失败');
    expect(await codes(db)).toEqual(['kept-a', 'kept-b']);
  });

  it('runs a transaction given a transaction handle as part of it', async () => {
    const { db } = await store();
    await expect(
      atomically(db, async (tx) => {
        await progressWrite(tx, async (inner) => {
          await inner.insert(skills).values({ code: 'inner', name: '内' });
        });
        throw new Error('外层失败');
      }),
    ).rejects.toThrow('外层失败');
    expect(await codes(db)).toEqual([]);
  });

  it('does not lose work that runs beside a transaction that rolls back', async () => {
    const { db } = await store();
    const failing = atomically(db, async (tx) => {
      await tx.insert(skills).values({ code: 'rolled-back', name: '回滚' });
      await tick();
      throw new Error('中途失败');
    });
    const beside = progressWrite(db, async (tx) => {
      await tx.insert(skills).values({ code: 'beside', name: '并行' });
    });
    await expect(failing).rejects.toThrow('中途失败');
    await beside;
    expect(await codes(db)).toEqual(['beside']);
  });

  it('lets many transactions of many callers run at once, each whole', async () => {
    const { db } = await store();
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        atomically(db, async (tx) => {
          await tx.insert(skills).values({ code: `s${String(i).padStart(2, '0')}`, name: `技能${i}` });
          await tick();
          await tx.update(skills).set({ name: `技能${i}（已确认）` }).where(eq(skills.code, `s${String(i).padStart(2, '0')}`));
        }),
      ),
    );
    const rows = await db.select().from(skills);
    expect(rows).toHaveLength(20);
    expect(rows.every((r) => r.name.endsWith('（已确认）'))).toBe(true);
  });

  it('reads with a statement prepared once, inside and outside a transaction, and keeps the clock', async () => {
    const { db } = await store();
    const byCode = (h: Db) => statement(h, 'test-skill-by-code', (d) => d.select().from(skills).where(eq(skills.code, sql.placeholder('code'))));
    await atomically(db, async (tx) => {
      await tx.insert(skills).values({ code: 'x', name: '某' });
      expect(first(await byCode(tx).execute({ code: 'x' }))?.name).toBe('某');
      expect(clockOf(tx).now().toISOString()).toMatch(/^2026-03-01T/);
    });
    expect(first(await byCode(db).execute({ code: 'x' }))?.name).toBe('某');
    expect(first(await byCode(db).execute({ code: 'y' }))).toBeUndefined();
  });
});
