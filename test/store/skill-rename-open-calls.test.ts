/**
 * A skill's new code is written on the calls still open that name its old one, in the rename's
 * commit (a server restarted while they wait puts them back in line by it); ended calls keep the code
 * they were served under, and calls of other skills are left alone. On SQLite or, with
 * `CTI_TEST_DB=postgres`, on PostgreSQL.
 */
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { calls, createSkill, endCall, recordCallArrival, setCallQueued, updateSkill, type Store } from '../../store/index.js';
import { TestClock } from '../support/test-clock.js';
import { openTestStore } from '../support/test-database.js';
import { trunkArrival } from '../support/seed-calls.js';

let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

describe('a skill whose code is renamed', () => {
  it('gives its new code to its open calls only', async () => {
    store = await openTestStore(new TestClock('2026-11-20T02:00:00.000Z'));
    const { db } = store;
    const market = await createSkill(db, { code: 'market-12315', name: 'm' });
    await createSkill(db, { code: 'general', name: 'g' });
    for (const [id, skill] of [['waiting', 'market-12315'], ['served', 'market-12315'], ['other', 'general']] as const) {
      await recordCallArrival(db, trunkArrival(id));
      await setCallQueued(db, id, skill, '2026-11-20T01:00:05.000Z');
    }
    await endCall(db, 'served', { outcome: 'answered', hangupCause: 16, at: '2026-11-20T01:05:00.000Z' }, null);

    // A name alone changes no call.
    await updateSkill(db, market.id, { name: '12315 市场监管' });
    expect((await updateSkill(db, market.id, { code: 'market' })).code).toBe('market');

    const skillOf = async (id: string) => (await db.select({ skill: calls.skill }).from(calls).where(eq(calls.linkedId, id)))[0]?.skill;
    expect({ waiting: await skillOf('waiting'), served: await skillOf('served'), other: await skillOf('other') }).toEqual({
      waiting: 'market',
      served: 'market-12315',
      other: 'general',
    });
  });
});
