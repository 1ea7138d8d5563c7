/**
 * A caller's place in line names the skill by its code as it is when the write lands, not as it was
 * when the caller was queued: the database refused the write (retried later, call-writes.ts) and an
 * admin renamed the skill meanwhile — the rename found no row naming the old code to rewrite, so the
 * late write must bring the new one, or a restarted server puts the caller under `general` (or under
 * a new skill given the old code). A skill deleted meanwhile leaves the code the write carried. The
 * code is read in the write's own statement, by the skill's primary key (the write runs once per call).
 * On SQLite or, with `CTI_TEST_DB=postgres`, on PostgreSQL.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CallWrites } from '../../cti/calls/call-writes.js';
import { createSkill, deleteSkill, dialectOf, findCallByLinkedId, recordCallArrival, setCallQueued, updateSkill } from '../../store/index.js';
import { queryPlan, statementsOf, storeWithLocation } from '../support/query-plan.js';
import { refuseUpdates } from '../support/refused-updates.js';
import { waitFor } from '../support/sim-client.js';
import { TestClock } from '../support/test-clock.js';
import { testLogger } from '../support/test-logger.js';
import { testStoresClosedAfterEach } from '../support/test-stores.js';
import { trunkArrival } from '../support/seed-calls.js';

const store = testStoresClosedAfterEach(() => new TestClock('2026-11-20T02:00:00.000Z'));
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  while (cleanup.length) await cleanup.pop()?.();
});

describe("a caller's place in line written after the skill changed", () => {
  it('names the skill by its new code after a rename (not the old one, given to a new skill meanwhile), and by the code it carried after a delete', async () => {
    const s = await store();
    const { db } = s;
    const market = await createSkill(db, { code: 'market-12315', name: '12315 市场监管' });
    const tax = await createSkill(db, { code: 'tax-12366', name: '12366 税务' });
    await recordCallArrival(db, trunkArrival('renamed'));
    await recordCallArrival(db, trunkArrival('deleted'));
    // Every place in line refused, as by a full disk.
    const refusal = await refuseUpdates(s, 'calls', 'queued_at');

    const writes = new CallWrites(db, testLogger());
    writes.together('renamed', () => writes.queued('renamed', market, '2026-11-20T01:00:05.000Z'));
    writes.together('deleted', () => writes.queued('deleted', tax, '2026-11-20T01:00:06.000Z'));
    await Promise.all([writes.drain('renamed'), writes.drain('deleted')]);
    expect(writes.isRetrying('renamed') && writes.isRetrying('deleted')).toBe(true);

    // While the writes wait for their retry: one skill renamed, its old code given to a new one; the other deleted.
    await updateSkill(db, market.id, { code: 'market' });
    await createSkill(db, { code: 'market-12315', name: '12315 新技能' });
    await deleteSkill(db, tax.id);
    await refusal.allow();

    // Tried again after 1 s.
    const renamed = await waitFor(async () => {
      const row = await findCallByLinkedId(db, 'renamed');
      return row?.state === 'queued' ? row : undefined;
    }, 'the place in line written');
    const deleted = await waitFor(async () => {
      const row = await findCallByLinkedId(db, 'deleted');
      return row?.state === 'queued' ? row : undefined;
    }, 'the place in line written');
    expect(renamed).toMatchObject({ skill: 'market', queuedAt: '2026-11-20T01:00:05.000Z', waitingSince: '2026-11-20T01:00:05.000Z' });
    expect(deleted).toMatchObject({ skill: 'tax-12366', queuedAt: '2026-11-20T01:00:06.000Z', waitingSince: '2026-11-20T01:00:06.000Z' });
  });

  it("reads the skill's code by its primary key and the call by its linkedid, in the one statement", async () => {
    const { db, location } = await storeWithLocation(cleanup);
    const skill = await createSkill(db, { code: 'market', name: '市场监管' });
    await recordCallArrival(db, trunkArrival('planned'));
    const texts = await statementsOf(db, () => setCallQueued(db, 'planned', skill, '2026-11-20T01:00:05.000Z'));
    const [text] = texts.filter((t) => /^update "calls"/.test(t));
    expect(text).toMatch(/from "skills"/);
    // The values in the text's order: the skill's id, the code carried, the state, the times, the linkedid.
    const plan = await queryPlan(db, location, text ?? '', [skill.id, 'market', 'queued', '2026-11-20T01:00:05.000Z', '2026-11-20T01:00:05.000Z', 'planned']);
    if (dialectOf(db) === 'postgres') {
      expect(plan).toMatch(/Index Scan using skills_pkey on skills/);
      expect(plan).toMatch(/Index Scan using calls_linked_id_unique on calls/);
      expect(plan).not.toMatch(/Seq Scan/);
    } else {
      expect(plan).toMatch(/SEARCH skills USING INTEGER PRIMARY KEY/);
      expect(plan).toMatch(/SEARCH calls USING INDEX calls_linked_id_unique/);
      expect(plan).not.toMatch(/SCAN (skills|calls)(?! USING)/);
    }
  });
});
