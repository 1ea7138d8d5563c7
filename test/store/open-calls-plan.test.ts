/**
 * The calls not ended yet are read at every start and every ARI reconnect (the restart pass takes
 * them back, before any new call), and rewritten when an admin renames a skill (in one commit that
 * holds the database). A centre's call table grows by tens of thousands of rows a day; walking it
 * whole took a quarter of a second at a million rows, in which no call is answered. Both must go
 * through the index of open calls only (`calls_open_idx`), the plan read from the database for the
 * statements the store sends (`CTI_TEST_DB=postgres` runs this file on PostgreSQL).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSkill, dialectOf, listOpenCalls, updateSkill } from '../../store/index.js';
import { queryPlan, statementsOf, storeWithLocation } from '../support/query-plan.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  while (cleanup.length) await cleanup.pop()?.();
});

/** No step of the plan reads the calls table whole, nor sorts it. */
function expectOpenCallsIndex(plan: string, postgres: boolean): void {
  expect(plan).toMatch(/calls_open_idx/);
  expect(plan).not.toMatch(postgres ? /Seq Scan|Sort/ : /SCAN calls(?! USING)|TEMP B-TREE/);
}

describe('the calls not ended yet', () => {
  it('are listed in order of arrival from the index of open calls', async () => {
    const { db, location } = await storeWithLocation(cleanup);
    const [text] = (await statementsOf(db, () => listOpenCalls(db))).filter((t) => /from "calls"/.test(t));
    expect(text).toBeDefined();
    expectOpenCallsIndex(await queryPlan(db, location, text ?? '', []), dialectOf(db) === 'postgres');
  });

  it('are found through that index when a skill is renamed', async () => {
    const { db, location } = await storeWithLocation(cleanup);
    const skill = await createSkill(db, { code: 'market', name: '市场监管' });
    const [text] = (await statementsOf(db, () => updateSkill(db, skill.id, { code: 'market-12315' }))).filter((t) => /^update "calls"/.test(t));
    expect(text).toBeDefined();
    expectOpenCallsIndex(await queryPlan(db, location, text ?? '', ['market-12315', 'market']), dialectOf(db) === 'postgres');
  });
});
